namespace Neuromorph.Data;

/// <summary>
/// Parameters of the Mackey–Glass delay differential equation
/// dx/dt = β·x(t−τ) / (1 + x(t−τ)ⁿ) − γ·x(t)
/// (Mackey &amp; Glass 1977, "Oscillation and chaos in physiological control systems", Science 197, 287).
/// Time is in the model's own (dimensionless) units. The defaults β = 0.2, γ = 0.1, n = 10, τ = 17
/// give the chaotic "MG-17" benchmark used for reservoir computing (Jaeger &amp; Haas 2004, Science 304, 78).
/// Start from <see cref="Chaotic17"/> and change fields with <c>with { … }</c>; <c>default</c> is all zeros and fails validation.
/// </summary>
/// <param name="Beta">Production rate β.</param>
/// <param name="Gamma">Decay rate γ.</param>
/// <param name="Exponent">Hill exponent n.</param>
/// <param name="Tau">Delay τ (&gt; 0).</param>
/// <param name="InitialValue">Constant initial history x(t) = x₀ for t ≤ 0.</param>
/// <param name="Step">Integration step h (0 &lt; h ≤ τ).</param>
public readonly record struct MackeyGlassParameters(
    double Beta = 0.2, double Gamma = 0.1, double Exponent = 10, double Tau = 17,
    double InitialValue = 1.2, double Step = 0.1)
{
    /// <summary>The MG-17 benchmark: β = 0.2, γ = 0.1, n = 10, τ = 17, x₀ = 1.2, h = 0.1.</summary>
    public static MackeyGlassParameters Chaotic17 => new(0.2, 0.1, 10, 17, 1.2, 0.1);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (!(Beta >= 0) || !double.IsFinite(Beta)) throw new ArgumentOutOfRangeException(nameof(Beta), Beta, "β must be finite and ≥ 0");
        if (!(Gamma >= 0) || !double.IsFinite(Gamma)) throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, "γ must be finite and ≥ 0");
        if (!(Exponent > 0) || !double.IsFinite(Exponent)) throw new ArgumentOutOfRangeException(nameof(Exponent), Exponent, "n must be finite and > 0");
        if (!(Tau > 0) || !double.IsFinite(Tau)) throw new ArgumentOutOfRangeException(nameof(Tau), Tau, "τ must be finite and > 0");
        if (!(InitialValue >= 0) || !double.IsFinite(InitialValue)) throw new ArgumentOutOfRangeException(nameof(InitialValue), InitialValue, "x₀ must be finite and ≥ 0 (xⁿ of a negative value is undefined for non-integer n)");
        if (!(Step > 0) || Step > Tau) throw new ArgumentOutOfRangeException(nameof(Step), Step, $"step h must be in (0, τ = {Tau}] so that delayed values are always in the past");
    }
}

/// <summary>
/// Generator of Mackey–Glass time series by the classical fourth-order Runge–Kutta method for
/// delay differential equations with dense output of the past by cubic Hermite interpolation.
/// </summary>
/// <remarks>
/// <para>Scheme (Bellen &amp; Zennaro 2003, "Numerical Methods for Delay Differential Equations", ch. 4–5:
/// a continuous Runge–Kutta method with Hermite interpolation of the stored solution). With
/// f(x, x_τ) = β·x_τ/(1 + x_τⁿ) − γ·x, one step from tₖ to tₖ₊₁ = tₖ + h is</para>
/// <code>
/// k₁ = f(xₖ,             η(tₖ − τ))
/// k₂ = f(xₖ + h·k₁/2,    η(tₖ + h/2 − τ))
/// k₃ = f(xₖ + h·k₂/2,    η(tₖ + h/2 − τ))
/// k₄ = f(xₖ + h·k₃,      η(tₖ + h − τ))
/// xₖ₊₁ = xₖ + h·(k₁ + 2k₂ + 2k₃ + k₄)/6
/// </code>
/// <para>where η(s) is the history: x₀ for s ≤ 0, and for s in [tⱼ, tⱼ₊₁] the cubic Hermite
/// interpolant of (xⱼ, ẋⱼ, xⱼ₊₁, ẋⱼ₊₁) with ẋⱼ = f(xⱼ, η(tⱼ − τ)) the derivative stored at each grid
/// point. Hermite interpolation is O(h⁴) accurate, so the overall scheme keeps RK4's fourth order.
/// The stored derivative at t = 0 is the right derivative, so the jump in ẋ at t = 0 caused by the
/// constant history is handled exactly. The history lives in a ring buffer of ⌈τ/h⌉ + 3 grid
/// points; nothing is allocated per step. Because h ≤ τ, the delayed times of step k,
/// tₖ + h/2 − τ and tₖ + h − τ, are ≤ tₖ: only points already computed are read.</para>
/// </remarks>
public static class MackeyGlass
{
    /// <summary>
    /// Integrates from t = 0 and returns <paramref name="length"/> samples x(t₀ + i·Δ), i = 0…length−1,
    /// with Δ = <paramref name="sampleInterval"/> and t₀ = <paramref name="transient"/> (samples before
    /// t₀ are discarded). Δ and t₀ must be whole multiples of the step h.
    /// </summary>
    public static double[] Generate(int length, double sampleInterval = 1.0, double transient = 0.0, MackeyGlassParameters? parameters = null)
    {
        var p = parameters ?? MackeyGlassParameters.Chaotic17;
        p.Validate();
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "length must be ≥ 0");
        int every = WholeSteps(sampleInterval, p.Step, nameof(sampleInterval));
        if (every == 0) throw new ArgumentOutOfRangeException(nameof(sampleInterval), sampleInterval, "sample interval must be positive");
        int skip = WholeSteps(transient, p.Step, nameof(transient));
        var result = new double[length];
        if (length == 0) return result;

        double h = p.Step, tau = p.Tau, x0 = p.InitialValue;
        int cap = (int)Math.Ceiling(tau / h) + 3;
        var xs = new double[cap];   // ring buffer of xⱼ
        var ds = new double[cap];   // ring buffer of ẋⱼ
        long k = 0;                 // current grid index
        double x = x0;
        xs[0] = x;
        ds[0] = Rhs(x, History(p, xs, ds, cap, 0, -tau), p);

        long totalSteps = skip + (long)every * (length - 1);
        int written = 0;
        if (skip == 0) result[written++] = x;
        while (k < totalSteps)
        {
            double t = k * h;
            double d1 = ds[k % cap];
            double xMid = History(p, xs, ds, cap, k, t + 0.5 * h - tau);
            double xEnd = History(p, xs, ds, cap, k, t + h - tau);
            double k1 = d1;
            double k2 = Rhs(x + 0.5 * h * k1, xMid, p);
            double k3 = Rhs(x + 0.5 * h * k2, xMid, p);
            double k4 = Rhs(x + h * k3, xEnd, p);
            x += h * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0;
            k++;
            int slot = (int)(k % cap);
            xs[slot] = x;
            ds[slot] = Rhs(x, xEnd, p);       // ẋ at tₖ₊₁ uses η(tₖ₊₁ − τ) = xEnd
            if (k >= skip && (k - skip) % every == 0) result[written++] = x;
        }
        return result;
    }

    /// <summary>Single-precision copy of <see cref="Generate"/> for float32 pipelines.</summary>
    public static float[] GenerateSingle(int length, double sampleInterval = 1.0, double transient = 0.0, MackeyGlassParameters? parameters = null) =>
        Array.ConvertAll(Generate(length, sampleInterval, transient, parameters), v => (float)v);

    private static double Rhs(double x, double xDelayed, in MackeyGlassParameters p) =>
        p.Beta * xDelayed / (1.0 + Math.Pow(xDelayed, p.Exponent)) - p.Gamma * x;

    /// <summary>η(s): constant history for s ≤ 0, else cubic Hermite interpolation between stored grid points (s ≤ tₖ).</summary>
    private static double History(in MackeyGlassParameters p, double[] xs, double[] ds, int cap, long k, double s)
    {
        if (s <= 0) return p.InitialValue;
        double h = p.Step;
        double u = s / h;
        long j = (long)Math.Floor(u);
        double theta = u - j;
        if (j >= k) { j = k; theta = 0; }      // s = tₖ exactly (up to rounding)
        int a = (int)(j % cap);
        double xa = xs[a], da = ds[a];
        if (theta == 0) return xa;
        int b = (int)((j + 1) % cap);
        double xb = xs[b], db = ds[b];
        // Cubic Hermite basis on θ ∈ [0, 1].
        double t2 = theta * theta, t3 = t2 * theta;
        double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + theta, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
        return h00 * xa + h10 * h * da + h01 * xb + h11 * h * db;
    }

    private static int WholeSteps(double interval, double step, string name)
    {
        if (!(interval >= 0) || !double.IsFinite(interval)) throw new ArgumentOutOfRangeException(name, interval, "must be finite and ≥ 0");
        double n = interval / step;
        double r = Math.Round(n);
        if (Math.Abs(n - r) > 1e-9 * Math.Max(1, n) || r > int.MaxValue)
            throw new ArgumentOutOfRangeException(name, interval, $"must be a whole multiple of the integration step h = {step}");
        return (int)r;
    }
}

using Neuromorph.Numerics;

namespace Neuromorph.Data;

/// <summary>An input sequence and the NARMA system's response to it.</summary>
/// <param name="Input">u(t), i.i.d. uniform on [0, 0.5].</param>
/// <param name="Output">y(t).</param>
public sealed record NarmaSeries(double[] Input, double[] Output);

/// <summary>
/// The tenth-order nonlinear autoregressive moving-average benchmark (Atiya &amp; Parlos 2000, IEEE
/// Trans. Neural Netw. 11, 697; as used for reservoir computing by Jaeger 2003, NIPS 15):
/// y(t+1) = 0.3·y(t) + 0.05·y(t)·Σᵢ₌₀⁹ y(t−i) + 1.5·u(t−9)·u(t) + 0.1,
/// with u(t) ~ U[0, 0.5] and y(t) = 0 for t &lt; 10 (so y(t+1) is first computed at t = 9, from
/// y = 0 and u(0)…u(9)).
/// </summary>
/// <remarks>
/// u is drawn from <see cref="RandomStream"/> keyed by (seed, "narma10", <c>streamIndex</c>), so a
/// series is the same on every machine and thread count. The recurrence is evaluated in double
/// precision in exactly the order written above. NARMA10 occasionally diverges for unlucky inputs;
/// a non-finite or runaway (|y| &gt; 10⁶) output throws, naming the seed.
/// </remarks>
public static class Narma10
{
    /// <summary>Order of the system (memory length).</summary>
    public const int Order = 10;

    /// <summary>Generates <paramref name="length"/> steps of u and y.</summary>
    public static NarmaSeries Generate(int length, ulong seed, uint streamIndex = 0)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "length must be ≥ 0");
        var u = new double[length];
        var y = new double[length];
        var rng = new RandomStream(seed, "narma10", streamIndex);
        for (int t = 0; t < length; t++) u[t] = rng.Uniform(0.0, 0.5);
        for (int t = Order - 1; t + 1 < length; t++)
        {
            double sum = 0;
            for (int i = 0; i < Order; i++) sum += y[t - i];
            double next = Step(y[t], sum, u[t - (Order - 1)], u[t]);
            if (!double.IsFinite(next) || Math.Abs(next) > 1e6)
                throw new ArithmeticException($"NARMA10 diverged at t = {t + 1} for seed {seed}, stream {streamIndex}; use another seed");
            y[t + 1] = next;
        }
        return new NarmaSeries(u, y);
    }

    /// <summary>One step of the recurrence: 0.3·y(t) + 0.05·y(t)·Σ + 1.5·u(t−9)·u(t) + 0.1, Σ = Σᵢ₌₀⁹ y(t−i).</summary>
    public static double Step(double yNow, double sumLast10, double uDelayed9, double uNow) =>
        0.3 * yNow + 0.05 * yNow * sumLast10 + 1.5 * uDelayed9 * uNow + 0.1;
}

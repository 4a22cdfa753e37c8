using System.Runtime.CompilerServices;
using Neuromorph.Energy;
using Neuromorph.Numerics;

namespace Neuromorph.Reservoir;

/// <summary>
/// The nonlinear node of a delay reservoir: the right-hand side of the scalar delay-differential
/// equation dx/dt = f(x(t), x(t − τ), J(t)), with J the masked input already multiplied by the
/// input scaling. Implementations are small structs so the integrator is specialised and inlined.
/// </summary>
public interface IDelayNode
{
    /// <summary>dx/dt given the present state, the delayed state and the drive.</summary>
    double Derivative(double x, double delayed, double drive);
    /// <summary>One line naming the equation and its parameters.</summary>
    string Describe();
}

/// <summary>
/// Mackey–Glass electronic node of Appeltant et al. 2011 (Nat. Commun. 2, 468, eq. 2):
/// T·dx/dt = −x(t) + η·z / (1 + |z|ᵖ), z = x(t − τ) + γ·J(t).
/// (The classical MG equation dx/dt = β·x_τ/(1 + x_τⁿ) − γ_MG·x is the case T = 1/γ_MG, η = β/γ_MG, p = n, J = 0.)
/// </summary>
/// <param name="Eta">Feedback strength η.</param>
/// <param name="Exponent">Nonlinearity exponent p (Appeltant 2011 use p = 1 for NARMA10 and spoken digits).</param>
/// <param name="TimeConstant">Node response time T, s.</param>
public readonly record struct MackeyGlassNode(double Eta, double Exponent, double TimeConstant) : IDelayNode
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Derivative(double x, double delayed, double drive)
    {
        double z = delayed + drive;
        double zp = Exponent == 1 ? Math.Abs(z) : Math.Pow(Math.Abs(z), Exponent);
        return (-x + Eta * z / (1 + zp)) / TimeConstant;
    }

    /// <inheritdoc/>
    public string Describe() => $"Mackey–Glass node (Appeltant 2011): η = {Eta:G3}, p = {Exponent:G3}, T = {TimeConstant:G3} s";
}

/// <summary>
/// Optoelectronic Ikeda node with a Mach–Zehnder sin² nonlinearity (Larger et al. 2012, Opt.
/// Express 20, 3241, eq. 1): T·dx/dt = −x(t) + β·sin²(μ·x(t − τ) + J(t) + Φ₀).
/// </summary>
/// <param name="Beta">Feedback gain β.</param>
/// <param name="Mu">Delayed-feedback scaling μ.</param>
/// <param name="Phase">Offset phase Φ₀, rad.</param>
/// <param name="TimeConstant">Low-pass response time T, s.</param>
public readonly record struct IkedaNode(double Beta, double Mu, double Phase, double TimeConstant) : IDelayNode
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Derivative(double x, double delayed, double drive)
    {
        double s = Math.Sin(Mu * delayed + drive + Phase);
        return (-x + Beta * s * s) / TimeConstant;
    }

    /// <inheritdoc/>
    public string Describe() => $"Ikeda sin² node (Larger 2012): β = {Beta:G3}, μ = {Mu:G3}, Φ₀ = {Phase:G3} rad, T = {TimeConstant:G3} s";
}

/// <summary>
/// Volatile (diffusive) memristor node after the dynamic WOx memristor model of Du et al. 2017
/// (Nat. Commun. 8, 2204, eqs. 1–2): the state w relaxes spontaneously with time constant τ_w and
/// grows under applied voltage, dw/dt = λ·sinh(η_v·V) − w/τ_w, with V(t) = κ·x(t − τ) + J(t) the
/// voltage applied through the delay loop. The read-out x is the normalised state w; here the
/// node's state is w itself, so x = w.
/// </summary>
/// <param name="Lambda">Growth-rate prefactor λ, 1/s.</param>
/// <param name="VoltageFactor">η_v, 1/V.</param>
/// <param name="RelaxationTime">τ_w, s (volatility: the state forgets on this time scale).</param>
/// <param name="Feedback">κ: delayed state fed back as voltage, V per unit state.</param>
public readonly record struct VolatileMemristorNode(double Lambda, double VoltageFactor, double RelaxationTime, double Feedback) : IDelayNode
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Derivative(double x, double delayed, double drive) =>
        Lambda * Math.Sinh(VoltageFactor * (Feedback * delayed + drive)) - x / RelaxationTime;

    /// <inheritdoc/>
    public string Describe() => $"volatile memristor node (Du 2017): λ = {Lambda:G3} /s, η_v = {VoltageFactor:G3} /V, τ_w = {RelaxationTime:G3} s, κ = {Feedback:G3}";
}

/// <summary>
/// Fixed-step integrator of dx/dt = f(x(t), x(t − τ), J(t)) with τ = M·h an exact multiple of the
/// step h: classical RK4 whose delayed arguments at t + h/2 − τ come from the cubic Hermite
/// interpolant of the stored past (values and derivatives at both ends of each past step), so the
/// scheme keeps fourth order (Bellen &amp; Zennaro 2003, "Numerical Methods for Delay Differential
/// Equations", §4–5). The drive J is constant within a step (steps are aligned with the mask's θ),
/// so each past step stores its own start and end derivative. History: a ring buffer of M + 2
/// steps; the past before t = 0 is the constant initial value. Optional additive white noise of
/// intensity σ (dx = f·dt + σ·dW, Euler–Maruyama increment σ·√h·ξ) models thermal or electronic
/// noise in the node. No allocation per step.
/// </summary>
public sealed class DelayIntegrator<TNode> where TNode : struct, IDelayNode
{
    private readonly TNode _node;
    private readonly double[] _xs, _d0, _d1;
    private readonly int _cap, _m;
    private readonly double _h, _initial, _noise, _sqrtH;
    private readonly ulong _seed;
    private readonly uint _component;
    private long _n;
    private double _x;

    /// <summary>Creates the integrator at t = 0 with x(t) = <paramref name="initialValue"/> for t ≤ 0.</summary>
    /// <param name="node">Node model.</param>
    /// <param name="delaySteps">M = τ/h (≥ 1).</param>
    /// <param name="step">h, s.</param>
    /// <param name="initialValue">Constant history.</param>
    /// <param name="noiseIntensity">σ of the additive white noise (state units per √s); 0 for none.</param>
    /// <param name="seed">Seed of the noise stream.</param>
    /// <param name="noiseIndex">Index of this node's noise stream (redundant copies use different indices).</param>
    public DelayIntegrator(TNode node, int delaySteps, double step, double initialValue = 0, double noiseIntensity = 0, ulong seed = 0, uint noiseIndex = 0)
    {
        if (delaySteps < 1) throw new ArgumentOutOfRangeException(nameof(delaySteps), delaySteps, "the delay must be at least one integration step");
        if (!(step > 0) || !double.IsFinite(step)) throw new ArgumentOutOfRangeException(nameof(step), step, "step must be finite and > 0");
        if (!(noiseIntensity >= 0)) throw new ArgumentOutOfRangeException(nameof(noiseIntensity), noiseIntensity, "noise intensity must be ≥ 0");
        _node = node; _m = delaySteps; _h = step; _initial = initialValue; _noise = noiseIntensity; _sqrtH = Math.Sqrt(step);
        _seed = seed; _component = Philox.ComponentId("delay-node-noise") + noiseIndex;
        _cap = delaySteps + 2;
        _xs = new double[_cap]; _d0 = new double[_cap]; _d1 = new double[_cap];
        Reset();
    }

    /// <summary>Present state x(t).</summary>
    public double X => _x;
    /// <summary>Steps taken.</summary>
    public long Steps => _n;
    /// <summary>Integration step h, s.</summary>
    public double Step => _h;

    /// <summary>Back to t = 0 with the constant initial history.</summary>
    public void Reset() { _n = 0; _x = _initial; Array.Clear(_xs); Array.Clear(_d0); Array.Clear(_d1); }

    /// <summary>Advances one step h with drive J held constant over it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(double drive)
    {
        long j = _n - _m;   // index of the delayed grid point x(tₙ − τ); grid points ≤ 0 hold the constant history
        double xd0 = j <= 0 ? _initial : _xs[j % _cap];
        double xd1 = j + 1 <= 0 ? _initial : (j + 1 == _n ? _x : _xs[(j + 1) % _cap]);
        double xdm;
        if (j < 0) xdm = _initial;
        else
        {
            // Cubic Hermite midpoint of past step j: (x₀ + x₁)/2 + h·(d₀ − d₁)/8.
            int a = (int)(j % _cap);
            xdm = 0.5 * (xd0 + xd1) + 0.125 * _h * (_d0[a] - _d1[a]);
        }
        double x = _x, h = _h;
        int slot = (int)(_n % _cap);
        _xs[slot] = x;
        double k1 = _node.Derivative(x, xd0, drive);
        double k2 = _node.Derivative(x + 0.5 * h * k1, xdm, drive);
        double k3 = _node.Derivative(x + 0.5 * h * k2, xdm, drive);
        double k4 = _node.Derivative(x + h * k3, xd1, drive);
        double xn = x + h * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0;
        if (_noise > 0)
        {
            var (z, _) = CounterRandom.Normal2(_seed, _component, 0, (ulong)_n);
            xn += _noise * _sqrtH * z;
        }
        _d0[slot] = k1;
        _d1[slot] = _node.Derivative(xn, xd1, drive);
        _n++;
        _x = xn;
        _xs[(int)(_n % _cap)] = xn;
    }
}

/// <summary>How the input is multiplied onto the virtual nodes.</summary>
public enum MaskKind
{
    /// <summary>Random ±1 (Appeltant 2011).</summary>
    Binary,
    /// <summary>Uniform on [−1, 1].</summary>
    Uniform,
    /// <summary>±1 maximum-length sequence from a Fibonacci LFSR (Appeltant, Van der Sande, Danckaert &amp; Fischer 2014, Sci. Rep. 4, 3629).</summary>
    MaximumLength,
}

/// <summary>Parameters of a delay-based single-node reservoir (Appeltant et al. 2011).</summary>
public sealed record DelayReservoirParameters
{
    /// <summary>Virtual nodes N per delay.</summary>
    public int VirtualNodes { get; init; } = 400;
    /// <summary>Virtual-node separation θ, s; the delay is τ = (N + <see cref="DelayOffset"/>)·θ and each input is held for N·θ.</summary>
    public double Theta { get; init; } = 0.2;
    /// <summary>Extra delay in units of θ (0: τ equals the input hold time as in Appeltant 2011; 1 desynchronises as in Paquot et al. 2012).</summary>
    public int DelayOffset { get; init; }
    /// <summary>Integration steps per θ.</summary>
    public int Substeps { get; init; } = 4;
    /// <summary>Input scaling γ: J(t) = γ·(M·u)(t).</summary>
    public double InputScaling { get; init; } = 0.05;
    /// <summary>Constant added to every masked input before scaling (biases the node's operating point).</summary>
    public double InputOffset { get; init; }
    /// <summary>Mask kind.</summary>
    public MaskKind Mask { get; init; } = MaskKind.Binary;
    /// <summary>Intensity of additive white noise in the node equation (state units per √s).</summary>
    public double NodeNoise { get; init; }

    /// <summary>Throws naming the first invalid field.</summary>
    public void Validate()
    {
        if (VirtualNodes < 1) throw new ArgumentOutOfRangeException(nameof(VirtualNodes), VirtualNodes, "virtual nodes must be ≥ 1");
        if (!(Theta > 0) || !double.IsFinite(Theta)) throw new ArgumentOutOfRangeException(nameof(Theta), Theta, "θ must be finite and > 0");
        if (DelayOffset < 0) throw new ArgumentOutOfRangeException(nameof(DelayOffset), DelayOffset, "delay offset must be ≥ 0");
        if (Substeps < 1) throw new ArgumentOutOfRangeException(nameof(Substeps), Substeps, "substeps must be ≥ 1");
        if (!double.IsFinite(InputScaling)) throw new ArgumentOutOfRangeException(nameof(InputScaling), InputScaling, "input scaling must be finite");
        if (!(NodeNoise >= 0)) throw new ArgumentOutOfRangeException(nameof(NodeNoise), NodeNoise, "node noise must be ≥ 0");
    }
}

/// <summary>Masks for delay reservoirs.</summary>
public static class Masks
{
    /// <summary>An N × inputs mask (row-major) of the given kind, drawn from (seed, "delay-mask").</summary>
    public static float[] Create(MaskKind kind, int nodes, int inputs, ulong seed)
    {
        var m = new float[nodes * inputs];
        var rng = new RandomStream(seed, "delay-mask");
        switch (kind)
        {
            case MaskKind.Binary: for (int i = 0; i < m.Length; i++) m[i] = rng.NextDouble() < 0.5 ? -1f : 1f; break;
            case MaskKind.Uniform: for (int i = 0; i < m.Length; i++) m[i] = (float)rng.Uniform(-1, 1); break;
            default:
                int bits = 2;
                while ((1 << bits) - 1 < nodes * inputs) bits++;
                var seq = MaximumLengthSequence(bits);
                int shift = rng.NextInt(seq.Length);
                for (int k = 0; k < inputs; k++)
                    for (int i = 0; i < nodes; i++) m[i * inputs + k] = seq[(shift + k * nodes + i) % seq.Length];
                break;
        }
        return m;
    }

    // Primitive feedback polynomials (taps, 1-based) for Fibonacci LFSRs of 2…20 bits.
    private static readonly int[][] Taps =
    [
        [], [], [2, 1], [3, 2], [4, 3], [5, 3], [6, 5], [7, 6], [8, 6, 5, 4], [9, 5], [10, 7], [11, 9], [12, 11, 10, 4],
        [13, 12, 11, 8], [14, 13, 12, 2], [15, 14], [16, 15, 13, 4], [17, 14], [18, 11], [19, 18, 17, 14], [20, 17],
    ];

    /// <summary>The ±1 maximum-length sequence (period 2ᵇ − 1) of a <paramref name="bits"/>-bit Fibonacci LFSR.</summary>
    public static float[] MaximumLengthSequence(int bits)
    {
        if (bits < 2 || bits >= Taps.Length) throw new ArgumentOutOfRangeException(nameof(bits), bits, $"LFSR length must be in [2, {Taps.Length - 1}]");
        int period = (1 << bits) - 1;
        var seq = new float[period];
        uint state = 1;
        for (int i = 0; i < period; i++)
        {
            seq[i] = (state & 1) != 0 ? 1f : -1f;
            uint fb = 0;
            foreach (int t in Taps[bits]) fb ^= (state >> (bits - t)) & 1;   // tap xᵗ reads bit (b − t) of a right-shifting register
            state = (state >> 1) | (fb << (bits - 1));
        }
        return seq;
    }
}

/// <summary>
/// Delay-based single-node reservoir (Appeltant et al. 2011, Nat. Commun. 2, 468): each input
/// u(k) is held for one period N·θ and multiplied by the mask, so virtual node i receives
/// J(t) = γ·(Σⱼ M_ij·u_j(k) + offset) during t ∈ [k·Nθ + iθ, k·Nθ + (i+1)θ). The single node
/// integrates dx/dt = f(x, x(t − τ), J) (<see cref="DelayIntegrator{TNode}"/>); virtual node i's
/// state is x sampled at the end of its θ interval. With θ shorter than the node response time,
/// the node's inertia couples neighbouring virtual nodes; the delay couples each node to itself
/// one period earlier. Counts per input step: N DAC conversions (masked samples), N ADC
/// conversions (virtual-node reads), N neuron updates, N·inputs MACs for the mask.
/// </summary>
public sealed class DelayReservoir<TNode> : IReservoir where TNode : struct, IDelayNode
{
    private readonly DelayIntegrator<TNode> _integrator;
    private readonly float[] _mask;

    /// <summary>Parameters.</summary>
    public DelayReservoirParameters Parameters { get; }
    /// <summary>The node model.</summary>
    public TNode Node { get; }
    /// <summary>Mask, row-major N × inputs.</summary>
    public ReadOnlySpan<float> Mask => _mask;
    /// <inheritdoc/>
    public int InputSize { get; }
    /// <inheritdoc/>
    public int StateSize => Parameters.VirtualNodes;
    /// <summary>The delay τ, s.</summary>
    public double Delay => (Parameters.VirtualNodes + Parameters.DelayOffset) * Parameters.Theta;

    /// <summary>Creates the reservoir; the mask is drawn from (seed, "delay-mask"), node noise from (seed, "delay-node-noise" + <paramref name="noiseIndex"/>).</summary>
    public DelayReservoir(TNode node, DelayReservoirParameters p, int inputs, ulong seed, uint noiseIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "a delay reservoir needs at least one input");
        Parameters = p; Node = node; InputSize = inputs;
        _mask = Masks.Create(p.Mask, p.VirtualNodes, inputs, seed);
        int m = (p.VirtualNodes + p.DelayOffset) * p.Substeps;
        _integrator = new DelayIntegrator<TNode>(node, m, p.Theta / p.Substeps, 0, p.NodeNoise, seed, noiseIndex);
    }

    /// <inheritdoc/>
    public void Reset() => _integrator.Reset();

    /// <inheritdoc/>
    public void Run(ReadOnlySpan<float> inputs, int steps, Span<float> states, OpCounters? counters = null)
    {
        int n = StateSize, d = InputSize, k = Parameters.Substeps;
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be ≥ 0");
        if (inputs.Length < steps * d) throw new ArgumentException($"inputs has {inputs.Length} values, expected {steps}×{d}");
        if (states.Length < (long)steps * n) throw new ArgumentException($"states has {states.Length} values, expected {steps}×{n}");
        double gamma = Parameters.InputScaling, offset = Parameters.InputOffset;
        for (int t = 0; t < steps; t++)
        {
            var u = inputs.Slice(t * d, d);
            var row = states.Slice(t * n, n);
            for (int i = 0; i < n; i++)
            {
                double j = offset;
                for (int c = 0; c < d; c++) j += _mask[i * d + c] * u[c];
                j *= gamma;
                for (int s = 0; s < k; s++) _integrator.Advance(j);
                row[i] = (float)_integrator.X;
            }
        }
        if (counters != null)
        {
            counters.Add(Op.NeuronUpdate, (long)n * steps);
            counters.Add(Op.Mac, (long)n * d * steps);
            counters.Add(Op.DacConversion, (long)n * steps);
            counters.Add(Op.AdcConversion, (long)n * steps);
        }
    }

    /// <inheritdoc/>
    public string Describe() =>
        $"delay reservoir: {Node.Describe()}; N = {StateSize} virtual nodes, θ = {Parameters.Theta:G3} s, τ = {Delay:G4} s, {Parameters.Substeps} RK4 steps per θ, γ = {Parameters.InputScaling:G3}, {Parameters.Mask} mask, node noise {Parameters.NodeNoise:G3}";
}

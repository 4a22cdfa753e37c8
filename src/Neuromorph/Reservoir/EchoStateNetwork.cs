using System.Numerics.Tensors;
using Neuromorph.Energy;
using Neuromorph.Numerics;

namespace Neuromorph.Reservoir;

/// <summary>
/// Parameters of a leaky-integrator echo-state network (Jaeger 2001, GMD Report 148; leaky
/// form Jaeger, Lukoševičius, Popovici &amp; Siewert 2007, Neural Networks 20, 335):
/// x(t+1) = (1 − a)·x(t) + a·tanh(W·x(t) + W_in·u(t+1) + b + W_fb·y(t)).
/// W is sparse with <see cref="Density"/> non-zeros per row, N(0, 1) entries, rescaled so that its
/// computed spectral radius equals <see cref="SpectralRadius"/>.
/// </summary>
public sealed record EsnParameters
{
    /// <summary>Number of units N.</summary>
    public int Units { get; init; } = 400;
    /// <summary>Target spectral radius ρ of W (computed, then W is rescaled to it).</summary>
    public double SpectralRadius { get; init; } = 0.9;
    /// <summary>Fraction of non-zero recurrent weights per row.</summary>
    public double Density { get; init; } = 0.1;
    /// <summary>Leak rate a ∈ (0, 1] (1 = no leak).</summary>
    public double LeakRate { get; init; } = 0.3;
    /// <summary>Input weights are U(−s, s) with s the input scaling.</summary>
    public double InputScaling { get; init; } = 1.0;
    /// <summary>Fraction of non-zero input weights.</summary>
    public double InputConnectivity { get; init; } = 1.0;
    /// <summary>Input weights ±s (Bernoulli) instead of uniform.</summary>
    public bool BinaryInputWeights { get; init; }
    /// <summary>Bias b_i ~ U(−s_b, s_b).</summary>
    public double BiasScaling { get; init; }
    /// <summary>Output-feedback weights W_fb ~ U(−s_fb, s_fb) (0 = no feedback).</summary>
    public double FeedbackScaling { get; init; }
    /// <summary>Number of fed-back outputs (0 = none).</summary>
    public int FeedbackSize { get; init; }
    /// <summary>How ρ(W) is computed.</summary>
    public SpectralMethod SpectralMethod { get; init; } = SpectralMethod.Auto;

    /// <summary>Throws naming the first invalid field.</summary>
    public void Validate()
    {
        if (Units < 1) throw new ArgumentOutOfRangeException(nameof(Units), Units, "units must be ≥ 1");
        if (!(SpectralRadius >= 0) || !double.IsFinite(SpectralRadius)) throw new ArgumentOutOfRangeException(nameof(SpectralRadius), SpectralRadius, "spectral radius must be finite and ≥ 0");
        if (!(Density > 0 && Density <= 1)) throw new ArgumentOutOfRangeException(nameof(Density), Density, "density must be in (0, 1]");
        if (!(LeakRate > 0 && LeakRate <= 1)) throw new ArgumentOutOfRangeException(nameof(LeakRate), LeakRate, "leak rate must be in (0, 1]");
        if (!(InputScaling >= 0) || !double.IsFinite(InputScaling)) throw new ArgumentOutOfRangeException(nameof(InputScaling), InputScaling, "input scaling must be finite and ≥ 0");
        if (!(InputConnectivity > 0 && InputConnectivity <= 1)) throw new ArgumentOutOfRangeException(nameof(InputConnectivity), InputConnectivity, "input connectivity must be in (0, 1]");
        if (!(BiasScaling >= 0)) throw new ArgumentOutOfRangeException(nameof(BiasScaling), BiasScaling, "bias scaling must be ≥ 0");
        if (!(FeedbackScaling >= 0)) throw new ArgumentOutOfRangeException(nameof(FeedbackScaling), FeedbackScaling, "feedback scaling must be ≥ 0");
        if (FeedbackSize < 0) throw new ArgumentOutOfRangeException(nameof(FeedbackSize), FeedbackSize, "feedback size must be ≥ 0");
    }
}

/// <summary>
/// Echo-state network with float32 structure-of-arrays state, CSR recurrent product and no
/// allocation per time step. With <see cref="Threads"/> &gt; 1, <c>Run</c> splits the units
/// into row blocks, one per thread, synchronised by a barrier once per step (each unit is written by
/// one thread, so results do not depend on the thread count).
/// </summary>
public sealed class EchoStateNetwork : IReservoir
{
    private readonly float[] _win;     // N × inputs
    private readonly float[] _bias;    // N
    private readonly float[] _wfb;     // N × feedback
    private readonly float[] _x, _x2, _pre, _inTerm;
    private readonly bool _hasBias;
    private readonly float _leak;

    /// <summary>Parameters.</summary>
    public EsnParameters Parameters { get; }
    /// <summary>Recurrent weights (already scaled to the target spectral radius; the state update reads a copy taken at construction).</summary>
    public CsrMatrix W { get; }
    private readonly SlicedEllMatrix? _ell;   // the same W for the AVX-512 product, when the machine has it
    /// <summary>The spectral radius of the raw random matrix, before rescaling, and how it was computed.</summary>
    public SpectralRadiusResult RawSpectralRadius { get; }
    /// <summary>Worker threads used by <c>Run</c>.</summary>
    public int Threads { get; set; } = 1;
    /// <inheritdoc/>
    public int InputSize { get; }
    /// <inheritdoc/>
    public int StateSize => Parameters.Units;
    /// <summary>Current state x (length N).</summary>
    public ReadOnlySpan<float> State => _x;
    /// <summary>Input weights, row-major N × inputs.</summary>
    public ReadOnlySpan<float> InputWeights => _win;
    /// <summary>Multiply–accumulates per step: nnz(W) + N·inputs + N·feedback.</summary>
    public long MacsPerStep => W.NonZeros + (long)StateSize * (InputSize + Parameters.FeedbackSize);

    /// <summary>Builds the network: W, W_in, b, W_fb drawn from streams keyed by (seed, "esn-…", index).</summary>
    public EchoStateNetwork(EsnParameters p, int inputs, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "an ESN needs at least one input");
        Parameters = p; InputSize = inputs;
        int n = p.Units;
        W = CsrMatrix.Random(n, n, p.Density, seed, "esn-w");
        RawSpectralRadius = Reservoir.SpectralRadius.Compute(W, p.SpectralMethod, seed: seed);
        if (RawSpectralRadius.Radius <= 0)
            throw new InvalidOperationException($"the random recurrent matrix is nilpotent (ρ = 0) at density {p.Density}; raise the density");
        W.Scale((float)(p.SpectralRadius / RawSpectralRadius.Radius));
        if (SlicedEllMatrix.IsSupported) _ell = new SlicedEllMatrix(W);
        _win = new float[n * inputs];
        var rIn = new RandomStream(seed, "esn-win");
        for (int i = 0; i < _win.Length; i++)
        {
            bool on = p.InputConnectivity >= 1 || rIn.NextDouble() < p.InputConnectivity;
            double v = p.BinaryInputWeights ? (rIn.NextDouble() < 0.5 ? -1 : 1) : rIn.Uniform(-1, 1);
            _win[i] = on ? (float)(p.InputScaling * v) : 0f;
        }
        _bias = new float[n];
        if (p.BiasScaling > 0) { var rb = new RandomStream(seed, "esn-bias"); rb.FillUniform(_bias, (float)-p.BiasScaling, (float)p.BiasScaling); }
        _wfb = new float[n * p.FeedbackSize];
        if (p.FeedbackSize > 0) { var rf = new RandomStream(seed, "esn-wfb"); rf.FillUniform(_wfb, (float)-p.FeedbackScaling, (float)p.FeedbackScaling); }
        _x = new float[n]; _x2 = new float[n]; _pre = new float[n]; _inTerm = new float[n];
        _hasBias = Array.Exists(_bias, v => v != 0f);
        _leak = (float)p.LeakRate;
    }

    /// <inheritdoc/>
    public void Reset() { Array.Clear(_x); Array.Clear(_x2); }

    /// <summary>Sets the state (e.g. to test the echo-state property from two initial conditions).</summary>
    public void SetState(ReadOnlySpan<float> x)
    {
        if (x.Length != StateSize) throw new ArgumentException($"state has {x.Length} values, the network {StateSize} units");
        x.CopyTo(_x);
    }

    /// <summary>One step with input u (and fed-back output y when the network has feedback); allocation-free.</summary>
    public void Step(ReadOnlySpan<float> u, ReadOnlySpan<float> feedback = default)
    {
        if (u.Length != InputSize) throw new ArgumentException($"input has {u.Length} values, the network {InputSize}");
        if (feedback.Length != Parameters.FeedbackSize) throw new ArgumentException($"feedback has {feedback.Length} values, the network {Parameters.FeedbackSize}");
        StepRows(_x, _x2, u, feedback, 0, StateSize);
        _x2.AsSpan().CopyTo(_x);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void StepRows(float[] x, float[] xNew, ReadOnlySpan<float> u, ReadOnlySpan<float> fb, int r0, int r1)
    {
        if (_ell != null) _ell.MultiplyRows(x, _pre, r0, r1);
        else W.MultiplyRows(x, _pre, r0, r1);
        int d = InputSize, f = fb.Length;
        var pre = _pre.AsSpan(r0, r1 - r0);
        if (_hasBias) TensorPrimitives.Add(pre, _bias.AsSpan(r0, r1 - r0), pre);
        if (d == 1 && f == 0)
        {
            // One input, no feedback: the same two roundings as the loop below (product, then sum), vectorised.
            var t = _inTerm.AsSpan(r0, r1 - r0);
            TensorPrimitives.Multiply(_win.AsSpan(r0, r1 - r0), u[0], t);
            TensorPrimitives.Add(pre, t, pre);
        }
        else for (int i = r0; i < r1; i++)
        {
            float s = 0f;
            int o = i * d;
            for (int k = 0; k < d; k++) s += _win[o + k] * u[k];
            if (f > 0) { int of = i * f; for (int k = 0; k < f; k++) s += _wfb[of + k] * fb[k]; }
            _pre[i] += s;
        }
        TensorPrimitives.Tanh(pre, pre);
        // x_new = (1 − a)·x + a·tanh(pre) = x + a·(tanh(pre) − x)
        var xo = x.AsSpan(r0, r1 - r0); var xn = xNew.AsSpan(r0, r1 - r0);
        TensorPrimitives.Subtract(pre, xo, xn);
        TensorPrimitives.MultiplyAdd(xn, _leak, xo, xn);
    }

    /// <inheritdoc/>
    public void Run(ReadOnlySpan<float> inputs, int steps, Span<float> states, OpCounters? counters = null) =>
        Run(inputs, steps, states, default, counters);

    /// <summary>
    /// Drives the network for <paramref name="steps"/> steps; <paramref name="teacher"/> (steps × feedback)
    /// holds the output fed back at each step (teacher forcing: the target of the previous step).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Run(ReadOnlySpan<float> inputs, int steps, Span<float> states, ReadOnlySpan<float> teacher, OpCounters? counters = null)
    {
        int n = StateSize, d = InputSize, f = Parameters.FeedbackSize;
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be ≥ 0");
        if (inputs.Length < steps * d) throw new ArgumentException($"inputs has {inputs.Length} values, expected {steps}×{d}");
        if (states.Length < (long)steps * n) throw new ArgumentException($"states has {states.Length} values, expected {steps}×{n}");
        if (f > 0 && teacher.Length < steps * f) throw new ArgumentException($"teacher has {teacher.Length} values, expected {steps}×{f} (feedback needs the fed-back output)");
        int threads = Math.Clamp(Threads, 1, Math.Max(1, n / 64));
        if (threads == 1)
        {
            for (int t = 0; t < steps; t++)
            {
                StepRows(_x, _x2, inputs.Slice(t * d, d), f > 0 ? teacher.Slice(t * f, f) : default, 0, n);
                _x2.AsSpan().CopyTo(_x);
                _x.AsSpan().CopyTo(states.Slice(t * n, n));
            }
        }
        else RunParallel(inputs, steps, states, teacher, threads);
        if (counters != null)
        {
            counters.Add(Op.Mac, MacsPerStep * steps);
            counters.Add(Op.NeuronUpdate, (long)n * steps);
        }
    }

    private unsafe void RunParallel(ReadOnlySpan<float> inputs, int steps, Span<float> states, ReadOnlySpan<float> teacher, int threads)
    {
        int n = StateSize, d = InputSize, f = Parameters.FeedbackSize;
        var bufs = new[] { _x, _x2 };
        using var barrier = new Barrier(threads);
        fixed (float* pin = inputs) fixed (float* pst = states) fixed (float* pte = teacher)
        {
            nint ain = (nint)pin, ast = (nint)pst, ate = (nint)pte;
            int inLen = inputs.Length, stLen = states.Length, teLen = teacher.Length;
            void Worker(int w)
            {
                // Row blocks on whole groups of the sliced product (16 rows), so every row sums in the same order.
                int groups = (n + 15) / 16;
                int r0 = (int)((long)groups * w / threads) * 16, r1 = Math.Min(n, (int)((long)groups * (w + 1) / threads) * 16);
                var ins = new ReadOnlySpan<float>((float*)ain, inLen);
                var sts = new Span<float>((float*)ast, stLen);
                var tes = new ReadOnlySpan<float>((float*)ate, teLen);
                for (int t = 0; t < steps; t++)
                {
                    var xs = bufs[t & 1]; var xn = bufs[(t + 1) & 1];
                    StepRows(xs, xn, ins.Slice(t * d, d), f > 0 ? tes.Slice(t * f, f) : default, r0, r1);
                    xn.AsSpan(r0, r1 - r0).CopyTo(sts.Slice(t * n + r0, r1 - r0));
                    barrier.SignalAndWait();
                }
            }
            var workers = new Thread[threads - 1];
            for (int w = 1; w < threads; w++)
            {
                int id = w;
                workers[w - 1] = new Thread(() => Worker(id)) { IsBackground = true };
                workers[w - 1].Start();
            }
            Worker(0);
            foreach (var th in workers) th.Join();
        }
        if ((steps & 1) == 1) _x2.AsSpan().CopyTo(_x);
    }

    /// <inheritdoc/>
    public string Describe() =>
        $"ESN: {StateSize} tanh units, ρ = {Parameters.SpectralRadius:G3} (raw ρ {RawSpectralRadius.Radius:G5} by {RawSpectralRadius.Method}), density {Parameters.Density:G3}, leak {Parameters.LeakRate:G3}, input scaling {Parameters.InputScaling:G3}, bias {Parameters.BiasScaling:G3}";
}

using Neuromorph.Energy;
using Neuromorph.Numerics;

namespace Neuromorph.Learning.Deep;

/// <summary>
/// The substrate seam of a dense layer (DESIGN.md principle 2): a weight matrix W of shape
/// inputs × outputs, stored the way a crossbar holds it (row i = input line, column j = output
/// line), that computes Y = X·W for a batch, the transposed product for backpropagation, and
/// takes an update from the layer's input and output error. An ideal float matrix forms the
/// gradient XᵀΔ and hands it to the optimizer; an analog tile (Crossbar) runs the same three
/// operations through its periphery and turns the update into device pulses.
/// </summary>
public interface IWeightMatrix
{
    /// <summary>Rows (input lines).</summary>
    int Inputs { get; }
    /// <summary>Columns (output lines).</summary>
    int Outputs { get; }
    /// <summary>Y (batch × outputs) ← X (batch × inputs) · W.</summary>
    void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, bool training);
    /// <summary>DX (batch × inputs) ← DY (batch × outputs) · Wᵀ.</summary>
    void Backward(ReadOnlySpan<float> dy, Span<float> dx, int batch);
    /// <summary>Applies the descent step for ∂L/∂W = Xᵀ·DY with the optimizer's rule (or its learning rate, for pulsed updates).</summary>
    void Update(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int batch, Optimizer optimizer);
    /// <summary>Called once when the network binds its optimizer.</summary>
    void Bind(Optimizer optimizer);
    /// <summary>Copies the effective weights (inputs × outputs, row-major) into <paramref name="w"/>.</summary>
    void ReadWeights(Span<float> w);
    /// <summary>Sets the weights (programs them, for a device store).</summary>
    void WriteWeights(ReadOnlySpan<float> w);
    /// <summary>Operation counts (MACs, conversions, pulses) accumulated so far; null when not counted.</summary>
    OpCounters? Counters { get; }
}

/// <summary>
/// Ideal float32 weights: the digital reference. Products skip zero inputs
/// (<see cref="DeepKernels.GemmSparseA"/>); with <see cref="SgdMomentum"/> the gradient XᵀΔ and
/// the momentum step are one fused pass (<see cref="DeepKernels.GemmTransASgd"/>). Optional hardware-aware training (Joshi et al. 2020, Nat. Commun. 11:2473,
/// "Methods: hardware-aware training"; aihwkit WeightModifier/WeightClip): during training the
/// forward and backward passes see W + σ_inj·max|W|·ξ (ξ ~ N(0, 1) redrawn every mini-batch),
/// and after every update W is clipped to ±κ·std(W).
/// </summary>
public sealed class FloatWeights : IWeightMatrix
{
    private readonly float[] _w, _grad;
    private readonly float[] _wT;            // Wᵀ: the backward product runs over its rows
    private float[]? _noisy;
    private int _slot = -1;
    private ulong _batches;
    private readonly ulong _seed;
    private static readonly uint HwaComponent = Philox.ComponentId("hwa-noise");

    /// <summary>Creates an inputs × outputs matrix of zeros.</summary>
    public FloatWeights(int inputs, int outputs)
    {
        if (inputs < 1 || outputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), $"a weight matrix needs ≥ 1 input and output (got {inputs}×{outputs})");
        Inputs = inputs; Outputs = outputs;
        _w = new float[inputs * outputs]; _grad = new float[inputs * outputs];
        _wT = new float[inputs * outputs];
    }

    /// <summary>Creates a matrix trained hardware-aware: injected weight noise σ_inj (relative to max|W|) and clipping at κ standard deviations (0 = off).</summary>
    public FloatWeights(int inputs, int outputs, float noiseInjection, float clipSigma, ulong seed) : this(inputs, outputs)
    {
        if (!(noiseInjection >= 0)) throw new ArgumentOutOfRangeException(nameof(noiseInjection), noiseInjection, "noise injection must be ≥ 0");
        if (!(clipSigma >= 0)) throw new ArgumentOutOfRangeException(nameof(clipSigma), clipSigma, "clip must be ≥ 0 (0 = off)");
        NoiseInjection = noiseInjection; ClipSigma = clipSigma; _seed = seed;
        if (noiseInjection > 0) _noisy = new float[inputs * outputs];
    }

    /// <summary>Relative σ of the weight noise injected during training.</summary>
    public float NoiseInjection { get; }
    /// <summary>Weights are clipped to ±ClipSigma·std(W) after each update (0 = off).</summary>
    public float ClipSigma { get; }
    private bool _noisyValid;

    /// <inheritdoc/>
    public int Inputs { get; }
    /// <inheritdoc/>
    public int Outputs { get; }
    /// <summary>The weights, row-major inputs × outputs.</summary>
    public Span<float> Values => _w;
    /// <inheritdoc/>
    public OpCounters? Counters { get; set; }

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, bool training)
    {
        var w = _w.AsSpan();
        _noisyValid = false;
        if (training && _noisy != null)
        {
            float sigma = NoiseInjection * System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(_w);
            sigma = MathF.Abs(sigma);
            Neuromorph.Devices.DeviceRandom.FillNormal(_noisy, _seed, HwaComponent, 0, (uint)_batches++);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_noisy, sigma, _w, _noisy);
            w = _noisy; _noisyValid = true;
        }
        DeepKernels.GemmSparseA(x, w, y, batch, Inputs, Outputs);
        Counters?.Add(Op.Mac, (long)batch * Inputs * Outputs);
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> dy, Span<float> dx, int batch)
    {
        // DX = DY·Wᵀ over the rows of Wᵀ (unit stride, full SIMD lanes; errors behind a ReLU are sparse).
        DeepKernels.Transpose(_noisyValid ? _noisy : _w, _wT, Inputs, Outputs);
        DeepKernels.GemmSparseA(dy, _wT, dx, batch, Outputs, Inputs);
        Counters?.Add(Op.Mac, (long)batch * Inputs * Outputs);
    }

    /// <inheritdoc/>
    public void Bind(Optimizer optimizer) => _slot = optimizer.Register(_w.Length);

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int batch, Optimizer optimizer)
    {
        if (_slot < 0) throw new InvalidOperationException("bind the network to an optimizer before training");
        if (optimizer is SgdMomentum sgd && DeepKernels.CanFuse(Outputs))
            // Gradient XᵀΔ and momentum step in one pass: the gradient never goes to memory.
            DeepKernels.GemmTransASgd(x, dy, _w, sgd.Velocity(_slot), Inputs, batch, Outputs, sgd.LearningRate, sgd.Momentum, sgd.WeightDecay);
        else
        {
            DeepKernels.GemmTransASparse(x, dy, _grad, Inputs, batch, Outputs);
            optimizer.Step(_slot, _w, _grad);
        }
        if (ClipSigma > 0)
        {
            double m = 0, q = 0;
            foreach (var v in _w) { m += v; q += (double)v * v; }
            m /= _w.Length;
            float lim = ClipSigma * (float)Math.Sqrt(Math.Max(q / _w.Length - m * m, 0));
            System.Numerics.Tensors.TensorPrimitives.Clamp(_w, -lim, lim, _w);
        }

        Counters?.Add(Op.Mac, (long)batch * Inputs * Outputs);
    }

    /// <inheritdoc/>
    public void ReadWeights(Span<float> w) => _w.CopyTo(w);
    /// <inheritdoc/>
    public void WriteWeights(ReadOnlySpan<float> w)
    {
        if (w.Length != _w.Length) throw new ArgumentException($"expected {_w.Length} weights, got {w.Length}", nameof(w));
        w.CopyTo(_w);

    }
}

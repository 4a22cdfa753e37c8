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

/// <summary>Ideal float32 weights: the digital reference. The gradient XᵀΔ is computed with the blocked GEMM kernels.</summary>
public sealed class FloatWeights : IWeightMatrix
{
    private readonly float[] _w, _grad;
    private int _slot = -1;

    /// <summary>Creates an inputs × outputs matrix of zeros.</summary>
    public FloatWeights(int inputs, int outputs)
    {
        if (inputs < 1 || outputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), $"a weight matrix needs ≥ 1 input and output (got {inputs}×{outputs})");
        Inputs = inputs; Outputs = outputs;
        _w = new float[inputs * outputs]; _grad = new float[inputs * outputs];
    }

    /// <inheritdoc/>
    public int Inputs { get; }
    /// <inheritdoc/>
    public int Outputs { get; }
    /// <summary>The weights, row-major inputs × outputs.</summary>
    public Span<float> Values => _w;
    /// <summary>The last gradient ∂L/∂W.</summary>
    public ReadOnlySpan<float> Gradient => _grad;
    /// <inheritdoc/>
    public OpCounters? Counters { get; set; }

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, bool training)
    {
        Kernels.Gemm(x, _w, y, batch, Inputs, Outputs);
        Counters?.Add(Op.Mac, (long)batch * Inputs * Outputs);
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> dy, Span<float> dx, int batch)
    {
        DeepKernels.GemmTransB(dy, _w, dx, batch, Outputs, Inputs);
        Counters?.Add(Op.Mac, (long)batch * Inputs * Outputs);
    }

    /// <inheritdoc/>
    public void Bind(Optimizer optimizer) => _slot = optimizer.Register(_w.Length);

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int batch, Optimizer optimizer)
    {
        if (_slot < 0) throw new InvalidOperationException("bind the network to an optimizer before training");
        DeepKernels.GemmTransA(x, dy, _grad, Inputs, batch, Outputs);
        optimizer.Step(_slot, _w, _grad);
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

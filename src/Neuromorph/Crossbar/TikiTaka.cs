using Neuromorph.Energy;
using Neuromorph.Learning.Deep;

namespace Neuromorph.Crossbar;

/// <summary>
/// Tiki-Taka (Gokmen &amp; Haensch 2020, Front. Neurosci. 14:103, "Algorithm for training neural
/// networks on resistive device arrays"; aihwkit TransferCompound): the weight is held by two
/// device arrays, W = γ·A + C. Gradient updates go as pulsed outer products onto A only; every
/// <see cref="TransferEvery"/> updates one row of A is read through the periphery with a one-hot
/// input (y = e_k·A = A[k, :]) and written onto the same row of C by a pulsed update
/// C[k, :] += η_t·A[k, :]. Because A's devices relax toward their symmetry point under
/// zero-mean pulses, A acts as a low-pass filtered gradient accumulator, while C integrates only
/// its persistent part — which is what lets training converge on asymmetric devices where plain
/// pulsed SGD is pulled toward the symmetry point.
/// </summary>
public sealed class TikiTakaMatrix : IWeightMatrix
{
    private readonly AnalogTile _a, _c;
    private readonly float[] _onehot, _row;
    private float[] _scratch = [];
    private long _updates;
    private int _nextRow;

    /// <summary>Creates the two arrays (inputs × outputs, one tile each) from the configuration's device and periphery.</summary>
    public TikiTakaMatrix(int inputs, int outputs, AnalogConfig config, float gamma, float transferLearningRate, int transferEvery, ulong seed, uint layerId = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Device is null) throw new ArgumentException("Tiki-Taka needs a device model (config.Device)", nameof(config));
        if (!(gamma >= 0)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be ≥ 0");
        if (!(transferLearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(transferLearningRate), transferLearningRate, "transfer learning rate must be > 0");
        if (transferEvery < 1) throw new ArgumentOutOfRangeException(nameof(transferEvery), transferEvery, "transfer_every must be ≥ 1");
        Inputs = inputs; Outputs = outputs; Gamma = gamma; TransferLearningRate = transferLearningRate; TransferEvery = transferEvery;
        _a = new AnalogTile(inputs, outputs, config.Device, config.Mapping, config.Forward, config.Backward, config.Update, seed, layerId * 2);
        _c = new AnalogTile(inputs, outputs, config.Device, config.Mapping, config.Forward, config.Backward, config.Update, seed, layerId * 2 + 1);
        _a.Program(new float[inputs * outputs]);
        _onehot = new float[inputs]; _row = new float[outputs];
    }

    /// <inheritdoc/>
    public int Inputs { get; }
    /// <inheritdoc/>
    public int Outputs { get; }
    /// <summary>γ in W = γA + C.</summary>
    public float Gamma { get; }
    /// <summary>η_t of the A → C transfer.</summary>
    public float TransferLearningRate { get; }
    /// <summary>Gradient updates (samples) between row transfers.</summary>
    public int TransferEvery { get; }
    /// <summary>The fast (gradient) array A.</summary>
    public AnalogTile A => _a;
    /// <summary>The slow (weight) array C.</summary>
    public AnalogTile C => _c;
    /// <inheritdoc/>
    public OpCounters? Counters { get; set; }

    private Span<float> Scratch(int n) { if (_scratch.Length < n) _scratch = new float[n]; return _scratch.AsSpan(0, n); }

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, bool training)
    {
        _c.Mvm(x, Inputs, 0, y, batch, transposed: false, Counters);
        if (Gamma == 0) return;
        var s = Scratch(batch * Outputs);
        _a.Mvm(x, Inputs, 0, s, batch, transposed: false, Counters);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(s, Gamma, y[..(batch * Outputs)], y[..(batch * Outputs)]);
    }

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> dy, Span<float> dx, int batch)
    {
        _c.Mvm(dy, Outputs, 0, dx, batch, transposed: true, Counters);
        if (Gamma == 0) return;
        var s = Scratch(batch * Inputs);
        _a.Mvm(dy, Outputs, 0, s, batch, transposed: true, Counters);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(s, Gamma, dx[..(batch * Inputs)], dx[..(batch * Inputs)]);
    }

    /// <inheritdoc/>
    public void Bind(Optimizer optimizer) { }

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int batch, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        for (int b = 0; b < batch; b++)
        {
            _a.UpdateWeights(x.Slice(b * Inputs, Inputs), Inputs, 0, dy.Slice(b * Outputs, Outputs), Outputs, 0, 1, optimizer.LearningRate, Counters);
            if (++_updates % TransferEvery == 0) Transfer();
        }
    }

    /// <summary>Reads row k of A (one-hot input through the forward periphery) and pulses it onto row k of C; k cycles over the rows.</summary>
    private void Transfer()
    {
        int k = _nextRow;
        _nextRow = (_nextRow + 1) % Inputs;
        _onehot.AsSpan().Clear(); _onehot[k] = 1f;
        _a.Mvm(_onehot, Inputs, 0, _row, 1, transposed: false, Counters);
        // C ← C − η_t·e_k·(−A[k,:])ᵀ, i.e. C[k, :] += η_t·A[k, :].
        System.Numerics.Tensors.TensorPrimitives.Negate(_row, _row);
        _c.UpdateWeights(_onehot, Inputs, 0, _row, Outputs, 0, 1, TransferLearningRate, Counters);
    }

    /// <inheritdoc/>
    public void ReadWeights(Span<float> w)
    {
        var a = _a.Weights; var c = _c.Weights;
        for (int i = 0; i < Inputs * Outputs; i++) w[i] = Gamma * a[i] + c[i];
    }

    /// <inheritdoc/>
    public void WriteWeights(ReadOnlySpan<float> w)
    {
        _c.Program(w);
        _a.Program(new float[Inputs * Outputs]);
    }
}

using Neuromorph.Data;
using Neuromorph.Numerics;

namespace Neuromorph.Learning.Deep;

/// <summary>Result of one pass over a data set.</summary>
/// <param name="Loss">Mean softmax cross-entropy.</param>
/// <param name="Accuracy">Fraction of correct argmax predictions.</param>
/// <param name="Samples">Samples seen.</param>
public readonly record struct EpochResult(double Loss, double Accuracy, int Samples);

/// <summary>
/// A sequential network trained with softmax cross-entropy. Activation and error buffers for the
/// largest batch are allocated once (<see cref="EnsureCapacity"/>), so a training step allocates
/// nothing. The same definition runs on ideal float weights or on analog tiles: only the
/// <see cref="IWeightMatrix"/> behind each <see cref="Dense"/> (or Conv2d) differs.
/// </summary>
public sealed class Sequential
{
    private readonly Layer[] _layers;
    private float[][] _act = [], _err = [];
    private float[] _xBatch = [];
    private int[] _yBatch = [];
    private int _capacity;
    private Optimizer? _optimizer;

    /// <summary>Creates the network; consecutive layers must agree on sizes.</summary>
    public Sequential(params Layer[] layers)
    {
        if (layers.Length == 0) throw new ArgumentException("a network needs at least one layer", nameof(layers));
        for (int i = 1; i < layers.Length; i++)
            if (layers[i].InputSize != layers[i - 1].OutputSize)
                throw new ArgumentException($"layer {i} ({layers[i].Describe}) takes {layers[i].InputSize} inputs but layer {i - 1} ({layers[i - 1].Describe}) gives {layers[i - 1].OutputSize}");
        _layers = layers;
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;
    /// <summary>Inputs per sample.</summary>
    public int InputSize => _layers[0].InputSize;
    /// <summary>Classes (outputs of the last layer).</summary>
    public int OutputSize => _layers[^1].OutputSize;
    /// <summary>The bound optimizer.</summary>
    public Optimizer? Optimizer => _optimizer;

    /// <summary>Binds the optimizer (registers every parameter tensor once).</summary>
    public void Bind(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (_optimizer != null) throw new InvalidOperationException("the network is already bound to an optimizer");
        _optimizer = optimizer;
        foreach (var l in _layers) l.Bind(optimizer);
    }

    /// <summary>Allocates buffers for batches of up to <paramref name="batch"/> samples.</summary>
    public void EnsureCapacity(int batch)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch size must be ≥ 1");
        if (batch <= _capacity) return;
        _act = new float[_layers.Length + 1][];
        _err = new float[_layers.Length + 1][];
        _act[0] = new float[batch * InputSize];
        _err[0] = new float[batch * InputSize];
        for (int i = 0; i < _layers.Length; i++)
        {
            _act[i + 1] = new float[batch * _layers[i].OutputSize];
            _err[i + 1] = new float[batch * _layers[i].OutputSize];
            _layers[i].EnsureCapacity(batch);
        }
        _xBatch = _act[0];
        _yBatch = new int[batch];
        _capacity = batch;
    }

    /// <summary>Forward pass; returns the logits (batch × classes), valid until the next call.</summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> x, int batch, bool training = false)
    {
        EnsureCapacity(batch);
        int n = batch * InputSize;
        if (x.Length < n) throw new ArgumentException($"x has {x.Length} values, a batch of {batch} needs {n}", nameof(x));
        if (!x.Overlaps(_act[0])) x[..n].CopyTo(_act[0]);
        for (int i = 0; i < _layers.Length; i++)
            _layers[i].Forward(_act[i], _act[i + 1], batch, training);
        return _act[^1].AsSpan(0, batch * OutputSize);
    }

    /// <summary>One training step on a batch: forward, softmax cross-entropy, backward and update. Returns the mean loss.</summary>
    public double TrainBatch(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int batch, out int correct)
    {
        if (_optimizer is null) throw new InvalidOperationException("bind an optimizer before training");
        Forward(x, batch, training: true);
        double loss = SoftmaxCrossEntropy.LossAndGradient(_act[^1], labels, _err[^1], batch, OutputSize, out correct);
        for (int i = _layers.Length - 1; i >= 0; i--)
            _layers[i].Backward(_act[i], _act[i + 1], _err[i + 1], _err[i], batch, needDx: i > 0, _optimizer);
        return loss;
    }

    /// <summary>One epoch over <paramref name="set"/> in a seeded random order (stream (seed, "epoch-order", epoch)).</summary>
    public EpochResult TrainEpoch(LabeledSet set, int batchSize, ulong seed, int epoch, Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.FeatureCount != InputSize) throw new ArgumentException($"data has {set.FeatureCount} features, the network takes {InputSize}");
        EnsureCapacity(batchSize);
        var order = new int[set.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var rng = new RandomStream(seed, "epoch-order", (uint)epoch);
        rng.Shuffle(order.AsSpan());
        int d = InputSize;
        double loss = 0; long correct = 0;
        for (int start = 0; start < set.Count; start += batchSize)
        {
            cancel.ThrowIfCancellationRequested();
            int b = Math.Min(batchSize, set.Count - start);
            for (int i = 0; i < b; i++)
            {
                int s = order[start + i];
                set.Features.AsSpan(s * d, d).CopyTo(_xBatch.AsSpan(i * d, d));
                _yBatch[i] = set.Labels[s];
            }
            // Ask for the next batch's rows now, so they arrive in cache while this batch trains.
            Prefetch(set.Features, order.AsSpan(Math.Min(set.Count, start + b), Math.Min(b, set.Count - Math.Min(set.Count, start + b))), d);
            loss += TrainBatch(_xBatch, _yBatch.AsSpan(0, b), b, out int c) * b;
            correct += c;
            progress?.Invoke(start + b, set.Count);
        }
        return new EpochResult(loss / set.Count, (double)correct / set.Count, set.Count);
    }

    /// <summary>Software prefetch (to L2) of the feature rows <paramref name="rows"/> of a row-major set with <paramref name="d"/> features.</summary>
    private static unsafe void Prefetch(float[] features, ReadOnlySpan<int> rows, int d)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        fixed (float* f = features)
            foreach (int s in rows)
            {
                byte* p = (byte*)(f + (long)s * d), end = (byte*)(f + (long)s * d + d);
                for (; p < end; p += 64) System.Runtime.Intrinsics.X86.Sse.Prefetch1(p);
            }
    }

    /// <summary>Loss and accuracy on a set (no training); optional predicted classes per sample.</summary>
    public EpochResult Evaluate(LabeledSet set, int batchSize = 256, int[]? predictions = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.FeatureCount != InputSize) throw new ArgumentException($"data has {set.FeatureCount} features, the network takes {InputSize}");
        EnsureCapacity(batchSize);
        int d = InputSize, c = OutputSize;
        double loss = 0; long correct = 0;
        var scratch = _err[^1];
        for (int start = 0; start < set.Count; start += batchSize)
        {
            int b = Math.Min(batchSize, set.Count - start);
            var logits = Forward(set.Features.AsSpan(start * d, b * d), b);
            loss += SoftmaxCrossEntropy.LossAndGradient(logits, set.Labels.AsSpan(start, b), scratch, b, c, out int ok) * b;
            correct += ok;
            if (predictions != null)
                for (int i = 0; i < b; i++)
                {
                    var z = logits.Slice(i * c, c);
                    int arg = 0;
                    for (int k = 1; k < c; k++) if (z[k] > z[arg]) arg = k;
                    predictions[start + i] = arg;
                }
        }
        return new EpochResult(loss / set.Count, (double)correct / set.Count, set.Count);
    }
}

using Neuromorph.Numerics;

namespace Neuromorph.Learning.Deep;

/// <summary>
/// A layer of a feed-forward network, batched: inputs and outputs are row-major (batch × size)
/// spans owned by the network, so layers allocate nothing per step. <see cref="Backward"/>
/// computes ∂L/∂x from ∂L/∂y and, when given an optimizer, updates the layer's parameters with
/// the gradient it has just formed (in that order, so ∂L/∂x uses the pre-update weights).
/// </summary>
public abstract class Layer
{
    /// <summary>Values per sample in.</summary>
    public abstract int InputSize { get; }
    /// <summary>Values per sample out.</summary>
    public abstract int OutputSize { get; }
    /// <summary>Short description for logs and reports.</summary>
    public abstract string Describe { get; }
    /// <summary>Registers parameters with the optimizer (once).</summary>
    public virtual void Bind(Optimizer optimizer) { }
    /// <summary>Makes room for batches of up to <paramref name="batch"/> samples in layer-owned scratch.</summary>
    public virtual void EnsureCapacity(int batch) { }
    /// <summary>y ← f(x) for a batch.</summary>
    public abstract void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, bool training);
    /// <summary>dx ← ∂L/∂x (when <paramref name="needDx"/>); parameter update when <paramref name="optimizer"/> is given.</summary>
    public abstract void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int batch, bool needDx, Optimizer? optimizer);
}

/// <summary>
/// Fully connected layer y = x·W + b. W lives behind <see cref="IWeightMatrix"/> (ideal floats
/// or analog tiles); the bias is digital in both cases (aihwkit's digital_bias).
/// </summary>
public sealed class Dense : Layer
{
    private readonly float[] _bias, _gradBias;
    private int _biasSlot = -1;

    /// <summary>Creates a dense layer on the given weight store, initialised by <see cref="Initialize"/> with <paramref name="seed"/>.</summary>
    public Dense(IWeightMatrix weights, ulong seed, string init = "he")
    {
        ArgumentNullException.ThrowIfNull(weights);
        Weights = weights;
        _bias = new float[weights.Outputs]; _gradBias = new float[weights.Outputs];
        Initialize(seed, init);
    }

    /// <summary>Ideal float dense layer.</summary>
    public Dense(int inputs, int outputs, ulong seed, string init = "he") : this(new FloatWeights(inputs, outputs), seed, init) { }

    /// <summary>The weight store.</summary>
    public IWeightMatrix Weights { get; }
    /// <summary>The bias vector.</summary>
    public Span<float> Bias => _bias;
    /// <inheritdoc/>
    public override int InputSize => Weights.Inputs;
    /// <inheritdoc/>
    public override int OutputSize => Weights.Outputs;
    /// <inheritdoc/>
    public override string Describe => $"Dense {InputSize}→{OutputSize} ({Weights.GetType().Name})";

    /// <summary>
    /// Initialises W: "he" draws N(0, 2/fan_in) (He et al. 2015, for ReLU); "xavier" draws
    /// U(±√(6/(fan_in + fan_out))) (Glorot &amp; Bengio 2010); "uniform" draws U(±1/√fan_in)
    /// (PyTorch's default). The bias starts at zero.
    /// </summary>
    public void Initialize(ulong seed, string init)
    {
        int n = Weights.Inputs * Weights.Outputs;
        var w = new float[n];
        Fill(new RandomStream(seed, "dense-init", (uint)(Weights.Inputs * 7919 + Weights.Outputs)), w, Weights.Inputs, Weights.Outputs, init);
        Weights.WriteWeights(w);
        Array.Clear(_bias);
    }

    /// <summary>
    /// Initial weights for fan-in n_in and fan-out n_out: <c>he</c> N(0, 2/n_in) (He et al. 2015),
    /// <c>xavier</c> U(±√(6/(n_in + n_out))) (Glorot &amp; Bengio 2010), <c>uniform</c> U(±1/√n_in)
    /// (PyTorch's default for Linear and Conv2d, kaiming_uniform with a = √5).
    /// </summary>
    public static void Fill(RandomStream rng, Span<float> w, int fanIn, int fanOut, string init)
    {
        switch (init)
        {
            case "he": rng.FillNormal(w, 0f, MathF.Sqrt(2f / fanIn)); break;
            case "xavier": { float a = MathF.Sqrt(6f / (fanIn + fanOut)); rng.FillUniform(w, -a, a); break; }
            case "uniform": { float a = 1f / MathF.Sqrt(fanIn); rng.FillUniform(w, -a, a); break; }
            default: throw new ArgumentException($"unknown initialisation '{init}' (he, xavier, uniform)", nameof(init));
        }
    }

    /// <inheritdoc/>
    public override void Bind(Optimizer optimizer)
    {
        Weights.Bind(optimizer);
        _biasSlot = optimizer.Register(_bias.Length);
    }

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, bool training)
    {
        Weights.Forward(x, y, batch, training);
        DeepKernels.AddBias(y, _bias, batch);
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int batch, bool needDx, Optimizer? optimizer)
    {
        if (needDx) Weights.Backward(dy, dx, batch);
        if (optimizer is null) return;
        Weights.Update(x, dy, batch, optimizer);
        DeepKernels.ColumnSums(dy, _gradBias, batch);
        optimizer.Step(_biasSlot, _bias, _gradBias);
    }
}

/// <summary>Element-wise nonlinearity kinds.</summary>
public enum ActivationKind
{
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>1/(1 + e^(−x)).</summary>
    Sigmoid,
    /// <summary>tanh x.</summary>
    Tanh,
}

/// <summary>Element-wise activation layer; the derivative is taken from the output (ReLU: y &gt; 0; sigmoid: y(1 − y); tanh: 1 − y²).</summary>
public sealed class Activation : Layer
{
    private readonly int _size;

    /// <summary>Creates an activation over <paramref name="size"/> values per sample.</summary>
    public Activation(ActivationKind kind, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "size must be ≥ 1");
        Kind = kind; _size = size;
    }

    /// <summary>The nonlinearity.</summary>
    public ActivationKind Kind { get; }
    /// <inheritdoc/>
    public override int InputSize => _size;
    /// <inheritdoc/>
    public override int OutputSize => _size;
    /// <inheritdoc/>
    public override string Describe => Kind.ToString();

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, bool training)
    {
        int n = batch * _size;
        var xs = x[..n]; var ys = y[..n];
        switch (Kind)
        {
            case ActivationKind.Relu: System.Numerics.Tensors.TensorPrimitives.Max(xs, 0f, ys); break;
            case ActivationKind.Sigmoid: Kernels.Sigmoid(xs, ys); break;
            default: Kernels.Tanh(xs, ys); break;
        }
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int batch, bool needDx, Optimizer? optimizer)
    {
        if (!needDx) return;
        int n = batch * _size;
        switch (Kind)
        {
            case ActivationKind.Relu:
                DeepKernels.ReluBackward(y[..n], dy[..n], dx[..n]);
                break;
            case ActivationKind.Sigmoid:
                for (int i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1f - y[i]);
                break;
            default:
                for (int i = 0; i < n; i++) dx[i] = dy[i] * (1f - y[i] * y[i]);
                break;
        }
    }
}

/// <summary>
/// Softmax cross-entropy on logits z: p = softmax(z), L = −(1/B)Σ log p_label, ∂L/∂z = (p − onehot)/B.
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>Mean loss over the batch; writes ∂L/∂z into <paramref name="grad"/> (may alias nothing) and returns the number of correct argmax predictions.</summary>
    public static double LossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> grad, int batch, int classes, out int correct)
    {
        double loss = 0;
        correct = 0;
        float inv = 1f / batch;
        for (int b = 0; b < batch; b++)
        {
            var z = logits.Slice(b * classes, classes);
            var g = grad.Slice(b * classes, classes);
            int arg = 0; float max = z[0];
            for (int k = 1; k < classes; k++) if (z[k] > max) { max = z[k]; arg = k; }
            double sum = 0;
            for (int k = 0; k < classes; k++) { float e = MathF.Exp(z[k] - max); g[k] = e; sum += e; }
            float s = (float)(1.0 / sum);
            int label = labels[b];
            if ((uint)label >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), label, $"label outside 0…{classes - 1}");
            for (int k = 0; k < classes; k++) g[k] *= s;
            loss -= Math.Log(Math.Max(g[label], 1e-30f));
            for (int k = 0; k < classes; k++) g[k] = (g[k] - (k == label ? 1f : 0f)) * inv;
            if (arg == label) correct++;
        }
        return loss / batch;
    }
}

namespace Neuromorph.Learning.Deep;

/// <summary>
/// A first-order optimizer over registered parameter tensors. Each tensor gets a slot (and its
/// state buffers) once, at <see cref="Register"/>; <see cref="Step"/> then updates in place with
/// no allocation. Analog tiles do not form gradients: they read only <see cref="LearningRate"/>
/// and apply it as a pulsed update (as aihwkit's AnalogSGD does).
/// </summary>
public abstract class Optimizer
{
    private float _lr;

    /// <summary>Creates an optimizer with learning rate η.</summary>
    protected Optimizer(float learningRate) { LearningRate = learningRate; }

    /// <summary>Learning rate η (&gt; 0).</summary>
    public float LearningRate
    {
        get => _lr;
        set
        {
            if (!(value > 0) || !float.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "learning rate must be finite and > 0");
            _lr = value;
        }
    }

    /// <summary>Registers a parameter tensor of <paramref name="size"/> elements; returns its slot.</summary>
    public abstract int Register(int size);

    /// <summary>Updates <paramref name="param"/> in place from the gradient <paramref name="grad"/> of the loss.</summary>
    public abstract void Step(int slot, Span<float> param, ReadOnlySpan<float> grad);
}

/// <summary>
/// Stochastic gradient descent with (heavy-ball) momentum and L2 weight decay, as PyTorch's SGD:
/// v ← μ·v + (g + λθ), θ ← θ − η·v (Polyak 1964; Sutskever et al. 2013).
/// </summary>
public sealed class SgdMomentum : Optimizer
{
    private readonly List<float[]> _velocity = [];

    /// <summary>Creates SGD with learning rate η, momentum μ ∈ [0, 1) and weight decay λ ≥ 0.</summary>
    public SgdMomentum(float learningRate, float momentum = 0.9f, float weightDecay = 0f) : base(learningRate)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1)");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be ≥ 0");
        Momentum = momentum; WeightDecay = weightDecay;
    }

    /// <summary>Momentum μ.</summary>
    public float Momentum { get; }
    /// <summary>L2 weight decay λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public override int Register(int size) { _velocity.Add(new float[size]); return _velocity.Count - 1; }

    /// <summary>The velocity v of a slot, for kernels that fuse the gradient with this step (<see cref="DeepKernels.GemmTransASgd"/>).</summary>
    internal Span<float> Velocity(int slot) => _velocity[slot];

    /// <inheritdoc/>
    public override void Step(int slot, Span<float> param, ReadOnlySpan<float> grad)
    {
        var v = _velocity[slot].AsSpan();
        if (param.Length != v.Length || grad.Length != v.Length) throw new ArgumentException($"slot {slot} holds {v.Length} values; got param {param.Length}, grad {grad.Length}");
        float mu = Momentum, lr = LearningRate, wd = WeightDecay;
        // v ← μv + g (+ λθ), θ ← θ − ηv, vectorised.
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(v, mu, grad, v);
        if (wd != 0f) System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(param, wd, v, v);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(v, -lr, param, param);
    }
}

/// <summary>
/// Adam (Kingma &amp; Ba 2015, ICLR, Algorithm 1): m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
/// θ ← θ − η·m̂/(√v̂ + ε) with bias corrections m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly List<(float[] M, float[] V)> _state = [];
    private readonly List<int> _t = [];

    /// <summary>Creates Adam with the paper's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f) : base(learningRate)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must be in [0, 1)");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be > 0");
        Beta1 = beta1; Beta2 = beta2; Epsilon = epsilon;
    }

    /// <summary>β₁.</summary>
    public float Beta1 { get; }
    /// <summary>β₂.</summary>
    public float Beta2 { get; }
    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override int Register(int size) { _state.Add((new float[size], new float[size])); _t.Add(0); return _state.Count - 1; }

    /// <inheritdoc/>
    public override void Step(int slot, Span<float> param, ReadOnlySpan<float> grad)
    {
        var (m, v) = _state[slot];
        if (param.Length != m.Length || grad.Length != m.Length) throw new ArgumentException($"slot {slot} holds {m.Length} values; got param {param.Length}, grad {grad.Length}");
        int t = ++_t[slot];
        float b1 = Beta1, b2 = Beta2, eps = Epsilon;
        float c1 = 1f / (1f - MathF.Pow(b1, t)), c2 = 1f / (1f - MathF.Pow(b2, t));
        float lr = LearningRate;
        for (int i = 0; i < m.Length; i++)
        {
            float g = grad[i];
            float mi = b1 * m[i] + (1 - b1) * g;
            float vi = b2 * v[i] + (1 - b2) * g * g;
            m[i] = mi; v[i] = vi;
            param[i] -= lr * (mi * c1) / (MathF.Sqrt(vi * c2) + eps);
        }
    }
}

/// <summary>Learning-rate schedules over epochs.</summary>
public static class LearningRateSchedule
{
    /// <summary>Exponential decay: η_e = η₀·γᵉ for epoch e = 0, 1, ….</summary>
    public static double Exponential(int epoch, double initial, double decay) => initial * Math.Pow(decay, epoch);

    /// <summary>
    /// Cosine annealing without restarts (Loshchilov &amp; Hutter 2017, SGDR, eq. 5) stepped once per
    /// epoch at the epoch's middle: η_e = η_f + (η₀ − η_f)·(1 + cos(π (e + ½) / E))/2 for
    /// e = 0 … E − 1. The mean over the E epochs is exactly (η₀ + η_f)/2, and the last epoch runs at
    /// η_f + (η₀ − η_f)·(1 − cos(π / 2E))/2, close to η_f.
    /// </summary>
    public static double Cosine(int epoch, int epochs, double initial, double final)
    {
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "need at least one epoch");
        return final + (initial - final) * 0.5 * (1 + Math.Cos(Math.PI * (epoch + 0.5) / epochs));
    }
}

using System.Numerics.Tensors;

namespace Neuromorph.Spiking;

/// <summary>
/// A learning rule on one projection. Rules see the spikes of each step after delivery and ask
/// the projection's <see cref="Devices.ISynapseStore"/> for weight changes through
/// <see cref="Devices.ISynapseStore.Update"/>, so they run unchanged on ideal or device stores.
/// Spike times are emission times (all delay is axonal and ignored by the rule).
/// </summary>
public abstract class PlasticityRule
{
    /// <summary>Creates a rule for <paramref name="projection"/>.</summary>
    protected PlasticityRule(Projection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        Projection = projection;
    }

    /// <summary>The plastic projection.</summary>
    public Projection Projection { get; }
    internal long Updates;

    internal abstract void Initialize(Network net);
    internal abstract void Step(long step, Network net);

    /// <summary>Presynaptic spikes of this step, relative to Source.Start (written into <paramref name="buffer"/>).</summary>
    private protected int PreSpikes(Network net, Span<int> buffer)
    {
        var src = Projection.Source;
        int n = 0;
        foreach (int g in net.LastSpikes(src.Population)) if (g >= src.Start && g < src.End) buffer[n++] = g - src.Start;
        return n;
    }

    /// <summary>Postsynaptic spikes of this step (absolute indices in the target population, within the target range).</summary>
    private protected int PostSpikes(Network net, Span<int> buffer)
    {
        var t = Projection.Target;
        int n = 0;
        foreach (int g in net.LastSpikes(t.Population)) if (g >= t.Start && g < t.End) buffer[n++] = g;
        return n;
    }
}

/// <summary>Weight dependence of pair STDP.</summary>
public enum StdpBounds
{
    /// <summary>Additive (Song, Miller &amp; Abbott 2000): Δw₊ = A₊·x_pre, Δw₋ = −A₋·x_post; the store clips to [w_min, w_max] (hard bounds).</summary>
    Additive,
    /// <summary>Multiplicative soft bounds (van Rossum, Bi &amp; Turrigiano 2000; Gütig et al. 2003 with μ = 1): Δw₊ = A₊(w_max − w)x_pre, Δw₋ = −A₋(w − w_min)x_post; A± are fractions of the range.</summary>
    Multiplicative,
}

/// <summary>
/// Pair-based STDP with exponential traces (Song, Miller &amp; Abbott 2000, Nat. Neurosci. 3:919;
/// trace form of Morrison, Diesmann &amp; Gerstner 2008, Biol. Cybern. 98:459): dx_pre/dt = −x_pre/τ₊,
/// dx_post/dt = −x_post/τ₋, each jumping by 1 at its neuron's spikes (all-to-all interaction).
/// A presynaptic spike depresses by A₋·x_post, a postsynaptic spike potentiates by A₊·x_pre, so a
/// single pair at Δt = t_post − t_pre gives Δw = A₊e^{−Δt/τ₊} (Δt &gt; 0) or −A₋e^{Δt/τ₋} (Δt &lt; 0).
/// </summary>
public sealed class PairStdp : PlasticityRule
{
    private float[] _xPre = [], _xPost = [];
    private int[] _preBuf = [], _postBuf = [];
    private float _dPre, _dPost;

    /// <summary>Creates the rule. A± are in weight units (additive) or fractions of the weight range (multiplicative).</summary>
    public PairStdp(Projection projection, double aPlus, double aMinus, double tauPlus = 20e-3, double tauMinus = 20e-3, StdpBounds bounds = StdpBounds.Additive)
        : base(projection)
    {
        Population.Positive(tauPlus, nameof(tauPlus)); Population.Positive(tauMinus, nameof(tauMinus));
        Population.NonNegative(aPlus, nameof(aPlus)); Population.NonNegative(aMinus, nameof(aMinus));
        APlus = aPlus; AMinus = aMinus; TauPlus = tauPlus; TauMinus = tauMinus; Bounds = bounds;
    }

    /// <summary>Potentiation amplitude A₊.</summary>
    public double APlus { get; }
    /// <summary>Depression amplitude A₋.</summary>
    public double AMinus { get; }
    /// <summary>Presynaptic trace time constant τ₊ (s).</summary>
    public double TauPlus { get; }
    /// <summary>Postsynaptic trace time constant τ₋ (s).</summary>
    public double TauMinus { get; }
    /// <summary>Weight dependence.</summary>
    public StdpBounds Bounds { get; }

    internal override void Initialize(Network net)
    {
        Projection.EnsureColumns();
        _xPre = new float[Projection.Source.Count];
        _xPost = new float[Projection.Target.Population.Count];
        _preBuf = new int[Projection.Source.Count];
        _postBuf = new int[Projection.Target.Population.Count];
        _dPre = (float)Math.Exp(-net.Dt / TauPlus); _dPost = (float)Math.Exp(-net.Dt / TauMinus);
        if (Bounds == StdpBounds.Multiplicative && (float.IsInfinity(Projection.Store.MinWeight) || float.IsInfinity(Projection.Store.MaxWeight)))
            throw new ArgumentException($"multiplicative STDP on '{Projection.Name}' needs finite MinWeight and MaxWeight on the store");
    }

    internal override void Step(long step, Network net)
    {
        TensorPrimitives.Multiply(_xPre, _dPre, _xPre);
        TensorPrimitives.Multiply(_xPost, _dPost, _xPost);
        var store = Projection.Store;
        int nPre = PreSpikes(net, _preBuf), nPost = PostSpikes(net, _postBuf);
        var rows = Projection.RowPtr; var tgt = Projection.Tgt;
        float ap = (float)APlus, am = (float)AMinus;
        bool mult = Bounds == StdpBounds.Multiplicative;
        float wmin = store.MinWeight, wmax = store.MaxWeight;
        for (int k = 0; k < nPre; k++)
        {
            int i = _preBuf[k];
            for (int s = rows[i]; s < rows[i + 1]; s++)
            {
                float x = _xPost[tgt[s]];
                if (x == 0f) continue;
                float dw = mult ? -am * (store.Weights[s] - wmin) * x : -am * x;
                store.Update(s, dw); Updates++;
            }
            _xPre[i] += 1f;
        }
        var cp = Projection.ColPtr!; var cs = Projection.ColSyn!;
        for (int k = 0; k < nPost; k++)
        {
            int j = _postBuf[k];
            for (int c = cp[j]; c < cp[j + 1]; c++)
            {
                int s = cs[c];
                float x = _xPre[Projection.SourceOfFast(s)];
                if (x == 0f) continue;
                float dw = mult ? ap * (wmax - store.Weights[s]) * x : ap * x;
                store.Update(s, dw); Updates++;
            }
            _xPost[j] += 1f;
        }
    }
}

/// <summary>Parameters of the triplet STDP rule (Pfister &amp; Gerstner 2006, J. Neurosci. 26:9673).</summary>
/// <param name="TauPlus">Fast presynaptic trace r₁ time constant τ₊ (s).</param>
/// <param name="TauMinus">Fast postsynaptic trace o₁ time constant τ₋ (s).</param>
/// <param name="TauX">Slow presynaptic trace r₂ time constant τ_x (s).</param>
/// <param name="TauY">Slow postsynaptic trace o₂ time constant τ_y (s).</param>
/// <param name="A2Plus">Pair potentiation A₂⁺.</param>
/// <param name="A3Plus">Triplet potentiation A₃⁺.</param>
/// <param name="A2Minus">Pair depression A₂⁻.</param>
/// <param name="A3Minus">Triplet depression A₃⁻.</param>
public readonly record struct TripletParameters(double TauPlus, double TauMinus, double TauX, double TauY, double A2Plus, double A3Plus, double A2Minus, double A3Minus)
{
    /// <summary>Visual cortex (Sjöström et al. 2001 data), all-to-all interaction, full model: Pfister &amp; Gerstner (2006) Table 4.</summary>
    public static TripletParameters VisualCortexAllToAll => new(16.8e-3, 33.7e-3, 101e-3, 125e-3, 5e-10, 6.2e-3, 7e-3, 2.3e-4);
    /// <summary>Hippocampal culture (Wang et al. 2005 data), all-to-all interaction, full model: Pfister &amp; Gerstner (2006) Table 4.</summary>
    public static TripletParameters HippocampalAllToAll => new(16.8e-3, 33.7e-3, 946e-3, 27e-3, 6.1e-3, 6.7e-3, 1.6e-3, 1.4e-3);
}

/// <summary>
/// Triplet STDP (Pfister &amp; Gerstner 2006): presynaptic traces r₁ (τ₊), r₂ (τ_x) and postsynaptic
/// traces o₁ (τ₋), o₂ (τ_y) decay exponentially and jump by 1 at spikes. On a presynaptic spike
/// w ← w − o₁(A₂⁻ + A₃⁻ r₂(t−ε)); on a postsynaptic spike w ← w + r₁(A₂⁺ + A₃⁺ o₂(t−ε)).
/// Changes are multiplied by <see cref="WeightScale"/> (weight units per unit of the paper's w).
/// </summary>
public sealed class TripletStdp : PlasticityRule
{
    private float[] _r1 = [], _r2 = [], _o1 = [], _o2 = [];
    private int[] _preBuf = [], _postBuf = [];
    private float _d1, _d2, _d3, _d4;

    /// <summary>Creates the rule.</summary>
    public TripletStdp(Projection projection, TripletParameters parameters, double weightScale = 1.0) : base(projection)
    {
        Population.Positive(parameters.TauPlus, nameof(parameters.TauPlus)); Population.Positive(parameters.TauMinus, nameof(parameters.TauMinus));
        Population.Positive(parameters.TauX, nameof(parameters.TauX)); Population.Positive(parameters.TauY, nameof(parameters.TauY));
        Population.Positive(weightScale, nameof(weightScale));
        Parameters = parameters; WeightScale = weightScale;
    }

    /// <summary>The rule's parameters.</summary>
    public TripletParameters Parameters { get; }
    /// <summary>Weight units per unit change of the paper's w.</summary>
    public double WeightScale { get; }

    internal override void Initialize(Network net)
    {
        Projection.EnsureColumns();
        int nPre = Projection.Source.Count, nPost = Projection.Target.Population.Count;
        _r1 = new float[nPre]; _r2 = new float[nPre]; _o1 = new float[nPost]; _o2 = new float[nPost];
        _preBuf = new int[nPre]; _postBuf = new int[nPost];
        var p = Parameters; double dt = net.Dt;
        _d1 = (float)Math.Exp(-dt / p.TauPlus); _d2 = (float)Math.Exp(-dt / p.TauX);
        _d3 = (float)Math.Exp(-dt / p.TauMinus); _d4 = (float)Math.Exp(-dt / p.TauY);
    }

    internal override void Step(long step, Network net)
    {
        TensorPrimitives.Multiply(_r1, _d1, _r1); TensorPrimitives.Multiply(_r2, _d2, _r2);
        TensorPrimitives.Multiply(_o1, _d3, _o1); TensorPrimitives.Multiply(_o2, _d4, _o2);
        var p = Parameters; float sc = (float)WeightScale;
        var store = Projection.Store;
        int nPre = PreSpikes(net, _preBuf), nPost = PostSpikes(net, _postBuf);
        var rows = Projection.RowPtr; var tgt = Projection.Tgt;
        for (int k = 0; k < nPre; k++)
        {
            int i = _preBuf[k];
            float f = (float)(p.A2Minus + p.A3Minus * _r2[i]);
            for (int s = rows[i]; s < rows[i + 1]; s++)
            {
                float o = _o1[tgt[s]];
                if (o != 0f) { store.Update(s, -sc * o * f); Updates++; }
            }
        }
        var cp = Projection.ColPtr!; var cs = Projection.ColSyn!;
        for (int k = 0; k < nPost; k++)
        {
            int j = _postBuf[k];
            float f = (float)(p.A2Plus + p.A3Plus * _o2[j]);
            for (int c = cp[j]; c < cp[j + 1]; c++)
            {
                int s = cs[c];
                float r = _r1[Projection.SourceOfFast(s)];
                if (r != 0f) { store.Update(s, sc * r * f); Updates++; }
            }
        }
        for (int k = 0; k < nPre; k++) { int i = _preBuf[k]; _r1[i] += 1f; _r2[i] += 1f; }
        for (int k = 0; k < nPost; k++) { int j = _postBuf[k]; _o1[j] += 1f; _o2[j] += 1f; }
    }
}

/// <summary>
/// Reward-modulated STDP with eligibility traces (Izhikevich 2007, "Solving the distal reward
/// problem through linkage of STDP and dopamine signaling", Cereb. Cortex 17:2443):
/// dc/dt = −c/τ_c + STDP(Δt)·δ(t − t_pre/post), dd/dt = −d/τ_d + reward pulses, dw/dt = η·c·d.
/// STDP is the pair rule A₊e^{−Δt/τ₊} / −A₋e^{Δt/τ₋}; defaults τ_c = 1 s, τ_d = 200 ms,
/// A₊ = 1, A₋ = 1.5, τ± = 20 ms as in the paper. Weight changes are applied through the store every
/// step while |d| &gt; 10⁻⁶ (cost O(synapses) per such step).
/// </summary>
public sealed class RewardModulatedStdp : PlasticityRule
{
    private float[] _xPre = [], _xPost = [], _c = [];
    private int[] _preBuf = [], _postBuf = [];
    private float _dPre, _dPost, _dC, _dD;
    private double _dopamine;
    private double _dt;

    /// <summary>Creates the rule; <paramref name="learningRate"/> η is in weight units per (eligibility · dopamine · s).</summary>
    public RewardModulatedStdp(Projection projection, double learningRate, double aPlus = 1.0, double aMinus = 1.5,
        double tauPlus = 20e-3, double tauMinus = 20e-3, double tauEligibility = 1.0, double tauDopamine = 0.2) : base(projection)
    {
        Population.Positive(tauPlus, nameof(tauPlus)); Population.Positive(tauMinus, nameof(tauMinus));
        Population.Positive(tauEligibility, nameof(tauEligibility)); Population.Positive(tauDopamine, nameof(tauDopamine));
        Population.Finite(learningRate, nameof(learningRate));
        LearningRate = learningRate; APlus = aPlus; AMinus = aMinus; TauPlus = tauPlus; TauMinus = tauMinus;
        TauEligibility = tauEligibility; TauDopamine = tauDopamine;
    }

    /// <summary>η.</summary>
    public double LearningRate { get; }
    /// <summary>A₊.</summary>
    public double APlus { get; }
    /// <summary>A₋.</summary>
    public double AMinus { get; }
    /// <summary>τ₊ (s).</summary>
    public double TauPlus { get; }
    /// <summary>τ₋ (s).</summary>
    public double TauMinus { get; }
    /// <summary>τ_c (s).</summary>
    public double TauEligibility { get; }
    /// <summary>τ_d (s).</summary>
    public double TauDopamine { get; }
    /// <summary>Current dopamine level d.</summary>
    public double Dopamine => _dopamine;
    /// <summary>Eligibility trace c of each synapse.</summary>
    public ReadOnlySpan<float> Eligibility => _c;

    /// <summary>Delivers a reward pulse: d ← d + amount (call between runs, e.g. every few ms).</summary>
    public void Reward(double amount)
    {
        Population.Finite(amount, nameof(amount));
        _dopamine += amount;
    }

    internal override void Initialize(Network net)
    {
        Projection.EnsureColumns();
        _xPre = new float[Projection.Source.Count]; _xPost = new float[Projection.Target.Population.Count];
        _c = new float[Projection.SynapseCount];
        _preBuf = new int[Projection.Source.Count]; _postBuf = new int[Projection.Target.Population.Count];
        _dt = net.Dt;
        _dPre = (float)Math.Exp(-_dt / TauPlus); _dPost = (float)Math.Exp(-_dt / TauMinus);
        _dC = (float)Math.Exp(-_dt / TauEligibility); _dD = (float)Math.Exp(-_dt / TauDopamine);
    }

    internal override void Step(long step, Network net)
    {
        TensorPrimitives.Multiply(_xPre, _dPre, _xPre);
        TensorPrimitives.Multiply(_xPost, _dPost, _xPost);
        TensorPrimitives.Multiply(_c, _dC, _c);
        int nPre = PreSpikes(net, _preBuf), nPost = PostSpikes(net, _postBuf);
        var rows = Projection.RowPtr; var tgt = Projection.Tgt;
        float ap = (float)APlus, am = (float)AMinus;
        for (int k = 0; k < nPre; k++)
        {
            int i = _preBuf[k];
            for (int s = rows[i]; s < rows[i + 1]; s++) _c[s] -= am * _xPost[tgt[s]];
            _xPre[i] += 1f;
        }
        var cp = Projection.ColPtr!; var cs = Projection.ColSyn!;
        for (int k = 0; k < nPost; k++)
        {
            int j = _postBuf[k];
            for (int c = cp[j]; c < cp[j + 1]; c++) { int s = cs[c]; _c[s] += ap * _xPre[Projection.SourceOfFast(s)]; }
            _xPost[j] += 1f;
        }
        if (Math.Abs(_dopamine) > 1e-6)
        {
            float g = (float)(LearningRate * _dopamine * _dt);
            var store = Projection.Store;
            for (int s = 0; s < _c.Length; s++) if (_c[s] != 0f) { store.Update(s, g * _c[s]); Updates++; }
        }
        _dopamine *= _dD;
    }
}

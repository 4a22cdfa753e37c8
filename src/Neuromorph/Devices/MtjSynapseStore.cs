using Neuromorph.Energy;
using Neuromorph.Numerics;

namespace Neuromorph.Devices;

/// <summary>
/// A synapse of K stochastic binary spin-transfer-torque magnetic tunnel junctions (the stochastic
/// memristive synapse of Vincent et al. 2015, IEEE TBioCAS 9:166, grouped K per synapse as in the
/// multi-device synapse of Boybat et al. 2018, Nat. Commun. 9:2514), holding a non-negative weight
/// w = w_max·n_P/K, n_P the junctions in the parallel (high-conductance) state, i.e.
/// w = w_max·(ΣG − K·G_AP)/(K·(G_P − G_AP)).
/// </summary>
/// <remarks>
/// <para>Probabilistic STDP: a request Δw &gt; 0 reads the group (K reads) and sends one programming
/// pulse towards P to each of its a = K − n_P antiparallel junctions, with the pulse current
/// I = I_c(1 − ln(τ/τ₀)/Δ), τ = −t/ln(1 − p) (<see cref="PulseCurrent"/>) chosen so that each
/// switches with p = min(1, K·Δw/(w_max·a)) (Néel–Brown: P_sw = 1 − exp(−t/τ),
/// τ = τ₀exp(Δ(1 − I/I_c)), <see cref="MtjParams.SwitchingProbability"/>). Hence
/// E[Δw] = Δw whenever the group can move that far; depression is the same towards AP on the P
/// junctions. Each junction switches with its own draw keyed by (seed, junction, pulse number), so
/// results do not depend on the thread count.</para>
/// <para>Probabilistic programming: <see cref="Set"/> moves the group towards the target the same way
/// (E[w] = target), so initial weights below one junction's share (Diehl &amp; Cook's ≤ 0.3) are
/// programmed as switching probabilities instead of being rounded to 0, and a normalisation that
/// rescales a weight by a factor near 1 changes a few junctions instead of re-drawing the group.</para>
/// <para>Counts one <see cref="Op.ProgrammingPulse"/> per pulsed junction and one
/// <see cref="Op.DeviceRead"/> per junction read. <see cref="Update"/> may run concurrently for
/// distinct synapses.</para>
/// </remarks>
public sealed class MtjSynapseStore : ISynapseStore
{
    private static readonly uint CompSwitch = Philox.ComponentId("mtj-synapse.switch");
    private readonly byte[] _parallel;     // junction state: 1 = P (high conductance)
    private readonly uint[] _pulses;       // pulses seen by each junction (keys its draws)
    private readonly int[] _count;         // n_P per synapse
    private readonly float[] _w;
    private readonly int _k;
    private readonly ulong _seed;
    private long _pulseCount, _readCount;

    /// <summary>
    /// Creates <paramref name="count"/> synapses of <paramref name="junctions"/> junctions each, all
    /// antiparallel (w = 0), programmed with pulses of width <paramref name="pulseWidth"/> (s).
    /// </summary>
    public MtjSynapseStore(int count, int junctions, MtjParams device, double pulseWidth, ulong seed, float maxWeight = 1f)
    {
        DeviceGuard.Count(count, nameof(count));
        if (junctions < 1) throw new ArgumentOutOfRangeException(nameof(junctions), junctions, "junctions must be ≥ 1");
        device.Validate();
        DeviceGuard.Positive(pulseWidth, nameof(pulseWidth));
        DeviceGuard.Positive(maxWeight, nameof(maxWeight));
        Device = device; PulseWidth = pulseWidth; MaxWeight = maxWeight; _k = junctions; _seed = seed;
        _parallel = new byte[count * junctions]; _pulses = new uint[count * junctions];
        _count = new int[count]; _w = new float[count];
    }

    /// <summary>The junction parameters.</summary>
    public MtjParams Device { get; }
    /// <summary>Programming pulse width t (s).</summary>
    public double PulseWidth { get; }
    /// <summary>Junctions per synapse, K.</summary>
    public int JunctionsPerSynapse => _k;
    /// <inheritdoc/>
    public int Count => _w.Length;
    /// <inheritdoc/>
    public float MinWeight => 0f;
    /// <inheritdoc/>
    public float MaxWeight { get; }
    /// <inheritdoc/>
    public ReadOnlySpan<float> Weights => _w;
    /// <summary>Junctions of synapse s in the parallel state.</summary>
    public int ParallelCount(int synapse) => _count[synapse];

    /// <summary>A snapshot of the programming pulses and junction reads done so far.</summary>
    public OpCounters Counters => DeviceSynapseStore.ProgrammingCounters(Interlocked.Read(ref _pulseCount), Interlocked.Read(ref _readCount));

    /// <summary>Sets the pulse and read counts back to zero.</summary>
    public void ResetCounters() { Interlocked.Exchange(ref _pulseCount, 0); Interlocked.Exchange(ref _readCount, 0); }

    /// <summary>
    /// Pulse current (A) that switches a junction with probability <paramref name="probability"/> in a
    /// pulse of <paramref name="width"/> (s): P = 1 − exp(−t/τ), τ = τ₀exp(Δ(1 − I/I_c)) solved for I,
    /// I = I_c(1 − ln(τ/τ₀)/Δ) with τ = −t/ln(1 − P).
    /// </summary>
    public static double PulseCurrent(MtjParams m, double probability, double width)
    {
        double tau = -width / Math.Log(1 - probability);
        return m.CriticalCurrent * (1 - Math.Log(tau / m.Tau0) / m.Delta);
    }

    /// <inheritdoc/>
    public void Update(int synapse, float delta)
    {
        if (delta == 0 || float.IsNaN(delta)) return;
        Move(synapse, delta / MaxWeight * _k);
    }

    /// <summary>Probabilistic programming: moves the group so that E[w] = <paramref name="weight"/> (clipped to [0, w_max]).</summary>
    public void Set(int synapse, float weight)
    {
        float w = Math.Clamp(weight, 0f, MaxWeight);
        Move(synapse, (w - _w[synapse]) / MaxWeight * _k);
    }

    /// <summary>Switches junctions of one synapse so that E[Δn_P] = <paramref name="junctions"/> (as far as the group allows).</summary>
    private void Move(int synapse, double junctions)
    {
        if (junctions == 0) return;
        bool toP = junctions > 0;
        int nP = _count[synapse];
        int candidates = toP ? _k - nP : nP;
        Interlocked.Add(ref _readCount, _k);
        if (candidates == 0) return;
        double p = Math.Abs(junctions) / candidates;
        // The pulse current is set for p (PulseCurrent); the junction switches with the probability
        // its physics gives for that current. p ≥ 1: a strong, deterministic pulse.
        double pSwitch = p >= 1 - 1e-9 ? 1 : Device.SwitchingProbability(PulseCurrent(Device, p, PulseWidth), PulseWidth);
        byte target = toP ? (byte)1 : (byte)0;
        int first = synapse * _k, switched = 0;
        for (int j = first; j < first + _k; j++)
        {
            if (_parallel[j] == target) continue;
            float u = DeviceRandom.Uniform(_seed, CompSwitch, (uint)j, _pulses[j]++);
            if (u < pSwitch) { _parallel[j] = target; switched++; }
        }
        Interlocked.Add(ref _pulseCount, candidates);
        _count[synapse] = nP + (toP ? switched : -switched);
        _w[synapse] = MaxWeight * _count[synapse] / _k;
    }
}

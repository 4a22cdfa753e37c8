using Neuromorph.Energy;
using Neuromorph.Numerics;

namespace Neuromorph.Devices;

/// <summary>How a signed weight is held in conductances.</summary>
public enum WeightMapping
{
    /// <summary>w = w_max·(ΣG⁺ − ΣG⁻)/(n(G_max − G_min)): two groups of devices, each only potentiated (one-sided update with refresh).</summary>
    DifferentialPair,
    /// <summary>w = w_max·(ΣG − n·G_ref)/(n(G_max − G_min)/2), G_ref = (G_min + G_max)/2: one group of devices against a fixed reference.</summary>
    SingleWithReference,
}

/// <summary>How an update request Δw becomes a number of pulses (δ = weight change of one nominal pulse).</summary>
public enum PulseTranslation
{
    /// <summary>n = round(|Δw|/δ).</summary>
    Deterministic,
    /// <summary>n = ⌊|Δw|/δ⌋ + Bernoulli(frac(|Δw|/δ)): unbiased, E[n] = |Δw|/δ.</summary>
    StochasticRounding,
    /// <summary>n ~ Binomial(BL, min(|Δw|/(BL·δ), 1)): the coincidence count of stochastic pulse trains of length BL (Gokmen &amp; Vlasov 2016; aihwkit).</summary>
    StochasticTrain,
    /// <summary>
    /// State-aware: the programmed device's conductance G is read, and pulses are counted on the
    /// <em>nominal</em> device model from there (<see cref="SynapseStoreOptions.NominalModel"/>):
    /// whole pulses while the remaining request |ΔG| exceeds the nominal step ΔG_nom(G) at the
    /// predicted state (G ← G + ΔG_nom(G) after each), then one more pulse with probability
    /// remaining/ΔG_nom(G). For a nominal device E[realised ΔG] = requested ΔG (up to the bounds),
    /// whatever the nonlinearity and asymmetry of its update; a dispersed device realises its own
    /// steps, unknown to the translation. Costs one device read per update in hardware (counted as
    /// <see cref="Op.DeviceRead"/>). With a device group (<see cref="SynapseStoreOptions.DevicesPerGroup"/>
    /// &gt; 1) the whole request goes to one device chosen round-robin (Boybat 2018's arbitration).
    /// </summary>
    StateAware,
}

/// <summary>Options of a <see cref="DeviceSynapseStore"/>.</summary>
/// <param name="MaxWeight">Weight of a fully potentiated device group (the weight range is ±MaxWeight).</param>
/// <param name="Mapping">Differential pair or single device with reference.</param>
/// <param name="DevicesPerGroup">Devices per polarity group; &gt; 1 is the multi-memristive synapse of Boybat et al. 2018 (Nat. Commun. 9:2514) with round-robin arbitration of which device receives the next pulses.</param>
/// <param name="Translation">Pulse translation scheme.</param>
/// <param name="BitLength">BL of <see cref="PulseTranslation.StochasticTrain"/>.</param>
/// <param name="RefreshThreshold">Differential pairs: when a group exceeds this fraction of its range (or stops moving in the upper half of its range because its devices saturated), the pair is reset and the weight re-programmed into one group (the refresh/carry of aihwkit's OneSidedUnitCell and Boybat 2018). 0 disables.</param>
/// <param name="Seed">Seed of the translation randomness.</param>
/// <param name="CarryLimit">
/// &gt; 0: each synapse carries the part of its requests that the devices did not realise
/// (requested − realised, known from the read after the update) into its next request, clamped to
/// ±CarryLimit (weight units); <see cref="DeviceSynapseStore.Set"/> (write-verify) clears it. This is
/// the residual accumulator of mixed-precision schemes (Nandakumar et al. 2018): it corrects every
/// device's own step error (device-to-device, cycle-to-cycle, pulse quantisation) over time without
/// knowing its parameters, at the cost of one register per synapse in the periphery. 0 disables.
/// </param>
/// <param name="NominalModel">
/// <see cref="PulseTranslation.StateAware"/>: a noise-free array (one device is enough) of the nominal
/// device, without device-to-device or cycle-to-cycle variability. The store tabulates its one-pulse
/// response ΔG_nom(G) over [Min, Max] once; the translation knows nothing else about the real devices.
/// </param>
public readonly record struct SynapseStoreOptions(
    float MaxWeight = 1f, WeightMapping Mapping = WeightMapping.DifferentialPair, int DevicesPerGroup = 1,
    PulseTranslation Translation = PulseTranslation.Deterministic, int BitLength = 31, float RefreshThreshold = 0.9f, ulong Seed = 0,
    IConductanceArray? NominalModel = null, float CarryLimit = 0)
{
    /// <summary>Differential pair, one device per polarity, deterministic pulses, refresh at 90 %.</summary>
    public static SynapseStoreOptions Default => new(MaxWeight: 1f);

    /// <summary>Throws with the parameter's name when an option is invalid.</summary>
    public void Validate()
    {
        DeviceGuard.Positive(MaxWeight, nameof(MaxWeight));
        if (DevicesPerGroup < 1) throw new ArgumentOutOfRangeException(nameof(DevicesPerGroup), DevicesPerGroup, "DevicesPerGroup must be ≥ 1");
        if (BitLength < 1) throw new ArgumentOutOfRangeException(nameof(BitLength), BitLength, "BitLength must be ≥ 1");
        DeviceGuard.InRange(RefreshThreshold, 0, 1, nameof(RefreshThreshold));
        if (!(CarryLimit >= 0) || float.IsInfinity(CarryLimit)) throw new ArgumentOutOfRangeException(nameof(CarryLimit), CarryLimit, "CarryLimit must be ≥ 0 and finite");
        if (Translation == PulseTranslation.StateAware && NominalModel is null)
            throw new ArgumentException("StateAware translation needs the nominal device model (NominalModel)", nameof(NominalModel));
    }
}

/// <summary>
/// The synapse seam on a physical substrate (DESIGN.md principle 2): each synapse is one or two groups
/// of devices in an <see cref="IConductanceArray"/>; <see cref="Update"/> turns Δw into programming
/// pulses (deterministic, stochastic rounding, or stochastic pulse trains) which the device model
/// applies with its nonlinearity, bounds, noise and variability; <see cref="Weights"/> is the weight
/// the devices really hold. A learning rule calling <c>Update(i, dw)</c> runs unchanged on it.
/// </summary>
/// <remarks>
/// Device layout: synapse s, group g (0 = G⁺, 1 = G⁻), member k → device (s·groups + g)·n + k.
/// Counts every pulse as <see cref="Op.ProgrammingPulse"/> and every device read as <see cref="Op.DeviceRead"/>
/// (<see cref="Counters"/>). <see cref="Update"/> may run concurrently for distinct synapses (the
/// engines partition synapses between threads): all per-synapse state is disjoint and the counts are
/// kept with interlocked adds.
/// </remarks>
public sealed class DeviceSynapseStore : ISynapseStore
{
    private static readonly uint CompRound = Philox.ComponentId("store.translate");
    private readonly IConductanceArray _dev;
    private readonly float[] _w;
    private readonly uint[] _updates;
    private readonly int[] _arbiter;
    private readonly int _groups, _n;
    private readonly float _gMin, _range, _delta;
    private float[]? _readBuffer;
    private readonly NominalResponse? _nominal;
    private readonly float[]? _residual;

    /// <summary>
    /// Creates <paramref name="count"/> synapses on devices built by <paramref name="devices"/> (called
    /// once with the number of devices needed), all at weight 0.
    /// </summary>
    public DeviceSynapseStore(int count, Func<int, IConductanceArray> devices, SynapseStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(devices);
        DeviceGuard.Count(count, nameof(count));
        options.Validate();
        Options = options;
        _groups = options.Mapping == WeightMapping.DifferentialPair ? 2 : 1;
        _n = options.DevicesPerGroup;
        _dev = devices(count * _groups * _n);
        if (_dev.Count != count * _groups * _n) throw new ArgumentException($"the device factory returned {_dev.Count} devices, {count * _groups * _n} were requested", nameof(devices));
        if (_groups == 1 && !_dev.GradualDepression)
            throw new ArgumentException("SingleWithReference needs devices with gradual depression; use DifferentialPair for one-directional devices such as PCM", nameof(options));
        _gMin = _dev.Min; _range = _dev.Max - _dev.Min;
        _delta = WeightOf(_dev.NominalStep);
        _w = new float[count]; _updates = new uint[count]; _arbiter = new int[count * _groups];
        if (options.Translation == PulseTranslation.StateAware) _nominal = new NominalResponse(options.NominalModel!);
        if (options.CarryLimit > 0) _residual = new float[count];
        for (int s = 0; s < count; s++) Set(s, 0f);
        ResetCounters();
    }

    /// <summary>The options.</summary>
    public SynapseStoreOptions Options { get; }
    /// <summary>The underlying devices.</summary>
    public IConductanceArray Devices => _dev;
    private long _pulseCount, _readCount, _refreshes;

    /// <summary>A snapshot of the programming pulses and device reads done so far.</summary>
    public OpCounters Counters => ProgrammingCounters(Interlocked.Read(ref _pulseCount), Interlocked.Read(ref _readCount));

    /// <summary>Counters holding <paramref name="pulses"/> programming pulses and <paramref name="reads"/> device reads.</summary>
    internal static OpCounters ProgrammingCounters(long pulses, long reads)
    {
        var c = new OpCounters();
        c.Add(Op.ProgrammingPulse, pulses);
        c.Add(Op.DeviceRead, reads);
        return c;
    }

    /// <summary>Sets the pulse and read counts back to zero.</summary>
    public void ResetCounters() { Interlocked.Exchange(ref _pulseCount, 0); Interlocked.Exchange(ref _readCount, 0); }

    /// <summary>Number of refresh operations done so far.</summary>
    public long Refreshes => Interlocked.Read(ref _refreshes);
    /// <summary>Weight change of one nominal pulse, δ.</summary>
    public float PulseWeight => _delta;
    /// <inheritdoc/>
    public int Count => _w.Length;
    /// <inheritdoc/>
    public float MinWeight => -Options.MaxWeight;
    /// <inheritdoc/>
    public float MaxWeight => Options.MaxWeight;
    /// <inheritdoc/>
    public ReadOnlySpan<float> Weights => _w;

    private float WeightOf(float conductanceChange) => _groups == 2
        ? Options.MaxWeight * conductanceChange / (_n * _range)
        : Options.MaxWeight * conductanceChange / (_n * _range / 2);

    /// <summary>|ΔG| one device must realise for a weight change Δw (the inverse of <see cref="WeightOf"/>).</summary>
    private double DeviceChange(float delta) => Math.Abs(delta) / Options.MaxWeight * _n * _range * (_groups == 2 ? 1 : 0.5);

    private int Device(int s, int g, int k) => (s * _groups + g) * _n + k;

    private float GroupSum(int s, int g)
    {
        float sum = 0;
        for (int k = 0; k < _n; k++) sum += _dev.State[Device(s, g, k)];
        return sum;
    }

    private float ReadWeight(int s)
    {
        Interlocked.Add(ref _readCount, _groups * _n);
        return _groups == 2
            ? WeightOf(GroupSum(s, 0) - GroupSum(s, 1))
            : WeightOf(GroupSum(s, 0) - _n * (_gMin + _range / 2));
    }

    /// <summary>Number of pulses the translation scheme gives for |Δw| (uses the synapse's own counter-keyed draw).</summary>
    public int PulsesFor(int synapse, float delta)
    {
        double x = Math.Abs(delta) / _delta;
        switch (Options.Translation)
        {
            case PulseTranslation.Deterministic:
                return (int)Math.Min(Math.Round(x), int.MaxValue / 2);
            case PulseTranslation.StochasticRounding:
            {
                double f = Math.Floor(x);
                float u = DeviceRandom.Uniform(Options.Seed, CompRound, (uint)synapse, _updates[synapse]);
                return (int)Math.Min(f + (u < x - f ? 1 : 0), int.MaxValue / 2);
            }
            case PulseTranslation.StateAware:
            {
                var (g, _) = Target(synapse, delta, 1);
                float u = DeviceRandom.Uniform(Options.Seed, CompRound, (uint)synapse, _updates[synapse]);
                double need = DeviceChange(delta);
                return _nominal!.Pulses(_dev.State[Device(synapse, g, _arbiter[synapse * _groups + g])], need, delta > 0 || _groups == 2 ? 1 : -1, u);
            }
            default:
            {
                int bl = Options.BitLength;
                double p = Math.Min(x / bl, 1.0);
                var rng = new RandomStream(Options.Seed, CompRound, (uint)synapse, (ulong)_updates[synapse] << 8);
                return rng.Binomial(bl, p);
            }
        }
    }

    /// <summary>
    /// Noise-free prediction of the weight change that <see cref="Update"/> would cause for a request
    /// Δw with the deterministic pulse count (the device model's expectation, bounds and nonlinearity included).
    /// </summary>
    public float PredictedChange(int synapse, float delta)
    {
        int pulses = (int)Math.Round(Math.Abs(delta) / _delta);
        if (pulses == 0) return 0f;
        var (g, signed) = Target(synapse, delta, pulses);
        // Arbitration spreads the pulses over the group; predict member by member.
        float dg = 0;
        int per = pulses / _n, extra = pulses % _n, start = _arbiter[synapse * _groups + g];
        for (int j = 0; j < _n; j++)
        {
            int k = (start + j) % _n;
            int m = per + (j < extra ? 1 : 0);
            if (m > 0) dg += _dev.ExpectedChange(Device(synapse, g, k), signed > 0 ? m : -m);
        }
        return g == 1 ? -WeightOf(dg) : WeightOf(dg);
    }

    private (int Group, int Sign) Target(int synapse, float delta, int pulses)
        => _groups == 2 ? (delta > 0 ? 0 : 1, +1) : (0, delta > 0 ? +1 : -1);

    /// <inheritdoc/>
    public void Update(int synapse, float delta)
    {
        if (delta == 0 || float.IsNaN(delta)) return;
        if (_residual is null) { Apply(synapse, delta); return; }
        float before = _w[synapse], request = delta + _residual[synapse];
        if (request != 0) Apply(synapse, request);
        float r = request - (_w[synapse] - before);
        _residual[synapse] = Math.Clamp(r, -Options.CarryLimit, Options.CarryLimit);
    }

    /// <summary>Unrealised remainder carried by a synapse (<see cref="SynapseStoreOptions.CarryLimit"/>; 0 without carry).</summary>
    public float Residual(int synapse) => _residual?[synapse] ?? 0f;

    private void Apply(int synapse, float delta)
    {
        if (_nominal != null) { UpdateStateAware(synapse, delta); return; }
        int pulses = PulsesFor(synapse, delta);
        _updates[synapse]++;
        if (pulses == 0) return;
        var (g, sign) = Target(synapse, delta, pulses);
        int a = synapse * _groups + g;
        float before = _groups == 2 ? GroupSum(synapse, g) : 0f;
        int per = pulses / _n, extra = pulses % _n, start = _arbiter[a];
        for (int j = 0; j < _n; j++)
        {
            int k = (start + j) % _n;
            int m = per + (j < extra ? 1 : 0);
            if (m > 0) _dev.ApplyPulses(Device(synapse, g, k), sign * m);
        }
        _arbiter[a] = (start + extra) % _n;
        Interlocked.Add(ref _pulseCount, pulses);
        if (_groups == 2 && Options.RefreshThreshold > 0)
        {
            float limit = _n * (_gMin + Options.RefreshThreshold * _range);
            float after = GroupSum(synapse, g);
            // Refresh when a group passes the threshold, or when it stopped moving in the upper half of
            // its range (its devices saturated below the threshold: device-to-device bound variation).
            bool saturated = after <= before && after > _n * (_gMin + 0.5f * _range);
            if (after > limit || GroupSum(synapse, 1 - g) > limit || saturated) Refresh(synapse);
        }
        _w[synapse] = ReadWeight(synapse);
    }

    /// <summary>
    /// <see cref="PulseTranslation.StateAware"/>: one device of the target group (round-robin) is read
    /// and receives the whole request, ΔG = |Δw|·(group range)/w_max, counted in nominal pulses from
    /// its read state.
    /// </summary>
    private void UpdateStateAware(int synapse, float delta)
    {
        var (g, sign) = Target(synapse, delta, 1);
        int a = synapse * _groups + g, k = _arbiter[a], d = Device(synapse, g, k);
        Interlocked.Increment(ref _readCount);
        double need = DeviceChange(delta);
        float u = DeviceRandom.Uniform(Options.Seed, CompRound, (uint)synapse, _updates[synapse]);
        _updates[synapse]++;
        int pulses = _nominal!.Pulses(_dev.State[d], need, sign, u);
        if (pulses == 0) return;
        _dev.ApplyPulses(d, sign * pulses);
        _arbiter[a] = (k + 1) % _n;
        Interlocked.Add(ref _pulseCount, pulses);
        if (_groups == 2 && Options.RefreshThreshold > 0)
        {
            float limit = _n * (_gMin + Options.RefreshThreshold * _range);
            if (GroupSum(synapse, 0) > limit || GroupSum(synapse, 1) > limit) Refresh(synapse);
        }
        _w[synapse] = ReadWeight(synapse);
    }

    /// <summary>
    /// The nominal device's one-pulse response ΔG_nom(G), tabulated on a uniform grid over [Min, Max]
    /// (linear interpolation; read-only after construction, so updates may run concurrently).
    /// </summary>
    private sealed class NominalResponse
    {
        private const int Points = 4097, MaxPulses = 1 << 14;
        private readonly float[] _up = new float[Points], _down = new float[Points];
        private readonly double _min, _span, _tiny;

        public NominalResponse(IConductanceArray model)
        {
            if (model.Count < 1) throw new ArgumentException("the nominal model needs at least one device", nameof(model));
            _min = model.Min; _span = model.Max - model.Min; _tiny = 1e-9 * _span;
            for (int i = 0; i < Points; i++)
            {
                model.Program(0, (float)(_min + _span * i / (Points - 1)));
                _up[i] = Math.Abs(model.ExpectedChange(0, +1));
                _down[i] = Math.Abs(model.ExpectedChange(0, -1));
            }
        }

        /// <summary>|ΔG| of one nominal pulse of sign <paramref name="sign"/> at state <paramref name="g"/>.</summary>
        public double Step(double g, int sign)
        {
            var t = sign > 0 ? _up : _down;
            double x = Math.Clamp((g - _min) / _span, 0, 1) * (Points - 1);
            int i = Math.Min((int)x, Points - 2);
            double f = x - i;
            return t[i] + f * (t[i + 1] - t[i]);
        }

        /// <summary>Pulses for |ΔG| = <paramref name="need"/> from state <paramref name="g"/>; <paramref name="u"/> ∈ [0, 1) draws the last, fractional pulse.</summary>
        public int Pulses(double g, double need, int sign, float u)
        {
            int n = 0;
            while (n < MaxPulses)
            {
                double s = Step(g, sign);
                if (s <= _tiny) break;                       // at the bound: no pulse moves the device
                if (need < s) { if (u * s < need) n++; break; }
                need -= s; g += sign * s; n++;
            }
            return n;
        }
    }

    /// <summary>
    /// Refresh (carry) of a differential synapse: read w, reset both groups, program w back into
    /// the group of its sign (Boybat 2018; aihwkit OneSidedUnitCell refresh).
    /// </summary>
    public void Refresh(int synapse)
    {
        float w = ReadWeight(synapse);
        Interlocked.Increment(ref _refreshes);
        Set(synapse, w);
    }

    /// <summary>Refreshes every differential synapse whose groups exceed the threshold.</summary>
    public void RefreshAll()
    {
        if (_groups != 2) return;
        float limit = _n * (_gMin + Options.RefreshThreshold * _range);
        for (int s = 0; s < Count; s++)
            if (GroupSum(s, 0) > limit || GroupSum(s, 1) > limit) Refresh(s);
    }

    /// <inheritdoc/>
    public void Set(int synapse, float weight)
    {
        if (_residual != null) _residual[synapse] = 0f;
        float w = Math.Clamp(weight, -Options.MaxWeight, Options.MaxWeight);
        if (_groups == 2)
        {
            // Write-verify of a pair: put the low group at its bottom, read it, then program the
            // high group relative to what the low group really holds (device bounds vary).
            int hi = w >= 0 ? 0 : 1, lo = 1 - hi;
            for (int k = 0; k < _n; k++) ProgramDevice(Device(synapse, lo, k), _gMin);
            float low = GroupSum(synapse, lo) / _n;
            float target = low + Math.Abs(w) / Options.MaxWeight * _range;
            for (int k = 0; k < _n; k++) ProgramDevice(Device(synapse, hi, k), target);
        }
        else
        {
            float g = _gMin + _range / 2 + w / Options.MaxWeight * _range / 2;
            for (int k = 0; k < _n; k++) ProgramDevice(Device(synapse, 0, k), g);
        }
        _w[synapse] = ReadWeight(synapse);
    }

    private void ProgramDevice(int d, float target)
    {
        if (!_dev.GradualDepression && target <= _gMin + 1e-3f * _range) { _dev.ApplyPulses(d, -1); Interlocked.Increment(ref _pulseCount); return; }
        _dev.Program(d, target);
        Interlocked.Increment(ref _pulseCount);
    }

    private IDriftingConductanceArray? Drifting => _dev as IDriftingConductanceArray ?? (_dev as FaultyDevices)?.Inner as IDriftingConductanceArray;

    /// <summary>
    /// Clock (s) of devices that drift (PCM): updates, refreshes and <see cref="Set"/> stamp the devices
    /// they program with it, so each device drifts from its own last programming. 0 for other devices.
    /// </summary>
    public double Now
    {
        get => Drifting?.Now ?? 0;
        set { if (Drifting is { } d) d.Now = value; }
    }

    /// <summary>
    /// Reads every weight at clock time <paramref name="t"/> into <paramref name="dst"/>: drifting
    /// devices (PCM) at their own age t − t_prog with drift and read noise
    /// (<see cref="IDriftingConductanceArray.ReadAt"/>), other devices as programmed. With the clock left
    /// at 0 during programming, t is the time since programming. <paramref name="readIndex"/> keys the
    /// read-noise draw.
    /// </summary>
    public void ReadWeights(double t, Span<float> dst, uint readIndex = 0)
    {
        if (dst.Length != Count) throw new ArgumentException($"dst has {dst.Length} entries, expected {Count}", nameof(dst));
        var g = _readBuffer ??= new float[_dev.Count];   // whole-array reads are not meant to run concurrently
        if (Drifting is { } drifting) drifting.ReadAt(t, g, readIndex);
        else _dev.State.CopyTo(g);
        if (_dev is FaultyDevices faulty)
            for (int i = 0; i < g.Length; i++) if (faulty.IsFaulty(i)) g[i] = faulty.State[i];
        for (int s = 0; s < Count; s++)
        {
            float plus = 0, minus = 0;
            for (int k = 0; k < _n; k++) plus += g[Device(s, 0, k)];
            if (_groups == 2) for (int k = 0; k < _n; k++) minus += g[Device(s, 1, k)];
            else minus = _n * (_gMin + _range / 2);
            dst[s] = WeightOf(plus - minus);
        }
        Interlocked.Add(ref _readCount, _dev.Count);
    }
}

using System.Diagnostics;
using Neuromorph.Energy;

namespace Neuromorph.Spiking;

/// <summary>
/// A spiking network and its simulator: fixed time step, clock-driven neuron updates, event-driven
/// spike delivery over CSR projections with per-synapse delays (ring buffers). Build the network
/// with the Add/Connect/Inject/Monitor methods, then call <see cref="Run"/>.
/// </summary>
/// <remarks>
/// <para>Each step: (1) every population advances its neurons in parallel chunks, writing the
/// indices that spiked into per-chunk buffers; (2) one thread records monitors and updates
/// short-term plasticity; (3) spikes are delivered in parallel, each thread owning a range of target
/// neurons; (4) one thread applies plasticity rules. Randomness is counter-based per (component,
/// neuron, step), and each target sums its inputs in the same order whatever the thread count, so
/// spikes are identical for 1 or K threads with the same seed.</para>
/// <para>A spike emitted while advancing step t is stamped t·dt (as Brian2 does) and reaches its
/// targets at step t + d, d ≥ 1 steps.</para>
/// </remarks>
public sealed class Network
{
    private readonly List<Population> _pops = new();
    private readonly List<Projection> _projs = new();
    private readonly List<Monitor> _monitors = new();
    private readonly List<PlasticityRule> _rules = new();
    private bool _built;
    private int _preparedThreads = -1;
    internal PopSpikes[] Spikes = [];

    /// <summary>Creates an empty network.</summary>
    /// <param name="dt">Time step (s), e.g. 1e-4.</param>
    /// <param name="seed">Experiment seed for every random draw (connectivity, weights, inputs).</param>
    /// <param name="threads">Worker threads for <see cref="Run"/>.</param>
    public Network(double dt = 1e-4, ulong seed = 1, int threads = 1)
    {
        if (!(dt > 0) || !(dt <= 1e-2)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must be in (0, 10 ms]");
        Dt = dt; Seed = seed; Threads = threads;
    }

    /// <summary>Time step (s).</summary>
    public double Dt { get; }
    /// <summary>Experiment seed.</summary>
    public ulong Seed { get; }
    private int _threads;
    /// <summary>Worker threads (≥ 1); results do not depend on it.</summary>
    public int Threads
    {
        get => _threads;
        set { if (value < 1 || value > 1024) throw new ArgumentOutOfRangeException(nameof(Threads), value, "threads must be in [1, 1024]"); _threads = value; }
    }
    /// <summary>Steps simulated so far.</summary>
    public long Step { get; private set; }
    /// <summary>Simulated time so far (s).</summary>
    public double Time => Step * Dt;
    /// <summary>Operation counts of all runs (neuron updates, spikes, synaptic events, plasticity updates).</summary>
    public OpCounters Counters { get; } = new();
    /// <summary>Seconds spent in <see cref="Build"/>.</summary>
    public double BuildSeconds { get; private set; }
    /// <summary>Memory limit for the pre-build check (bytes); default: what the GC reports available.</summary>
    public long MemoryLimitBytes { get; set; } = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    /// <summary>Populations in insertion order.</summary>
    public IReadOnlyList<Population> Populations => _pops;
    /// <summary>Projections in insertion order.</summary>
    public IReadOnlyList<Projection> Projections => _projs;

    private void CheckNotBuilt(string what)
    {
        if (_built) throw new InvalidOperationException($"cannot {what} after the network is built (first Run)");
    }

    /// <summary>Adds a population.</summary>
    public T Add<T>(T population) where T : Population
    {
        ArgumentNullException.ThrowIfNull(population);
        CheckNotBuilt("add a population");
        if (population.Owner != null) throw new ArgumentException($"population '{population.Name}' already belongs to a network");
        if (_pops.Any(p => p.Name == population.Name)) throw new ArgumentException($"a population named '{population.Name}' already exists");
        population.Owner = this; population.Id = _pops.Count;
        _pops.Add(population);
        return population;
    }

    /// <summary>Adds a LIF population.</summary>
    public LifPopulation AddLif(string name, int count, LifParameters parameters) => Add(new LifPopulation(name, count, parameters));

    /// <summary>Connects <paramref name="source"/> to <paramref name="target"/>.</summary>
    public Projection Connect(NeuronRange source, NeuronRange target, Connectivity connectivity, SynapseSpec spec, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(connectivity); ArgumentNullException.ThrowIfNull(spec);
        CheckNotBuilt("connect");
        source.Validate(nameof(source)); target.Validate(nameof(target));
        if (source.Population.Owner != this || target.Population.Owner != this) throw new ArgumentException("both populations must be added to this network first");
        target.Population.CheckReceptor(spec.Receptor);
        if (!(spec.ReleaseProbability >= 0 && spec.ReleaseProbability <= 1)) throw new ArgumentOutOfRangeException(nameof(spec), spec.ReleaseProbability, "ReleaseProbability must be in [0, 1]");
        spec.ShortTermPlasticity?.Validate();
        name ??= $"{source.Population.Name}->{target.Population.Name}#{_projs.Count}";
        if (_projs.Any(p => p.Name == name)) throw new ArgumentException($"a projection named '{name}' already exists");
        var proj = new Projection(name, source, target, connectivity, spec);
        _projs.Add(proj);
        return proj;
    }

    /// <summary>Injects a current (A) into the target neurons: I(t) = scale · stimulus(t).</summary>
    public void Inject(NeuronRange target, Stimulus stimulus, double scale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(stimulus);
        CheckNotBuilt("inject a current");
        target.Validate(nameof(target));
        target.Population.CheckReceptor(Receptor.Current);
        target.Population.Injections.Add((stimulus, target.Start, target.End, (float)scale));
    }

    /// <summary>
    /// Drives each target neuron with <paramref name="sources"/> independent Poisson sources at
    /// <paramref name="rate"/> Hz, each event adding <paramref name="weight"/> to the receptor
    /// (Brian2's PoissonInput): per step k ~ Poisson(sources·rate·dt) events.
    /// </summary>
    public void AddPoissonInput(NeuronRange target, Receptor receptor, int sources, double rate, double weight)
    {
        CheckNotBuilt("add a Poisson input");
        target.Validate(nameof(target));
        target.Population.CheckReceptor(receptor);
        if (sources <= 0) throw new ArgumentOutOfRangeException(nameof(sources), sources, "sources must be > 0");
        Population.NonNegative(rate, nameof(rate));
        Population.Finite(weight, nameof(weight));
        double lambda = sources * rate * Dt;
        if (lambda > 500) throw new ArgumentOutOfRangeException(nameof(rate), rate, $"Poisson input mean of {lambda} events per step is too large; reduce dt, sources or rate");
        var pop = target.Population;
        pop.PoissonInputs.Add(new PoissonInputSpec
        {
            Start = target.Start, End = target.End, Receptor = receptor, Lambda = lambda, P0 = Math.Exp(-lambda), Weight = (float)weight,
            Component = Numerics.Philox.ComponentId($"poisson-input/{pop.Name}/{pop.PoissonInputs.Count}"),
        });
    }

    /// <summary>Adds a monitor.</summary>
    public T AddMonitor<T>(T monitor) where T : Monitor
    {
        ArgumentNullException.ThrowIfNull(monitor);
        if (monitor.Population.Owner != this) throw new ArgumentException($"monitor's population '{monitor.Population.Name}' is not in this network");
        _monitors.Add(monitor);
        return monitor;
    }

    /// <summary>Records every spike of a population.</summary>
    public SpikeMonitor MonitorSpikes(Population population) => AddMonitor(new SpikeMonitor(population));

    /// <summary>Records a state variable of selected neurons every <paramref name="every"/> steps.</summary>
    public StateMonitor MonitorState(Population population, string variable, int[] neurons, int every = 1) => AddMonitor(new StateMonitor(population, variable, neurons, every));

    /// <summary>Records the population rate (Hz) in bins of <paramref name="binSeconds"/>.</summary>
    public RateMonitor MonitorRate(Population population, double binSeconds) => AddMonitor(new RateMonitor(population, binSeconds));

    /// <summary>Attaches a plasticity rule to its projection.</summary>
    public T AddPlasticity<T>(T rule) where T : PlasticityRule
    {
        ArgumentNullException.ThrowIfNull(rule);
        CheckNotBuilt("add plasticity");
        if (!_projs.Contains(rule.Projection)) throw new ArgumentException($"projection '{rule.Projection.Name}' is not in this network");
        _rules.Add(rule);
        return rule;
    }

    /// <summary>
    /// Estimated bytes the built network needs: neuron state, input ring buffers, spike buffers
    /// and synapses (targets, weights, delays, release probabilities, row pointers).
    /// </summary>
    public long EstimateMemoryBytes()
    {
        long bytes = 0;
        foreach (var p in _pops)
        {
            int slots = 1 + _projs.Where(q => q.Target.Population == p).Select(q => Math.Max(1, (int)Math.Round(q.Spec.Delay.Max / Dt))).DefaultIfEmpty(0).Max();
            int receptors = 2 + (p.Injections.Count > 0 ? 1 : 0) + (_projs.Any(q => q.Target.Population == p && q.Spec.Receptor == Receptor.Voltage) ? 1 : 0);
            bytes += p.StateBytes + 4L * slots * receptors * p.Count + 8L * p.Count;
        }
        foreach (var q in _projs) bytes += q.ExpectedBytes(Dt);
        return bytes;
    }

    /// <summary>Checks the memory estimate, then builds connectivity, weights, delays and buffers.</summary>
    public void Build()
    {
        if (_built) return;
        if (_pops.Count == 0) throw new InvalidOperationException("the network has no populations");
        long need = EstimateMemoryBytes();
        if (need > MemoryLimitBytes)
            throw new InsufficientMemoryException($"the network needs about {need / 1073741824.0:F2} GiB ({need} bytes: {_pops.Sum(p => (long)p.Count)} neurons, ~{_projs.Sum(q => q.Connectivity.ExpectedSynapses(q.Source.Count, q.Target.Count))} synapses) but only {MemoryLimitBytes / 1073741824.0:F2} GiB are available; reduce the neuron count or the connection probability");
        var sw = Stopwatch.StartNew();
        foreach (var p in _pops) p.Prepare(Dt);
        foreach (var q in _projs) q.Build(this);
        foreach (var p in _pops)
        {
            int slots = 1 + _projs.Where(q => q.Target.Population == p).Select(q => q.MaxDelaySteps).DefaultIfEmpty(0).Max();
            var used = new bool[4];
            if (p.Accepts(Receptor.Excitatory)) used[0] = true;
            if (p.Accepts(Receptor.Inhibitory)) used[1] = true;
            foreach (var q in _projs) if (q.Target.Population == p) used[(int)q.Spec.Receptor] = true;
            if (p.Injections.Count > 0) used[(int)Receptor.Current] = true;
            foreach (var pin in p.PoissonInputs) used[(int)pin.Receptor] = true;
            p.AllocateRings(slots, used);
        }
        foreach (var r in _rules) r.Initialize(this);
        _built = true;
        BuildSeconds = sw.Elapsed.TotalSeconds;
    }

    private void PrepareThreads()
    {
        if (_preparedThreads == Threads) return;
        int k = Threads;
        Spikes = new PopSpikes[_pops.Count];
        for (int p = 0; p < _pops.Count; p++)
        {
            var pop = _pops[p];
            var bounds = new int[k + 1];
            int per = (pop.Count + k - 1) / k;
            per = (per + 7) & ~7;   // whole 256-bit vectors, so every neuron takes the same code path for any thread count
            for (int c = 0; c <= k; c++) bounds[c] = Math.Min(pop.Count, c * per);
            bounds[k] = pop.Count;
            var ps = new PopSpikes { Bounds = bounds, Merged = new int[pop.Count] };
            for (int b = 0; b < 2; b++)
            {
                ps.Chunks[b] = new int[k][]; ps.CountsBy[b] = new int[k];
                for (int c = 0; c < k; c++) ps.Chunks[b][c] = new int[Math.Max(1, bounds[c + 1] - bounds[c])];
            }
            Spikes[p] = ps;
        }
        foreach (var q in _projs) q.Partition(Spikes[q.Target.Population.Id].Bounds);
        _preparedThreads = k;
    }

    /// <summary>The spikes of <paramref name="population"/> in the last simulated step (ascending indices).</summary>
    public ReadOnlySpan<int> LastSpikes(Population population)
    {
        var ps = Spikes[population.Id];
        return ps.Merged.AsSpan(0, ps.MergedCount);
    }

    /// <summary>Simulates <paramref name="duration"/> seconds (rounded to whole steps); builds first if needed.</summary>
    public void Run(double duration)
    {
        if (!(duration >= 0) || double.IsInfinity(duration)) throw new ArgumentOutOfRangeException(nameof(duration), duration, "duration must be ≥ 0 s");
        Build();
        PrepareThreads();
        long steps = (long)Math.Round(duration / Dt);
        if (steps == 0) return;
        foreach (var m in _monitors) m.Begin(this, steps);
        foreach (var p in _pops) p.BeginRun();
        int k = Threads;
        var spikeCounts = new long[k * 16];
        var eventCounts = new long[k * 16];
        long start = Step;
        bool hasStp = _projs.Any(q => q.StpFactor != null);
        bool hasRules = _rules.Count > 0;
        bool stateMonitors = _monitors.Any(m => m.ReadsState);
        if (k == 1)
        {
            Worker(0, start, steps, hasStp, hasRules, stateMonitors, null, spikeCounts, eventCounts);
        }
        else
        {
            var barrier = new SpinBarrier(k);
            Exception? error = null;
            var threads = new Thread[k - 1];
            for (int t = 1; t < k; t++)
            {
                int id = t;
                threads[t - 1] = new Thread(() =>
                {
                    try { Worker(id, start, steps, hasStp, hasRules, stateMonitors, barrier, spikeCounts, eventCounts); }
                    catch (Exception e) { error ??= e; barrier.Abort(); }
                }) { IsBackground = true, Name = $"spiking-worker-{id}" };
                threads[t - 1].Start();
            }
            try { Worker(0, start, steps, hasStp, hasRules, stateMonitors, barrier, spikeCounts, eventCounts); }
            catch (Exception e) { error ??= e; barrier.Abort(); }
            foreach (var th in threads) th.Join();
            if (error != null && error is not OperationCanceledException) throw new AggregateException("spiking simulation failed", error);
            if (error != null) throw error;
        }
        Step = start + steps;
        long spikes = 0, events = 0;
        for (int t = 0; t < k; t++) { spikes += spikeCounts[t * 16]; events += eventCounts[t * 16]; }
        Counters.Add(Op.NeuronUpdate, steps * _pops.Where(p => p is not SpikeSource).Sum(p => (long)p.Count));
        Counters.Add(Op.Spike, spikes);
        Counters.Add(Op.SynapticEvent, events);
        foreach (var r in _rules) { Counters.Add(Op.SynapticUpdate, r.Updates); r.Updates = 0; }
        foreach (var m in _monitors) m.End();
    }

    /// <remarks>
    /// Thread k updates chunk k of every population and delivers into the same neuron range, so
    /// its own delivery of step t and its update of step t+1 need no barrier between them. Spike
    /// buffers alternate by step parity, so a thread already updating step t+1 never overwrites
    /// the spikes of step t that another thread is still delivering. Extra barriers are taken
    /// only when serial work must not overlap: short-term plasticity (before delivery),
    /// state monitors and plasticity rules (after it).
    /// </remarks>
    private void Worker(int k, long start, long steps, bool hasStp, bool hasRules, bool stateMonitors, SpinBarrier? barrier, long[] spikeCounts, long[] eventCounts)
    {
        int sense = 0;
        long spikes = 0, events = 0;
        var pops = _pops.ToArray();
        var projs = _projs.ToArray();
        var monitors = _monitors.ToArray();
        var rules = _rules.ToArray();
        var spk = Spikes;
        for (long s = 0; s < steps; s++)
        {
            long step = start + s;
            int par = (int)(step & 1);
            for (int p = 0; p < pops.Length; p++)
            {
                var ps = spk[p];
                int lo = ps.Bounds[k], hi = ps.Bounds[k + 1];
                int n = lo < hi ? pops[p].Update(step, (int)(step % pops[p].RingSlots), lo, hi, ps.Chunks[par][k]) : 0;
                ps.CountsBy[par][k] = n;
                spikes += n;
            }
            barrier?.Wait(ref sense);
            if (k == 0)
            {
                for (int p = 0; p < pops.Length; p++) spk[p].Merge(par);
                foreach (var m in monitors) m.Record(step);
                if (hasStp)
                    foreach (var q in projs)
                        if (q.StpFactor != null) { var ps = spk[q.Source.Population.Id]; q.UpdateStp(step, Dt, ps.Merged.AsSpan(0, ps.MergedCount)); }
            }
            if (hasStp) barrier?.Wait(ref sense);
            foreach (var q in projs)
            {
                var ps = spk[q.Source.Population.Id];
                events += q.Deliver(step, k, ps.Chunks[par], ps.CountsBy[par], Seed);
            }
            if (hasRules || stateMonitors) barrier?.Wait(ref sense);
            if (hasRules)
            {
                if (k == 0) foreach (var r in rules) r.Step(step, this);
                barrier?.Wait(ref sense);
            }
        }
        spikeCounts[k * 16] = spikes;
        eventCounts[k * 16] = events;
    }
}

/// <summary>Per-population spike buffers: one per thread chunk, plus the merged list.</summary>
internal sealed class PopSpikes
{
    public int[] Bounds = [];
    public readonly int[][][] Chunks = new int[2][][];   // [step parity][thread chunk]
    public readonly int[][] CountsBy = new int[2][];
    public int[] Merged = [];
    public int MergedCount;

    public void Merge(int par)
    {
        int m = 0;
        var chunk = Chunks[par]; var counts = CountsBy[par];
        for (int c = 0; c < chunk.Length; c++)
        {
            chunk[c].AsSpan(0, counts[c]).CopyTo(Merged.AsSpan(m));
            m += counts[c];
        }
        MergedCount = m;
    }
}

/// <summary>Sense-reversing barrier that spins, then yields; abortable so a failing worker cannot hang the others.</summary>
internal sealed class SpinBarrier(int parties)
{
    private readonly int _parties = parties;
    private int _remaining = parties;
    private volatile int _sense;
    private volatile bool _aborted;

    public void Abort() => _aborted = true;

    public void Wait(ref int localSense)
    {
        localSense ^= 1;
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _remaining = _parties;
            _sense = localSense;
            return;
        }
        var sw = new SpinWait();
        while (_sense != localSense)
        {
            if (_aborted) throw new OperationCanceledException("another spiking worker failed");
            sw.SpinOnce(-1);
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Neuromorph.Devices;
using Neuromorph.Numerics;

namespace Neuromorph.Spiking;

/// <summary>A contiguous range [Start, Start + Count) of a population's neurons.</summary>
public readonly record struct NeuronRange(Population Population, int Start, int Count)
{
    /// <summary>The whole population.</summary>
    public static implicit operator NeuronRange(Population p) => new(p, 0, p.Count);
    /// <summary>One past the last neuron.</summary>
    public int End => Start + Count;

    internal void Validate(string what)
    {
        ArgumentNullException.ThrowIfNull(Population, what);
        if (Start < 0 || Count <= 0 || End > Population.Count)
            throw new ArgumentOutOfRangeException(what, $"{what} range [{Start}, {End}) is outside population '{Population.Name}' of {Population.Count}");
    }
}

/// <summary>Initial weights of a projection, in the unit of the target receptor (A, S or V).</summary>
public abstract record WeightInit
{
    /// <summary>Every synapse gets w.</summary>
    public static WeightInit Constant(double w) => new ConstantWeight(w);
    /// <summary>Uniform on [lo, hi).</summary>
    public static WeightInit Uniform(double lo, double hi) => new UniformWeight(lo, hi);
    /// <summary>Normal(mean, sd²), clipped to the store's bounds.</summary>
    public static WeightInit Normal(double mean, double sd) => new NormalWeight(mean, sd);
    internal abstract double Draw(ref RandomStream rng);
    internal virtual bool IsConstant => false;
}
internal sealed record ConstantWeight(double W) : WeightInit
{
    internal override double Draw(ref RandomStream rng) => W;
    internal override bool IsConstant => true;
}
internal sealed record UniformWeight(double Lo, double Hi) : WeightInit
{
    internal override double Draw(ref RandomStream rng) => rng.Uniform(Lo, Hi);
}
internal sealed record NormalWeight(double Mean, double Sd) : WeightInit
{
    internal override double Draw(ref RandomStream rng) => rng.Normal(Mean, Sd);
}

/// <summary>Axonal delays (s); rounded to whole time steps, at least one step.</summary>
public abstract record DelayInit
{
    /// <summary>Every synapse has delay d (s). Delays below one step act as one step (Brian2's zero-delay timing).</summary>
    public static DelayInit Constant(double d) => new ConstantDelay(d);
    /// <summary>Uniform on [lo, hi] (s).</summary>
    public static DelayInit Uniform(double lo, double hi) => new UniformDelay(lo, hi);
    internal abstract double Draw(ref RandomStream rng);
    internal abstract double Max { get; }
}
internal sealed record ConstantDelay(double D) : DelayInit
{
    internal override double Draw(ref RandomStream rng) => D;
    internal override double Max => D;
}
internal sealed record UniformDelay(double Lo, double Hi) : DelayInit
{
    internal override double Draw(ref RandomStream rng) => rng.Uniform(Lo, Hi);
    internal override double Max => Hi;
}

/// <summary>
/// Tsodyks–Markram short-term plasticity in the iterative form of Maass &amp; Markram (2002,
/// "Synapses as dynamic memory buffers", Neural Netw. 15:155), after Tsodyks, Pawelzik &amp;
/// Markram (1998) and Markram, Wang &amp; Tsodyks (1998): the n-th spike of a train with
/// interval Δ_n releases w·u_n·R_n, with u_1 = U, R_1 = 1 and
/// u_{n+1} = U + u_n (1 − U) e^{−Δ_n/τ_F}, R_{n+1} = 1 + (R_n − u_n R_n − 1) e^{−Δ_n/τ_D}.
/// For a regular train at rate r the steady state is u* = U/(1 − (1 − U)e^{−1/(rτ_F)}),
/// R* = (1 − e^{−1/(rτ_D)})/(1 − (1 − u*)e^{−1/(rτ_D)}).
/// </summary>
/// <param name="U">Utilisation of synaptic efficacy (0, 1].</param>
/// <param name="TauDepression">Recovery time constant τ_D (s).</param>
/// <param name="TauFacilitation">Facilitation time constant τ_F (s); 0 disables facilitation.</param>
public readonly record struct TsodyksMarkram(double U, double TauDepression, double TauFacilitation)
{
    /// <summary>Depressing synapse of Markram, Wang &amp; Tsodyks (1998, PNAS 95:5323), pyramidal → pyramidal: U = 0.5, τ_D = 800 ms, τ_F = 0 (no facilitation).</summary>
    public static TsodyksMarkram Depressing => new(0.5, 0.8, 0.0);
    /// <summary>Facilitating synapse of Markram, Wang &amp; Tsodyks (1998), pyramidal → interneuron: U = 0.03, τ_D = 130 ms, τ_F = 530 ms (their fitted averages).</summary>
    public static TsodyksMarkram Facilitating => new(0.03, 0.13, 0.53);

    /// <summary>Throws naming an invalid parameter.</summary>
    public void Validate()
    {
        if (!(U > 0 && U <= 1)) throw new ArgumentOutOfRangeException(nameof(U), U, "U must be in (0, 1]");
        Population.Positive(TauDepression, nameof(TauDepression));
        Population.NonNegative(TauFacilitation, nameof(TauFacilitation));
    }

    /// <summary>Analytic steady-state release u*·R* for a regular spike train at rate r (Hz).</summary>
    public double SteadyStateRelease(double rate)
    {
        double d = 1 / rate;
        double ef = TauFacilitation > 0 ? Math.Exp(-d / TauFacilitation) : 0;
        double ed = Math.Exp(-d / TauDepression);
        double u = U / (1 - (1 - U) * ef);
        double r = (1 - ed) / (1 - (1 - u) * ed);
        return u * r;
    }
}

/// <summary>Everything about a projection except who it connects.</summary>
public sealed record SynapseSpec
{
    /// <summary>Target receptor.</summary>
    public Receptor Receptor { get; init; } = Receptor.Excitatory;
    /// <summary>Initial weights (A for current receptors, S for conductances, V for voltage jumps).</summary>
    public WeightInit Weight { get; init; } = WeightInit.Constant(0);
    /// <summary>Axonal delays (s).</summary>
    public DelayInit Delay { get; init; } = DelayInit.Constant(0);
    /// <summary>Lower weight bound of the default ideal store.</summary>
    public float MinWeight { get; init; } = float.NegativeInfinity;
    /// <summary>Upper weight bound of the default ideal store.</summary>
    public float MaxWeight { get; init; } = float.PositiveInfinity;
    /// <summary>Creates the weight store for a given synapse count (default: <see cref="IdealSynapseStore"/>).</summary>
    public Func<int, ISynapseStore>? Store { get; init; }
    /// <summary>Short-term plasticity (per presynaptic neuron), or null.</summary>
    public TsodyksMarkram? ShortTermPlasticity { get; init; }
    /// <summary>Release probability of every synapse (stochastic release; 1 = reliable).</summary>
    public double ReleaseProbability { get; init; } = 1.0;
}

/// <summary>
/// Synapses from a source range to a target range in compressed sparse row form: the synapses of
/// presynaptic neuron i are positions RowPointers[i] .. RowPointers[i+1] of <see cref="Targets"/>,
/// targets ascending; that position is the synapse index in <see cref="Store"/>. Spikes are
/// delivered event-driven: a spike of i at step t adds w_s into the target's ring buffer at step
/// t + d_s. Delivery is partitioned by target range so threads never write the same neuron and
/// every neuron sums its inputs in the same order for any thread count.
/// </summary>
public sealed class Projection
{
    internal int[] RowPtr = [];
    internal int[] Tgt = [];
    internal ushort[]? Delays;
    internal int UniformDelay = 1;
    internal float[]? Release;
    internal int[][] Split = [];          // Split[p][i] = first position of row i whose target ≥ partition p's start
    internal float[]? StpFactor;          // per presynaptic neuron: u·R of the current spike
    private float[]? _stpU, _stpR;
    private long[]? _stpLast;
    internal int[]? ColPtr, ColSyn, SynSource;
    internal uint Component;

    internal Projection(string name, NeuronRange source, NeuronRange target, Connectivity connectivity, SynapseSpec spec)
    {
        Name = name; Source = source; Target = target; Connectivity = connectivity; Spec = spec;
    }

    /// <summary>Name, unique within the network.</summary>
    public string Name { get; }
    /// <summary>Presynaptic neurons.</summary>
    public NeuronRange Source { get; }
    /// <summary>Postsynaptic neurons.</summary>
    public NeuronRange Target { get; }
    /// <summary>Connectivity rule.</summary>
    public Connectivity Connectivity { get; }
    /// <summary>Receptor, weights, delays, store, STP, release.</summary>
    public SynapseSpec Spec { get; }
    /// <summary>The weight store (after the network is built).</summary>
    public ISynapseStore Store { get; private set; } = null!;
    /// <summary>Number of synapses (after build).</summary>
    public int SynapseCount => Tgt.Length;
    /// <summary>CSR row pointers, indexed by source neuron relative to <see cref="Source"/>.Start.</summary>
    public ReadOnlySpan<int> RowPointers => RowPtr;
    /// <summary>Target neuron of each synapse (absolute index in the target population).</summary>
    public ReadOnlySpan<int> Targets => Tgt;
    /// <summary>Delay of synapse s in time steps.</summary>
    public int DelaySteps(int s) => Delays != null ? Delays[s] : UniformDelay;
    /// <summary>Largest delay in steps.</summary>
    public int MaxDelaySteps { get; private set; } = 1;

    internal long ExpectedBytes(double dt)
    {
        long syn = Connectivity.ExpectedSynapses(Source.Count, Target.Count);
        long per = 4 + 4 + (Spec.Delay is ConstantDelay ? 0 : 2) + (Spec.ReleaseProbability < 1 ? 4 : 0);
        return syn * per + 8L * (Source.Count + 1);
    }

    internal void Build(Network net)
    {
        double dt = net.Dt;
        Component = Philox.ComponentId("projection/" + Name);
        int? selfOffset = ReferenceEquals(Source.Population, Target.Population) ? Source.Start - Target.Start : null;
        var (rowPtr, tgt) = Connectivity.Build(Source.Count, Target.Count, selfOffset, net.Seed, Component);
        if (Target.Start != 0) for (int s = 0; s < tgt.Length; s++) tgt[s] += Target.Start;
        RowPtr = rowPtr; Tgt = tgt;
        int n = tgt.Length;
        Store = Spec.Store?.Invoke(n) ?? new IdealSynapseStore(n, Spec.MinWeight, Spec.MaxWeight);
        if (Store.Count != n) throw new InvalidOperationException($"projection '{Name}': the store factory made {Store.Count} synapses, expected {n}");
        // Weights and delays: one stream per presynaptic neuron, so rows can be drawn in parallel.
        uint wComp = Philox.ComponentId("projection-init/" + Name);
        if (Spec.Weight is ConstantWeight cw && Store is IdealSynapseStore ideal) ideal.RawWeights.Fill(Math.Clamp((float)cw.W, Store.MinWeight, Store.MaxWeight));
        else
        {
            var store = Store;
            Parallel.For(0, Source.Count, i =>
            {
                var rng = new RandomStream(net.Seed, wComp, (uint)i);
                for (int s = rowPtr[i]; s < rowPtr[i + 1]; s++) store.Set(s, (float)Spec.Weight.Draw(ref rng));
            });
        }
        if (Spec.Delay is ConstantDelay cd)
        {
            UniformDelay = ToSteps(cd.D, dt);
            MaxDelaySteps = UniformDelay;
        }
        else
        {
            var d = new ushort[n];
            uint dComp = Philox.ComponentId("projection-delay/" + Name);
            int max = 1;
            object gate = new();
            Parallel.For(0, Source.Count, i =>
            {
                var rng = new RandomStream(net.Seed, dComp, (uint)i);
                int m = 1;
                for (int s = rowPtr[i]; s < rowPtr[i + 1]; s++) { d[s] = (ushort)ToSteps(Spec.Delay.Draw(ref rng), dt); m = Math.Max(m, d[s]); }
                lock (gate) max = Math.Max(max, m);
            });
            Delays = d; MaxDelaySteps = max;
        }
        if (Spec.ReleaseProbability < 1)
        {
            Release = new float[n];
            Array.Fill(Release, (float)Spec.ReleaseProbability);
        }
        if (Spec.ShortTermPlasticity is { } stp)
        {
            StpFactor = new float[Source.Count];
            _stpU = new float[Source.Count]; _stpR = new float[Source.Count];
            _stpLast = new long[Source.Count];
            Array.Fill(_stpLast, long.MinValue);
        }
    }

    private int ToSteps(double d, double dt)
    {
        if (!(d >= 0) || double.IsInfinity(d)) throw new ArgumentOutOfRangeException(nameof(SynapseSpec.Delay), d, $"projection '{Name}': delays must be ≥ 0 s");
        long steps = Math.Max(1, (long)Math.Round(d / dt));
        if (steps > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(SynapseSpec.Delay), d, $"projection '{Name}': delay {d} s is more than {ushort.MaxValue} steps of {dt} s");
        return (int)steps;
    }

    /// <summary>Per-synapse release probabilities (writable; null when all synapses are reliable).</summary>
    public float[]? ReleaseProbabilities => Release;

    /// <summary>Splits every row at the target-partition boundaries (targets are sorted within rows).</summary>
    internal void Partition(int[] bounds)
    {
        int parts = bounds.Length - 1;
        Split = new int[parts + 1][];
        for (int p = 0; p <= parts; p++)
        {
            var sp = new int[Source.Count];
            int b = bounds[p];
            for (int i = 0; i < Source.Count; i++)
            {
                int lo = RowPtr[i], hi = RowPtr[i + 1];
                if (p == 0) { sp[i] = lo; continue; }
                if (p == parts) { sp[i] = hi; continue; }
                int x = Array.BinarySearch(Tgt, lo, hi - lo, b);
                if (x < 0) x = ~x;
                else while (x > lo && Tgt[x - 1] == b) x--;
                sp[i] = x;
            }
            Split[p] = sp;
        }
    }

    /// <summary>Tsodyks–Markram update for the spikes of this step (serial; once per presynaptic spike).</summary>
    internal void UpdateStp(long step, double dt, ReadOnlySpan<int> spikes)
    {
        var p = Spec.ShortTermPlasticity!.Value;
        int s0 = Source.Start, s1 = Source.End;
        foreach (int g in spikes)
        {
            if (g < s0 || g >= s1) continue;
            int i = g - s0;
            float u, r;
            if (_stpLast![i] == long.MinValue) { u = (float)p.U; r = 1f; }
            else
            {
                double delta = (step - _stpLast[i]) * dt;
                double ef = p.TauFacilitation > 0 ? Math.Exp(-delta / p.TauFacilitation) : 0.0;
                double ed = Math.Exp(-delta / p.TauDepression);
                float up = _stpU![i], rp = _stpR![i];
                u = (float)(p.U + up * (1 - p.U) * ef);
                r = (float)(1 + (rp - up * rp - 1) * ed);
            }
            _stpU![i] = u; _stpR![i] = r; _stpLast[i] = step;
            StpFactor![i] = u * r;
        }
    }

    /// <summary>Delivers this step's presynaptic spikes to target partition <paramref name="part"/>; returns synaptic events.</summary>
    internal long Deliver(long step, int part, int[][] chunkSpikes, int[] chunkCounts, ulong seed)
    {
        var post = Target.Population;
        var ring = post.Rings[(int)Spec.Receptor]!;
        int D = post.RingSlots, N = post.Count;
        var lo = Split[part]; var hi = Split[part + 1];
        ref int tgt = ref MemoryMarshal.GetArrayDataReference(Tgt);
        ref float w = ref MemoryMarshal.GetReference(Store.Weights);
        int s0 = Source.Start, s1 = Source.End;
        long events = 0;
        bool simple = Delays == null && Release == null && StpFactor == null;
        int slotFixed = (int)((step + UniformDelay) % D);
        ref float dstFixed = ref MemoryMarshal.GetArrayDataReference(ring);
        dstFixed = ref Unsafe.Add(ref dstFixed, slotFixed * N);
        for (int c = 0; c < chunkSpikes.Length; c++)
        {
            var sp = chunkSpikes[c];
            for (int k = 0, nk = chunkCounts[c]; k < nk; k++)
            {
                int g = sp[k];
                if (g < s0) continue;
                if (g >= s1) break;
                int i = g - s0;
                int a = lo[i], b = hi[i];
                events += b - a;
                if (simple)
                {
                    for (int s = a; s < b; s++)
                        Unsafe.Add(ref dstFixed, Unsafe.Add(ref tgt, s)) += Unsafe.Add(ref w, s);
                }
                else
                {
                    float f = StpFactor != null ? StpFactor[i] : 1f;
                    for (int s = a; s < b; s++)
                    {
                        if (Release != null && CounterRandom.Uniform4(seed, Component, (uint)s, (ulong)step).U0 >= Release[s]) { events--; continue; }
                        int d = Delays != null ? Delays[s] : UniformDelay;
                        int slot = (int)((step + d) % D);
                        ring[slot * N + Tgt[s]] += f * Unsafe.Add(ref w, s);
                    }
                }
            }
        }
        return events;
    }

    /// <summary>Column index (synapses grouped by target), built on first use by plasticity rules.</summary>
    internal void EnsureColumns()
    {
        if (ColPtr != null) return;
        int nPost = Target.Population.Count;
        var colPtr = new int[nPost + 1];
        foreach (int t in Tgt) colPtr[t + 1]++;
        for (int j = 0; j < nPost; j++) colPtr[j + 1] += colPtr[j];
        var fill = new int[nPost];
        var colSyn = new int[Tgt.Length];
        for (int s = 0; s < Tgt.Length; s++) { int t = Tgt[s]; colSyn[colPtr[t] + fill[t]++] = s; }
        var src = new int[Tgt.Length];
        for (int i = 0; i < Source.Count; i++) for (int s = RowPtr[i]; s < RowPtr[i + 1]; s++) src[s] = i;
        ColPtr = colPtr; ColSyn = colSyn; SynSource = src;
    }

    /// <summary>Presynaptic neuron of synapse s (after <see cref="EnsureColumns"/>).</summary>
    internal int SourceOfFast(int s) => SynSource![s];

    /// <summary>Presynaptic neuron (relative to Source.Start) of synapse s, by binary search of the row pointers.</summary>
    public int SourceOf(int s)
    {
        int x = Array.BinarySearch(RowPtr, s);
        if (x >= 0) { while (x + 1 < RowPtr.Length && RowPtr[x + 1] == s) x++; return x; }
        return ~x - 1;
    }
}

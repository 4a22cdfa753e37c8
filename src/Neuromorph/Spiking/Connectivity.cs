using Neuromorph.Numerics;

namespace Neuromorph.Spiking;

/// <summary>
/// How a projection's synapses are chosen. Random rules draw from one counter-based stream per
/// presynaptic (or postsynaptic) neuron keyed by (seed, projection, neuron), so the same seed
/// gives the same connectivity on any thread count.
/// </summary>
public abstract record Connectivity
{
    /// <summary>Allow i → i synapses when source and target are the same population (default true, as in Brian2).</summary>
    public bool AllowAutapses { get; init; } = true;

    /// <summary>Each pair (i, j) is connected independently with probability p.</summary>
    public static Connectivity FixedProbability(double p) => new FixedProbabilityRule(p);
    /// <summary>Each target gets exactly k distinct random sources.</summary>
    public static Connectivity FixedInDegree(int k) => new FixedInDegreeRule(k);
    /// <summary>Each source projects to exactly k distinct random targets.</summary>
    public static Connectivity FixedOutDegree(int k) => new FixedOutDegreeRule(k);
    /// <summary>Source i → target i (equal sizes).</summary>
    public static Connectivity OneToOne() => new OneToOneRule();
    /// <summary>Every source → every target.</summary>
    public static Connectivity AllToAll() => new AllToAllRule();
    /// <summary>An explicit list of (source, target) pairs.</summary>
    public static Connectivity Explicit(int[] sources, int[] targets) => new ExplicitRule(sources, targets);

    /// <summary>Expected number of synapses, for the memory estimate.</summary>
    internal abstract long ExpectedSynapses(int nPre, int nPost);

    /// <summary>
    /// Builds the CSR (row pointers by source, targets ascending within a row). When source and
    /// target ranges lie in the same population, <paramref name="selfOffset"/> is
    /// source.Start − target.Start, so source i and target i + selfOffset are the same neuron;
    /// otherwise null.
    /// </summary>
    internal abstract (int[] RowPtr, int[] Targets) Build(int nPre, int nPost, int? selfOffset, ulong seed, uint component);

    /// <summary>The target index that is source i itself, or −1 (autapses allowed or not in range).</summary>
    private protected int Self(int? selfOffset, int i, int nPost)
    {
        if (AllowAutapses || selfOffset is not int off) return -1;
        int j = i + off;
        return j >= 0 && j < nPost ? j : -1;
    }

    internal static (int[], int[]) FromRows(int nPre, Func<int, int> count, Action<int, Span<int>> fill)
    {
        var rowPtr = new int[nPre + 1];
        var counts = new int[nPre];
        Parallel.For(0, nPre, i => counts[i] = count(i));
        long total = 0;
        for (int i = 0; i < nPre; i++)
        {
            total += counts[i];
            if (total > Array.MaxLength) throw new InsufficientMemoryException($"more than {Array.MaxLength} synapses in one projection; split it into several projections");
            rowPtr[i + 1] = (int)total;
        }
        var targets = new int[total];
        Parallel.For(0, nPre, i => fill(i, targets.AsSpan(rowPtr[i], counts[i])));
        return (rowPtr, targets);
    }
}

internal sealed record FixedProbabilityRule : Connectivity
{
    public FixedProbabilityRule(double p)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "connection probability must be in [0, 1]");
        P = p;
    }
    public double P { get; }
    internal override long ExpectedSynapses(int nPre, int nPost) => (long)Math.Ceiling(P * nPre * (double)nPost);

    internal override (int[], int[]) Build(int nPre, int nPost, int? selfOffset, ulong seed, uint component)
    {
        double logq = Math.Log(1 - P);
        // Geometric skipping: the gap to the next connected target is ⌊ln u / ln(1−p)⌋, which
        // reproduces independent Bernoulli(p) trials in O(number of synapses).
        int Walk(int i, Span<int> dst)
        {
            if (P == 0) return 0;
            var rng = new RandomStream(seed, component, (uint)i);
            int n = 0, self = Self(selfOffset, i, nPost);
            long j = -1;
            while (true)
            {
                if (P < 1) j += 1 + (long)Math.Floor(Math.Log(rng.NextDouble()) / logq); else j++;
                if (j >= nPost) break;
                if (j == self) continue;
                if (!dst.IsEmpty) dst[n] = (int)j;
                n++;
            }
            return n;
        }
        return FromRows(nPre, i => Walk(i, Span<int>.Empty), (i, dst) => Walk(i, dst));
    }
}

internal sealed record FixedOutDegreeRule : Connectivity
{
    public FixedOutDegreeRule(int k) { if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "out-degree must be ≥ 0"); K = k; }
    public int K { get; }
    internal override long ExpectedSynapses(int nPre, int nPost) => (long)nPre * K;
    internal override (int[], int[]) Build(int nPre, int nPost, int? selfOffset, ulong seed, uint component)
    {
        int minAvail = !AllowAutapses && selfOffset != null ? nPost - 1 : nPost;
        if (K > minAvail) throw new ArgumentException($"fixed out-degree {K} exceeds the {minAvail} available targets");
        return FromRows(nPre, _ => K, (i, dst) =>
        {
            var rng = new RandomStream(seed, component, (uint)i);
            int self = Self(selfOffset, i, nPost);
            SampleDistinct(ref rng, self >= 0 ? nPost - 1 : nPost, dst);
            if (self >= 0) for (int t = 0; t < dst.Length; t++) if (dst[t] >= self) dst[t]++;
            dst.Sort();
        });
    }

    /// <summary>Floyd's algorithm: k distinct integers from [0, n) (unsorted).</summary>
    internal static void SampleDistinct(ref RandomStream rng, int n, Span<int> dst)
    {
        int k = dst.Length;
        if (k * 2 > n)
        {
            // Dense: partial Fisher–Yates on the full range.
            var all = new int[n];
            for (int t = 0; t < n; t++) all[t] = t;
            for (int t = 0; t < k; t++) { int j = t + rng.NextInt(n - t); (all[t], all[j]) = (all[j], all[t]); dst[t] = all[t]; }
            return;
        }
        var set = new HashSet<int>(k);
        int m = 0;
        for (int j = n - k; j < n; j++)
        {
            int t = rng.NextInt(j + 1);
            if (!set.Add(t)) { set.Add(j); dst[m++] = j; } else dst[m++] = t;
        }
    }
}

internal sealed record FixedInDegreeRule : Connectivity
{
    public FixedInDegreeRule(int k) { if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "in-degree must be ≥ 0"); K = k; }
    public int K { get; }
    internal override long ExpectedSynapses(int nPre, int nPost) => (long)nPost * K;
    internal override (int[], int[]) Build(int nPre, int nPost, int? selfOffset, ulong seed, uint component)
    {
        int minAvail = !AllowAutapses && selfOffset != null ? nPre - 1 : nPre;
        if (K > minAvail) throw new ArgumentException($"fixed in-degree {K} exceeds the {minAvail} available sources");
        int? inverse = selfOffset is int o ? -o : null;   // target j is source j − offset
        // Draw the sources of each target, then transpose to rows by source.
        var src = new int[(long)nPost * K];
        Parallel.For(0, nPost, j =>
        {
            var rng = new RandomStream(seed, component, (uint)j);
            var dst = src.AsSpan(j * K, K);
            int self = Self(inverse, j, nPre);
            FixedOutDegreeRule.SampleDistinct(ref rng, self >= 0 ? nPre - 1 : nPre, dst);
            if (self >= 0) for (int t = 0; t < K; t++) if (dst[t] >= self) dst[t]++;
        });
        var rowPtr = new int[nPre + 1];
        foreach (int s in src) rowPtr[s + 1]++;
        for (int i = 0; i < nPre; i++) rowPtr[i + 1] += rowPtr[i];
        var fillPos = new int[nPre];
        var targets = new int[src.Length];
        for (int j = 0; j < nPost; j++)          // targets ascending because j ascends
            for (int t = 0; t < K; t++) { int s = src[(long)j * K + t]; targets[rowPtr[s] + fillPos[s]++] = j; }
        return (rowPtr, targets);
    }
}

internal sealed record OneToOneRule : Connectivity
{
    internal override long ExpectedSynapses(int nPre, int nPost) => nPre;
    internal override (int[], int[]) Build(int nPre, int nPost, int? selfOffset, ulong seed, uint component)
    {
        if (nPre != nPost) throw new ArgumentException($"one-to-one needs equal sizes (source {nPre}, target {nPost})");
        if (selfOffset == 0 && !AllowAutapses) return (new int[nPre + 1], []);
        var rowPtr = new int[nPre + 1];
        for (int i = 0; i <= nPre; i++) rowPtr[i] = i;
        var t = new int[nPre];
        for (int i = 0; i < nPre; i++) t[i] = i;
        return (rowPtr, t);
    }
}

internal sealed record AllToAllRule : Connectivity
{
    internal override long ExpectedSynapses(int nPre, int nPost) => (long)nPre * nPost;
    internal override (int[], int[]) Build(int nPre, int nPost, int? selfOffset, ulong seed, uint component)
    {
        return FromRows(nPre, i => Self(selfOffset, i, nPost) >= 0 ? nPost - 1 : nPost, (i, dst) =>
        {
            int m = 0, self = Self(selfOffset, i, nPost);
            for (int j = 0; j < nPost; j++) if (j != self) dst[m++] = j;
        });
    }
}

internal sealed record ExplicitRule : Connectivity
{
    public ExplicitRule(int[] sources, int[] targets)
    {
        ArgumentNullException.ThrowIfNull(sources); ArgumentNullException.ThrowIfNull(targets);
        if (sources.Length != targets.Length) throw new ArgumentException($"explicit connectivity: {sources.Length} sources but {targets.Length} targets");
        Sources = sources; Targets = targets;
    }
    public int[] Sources { get; }
    public int[] Targets { get; }
    internal override long ExpectedSynapses(int nPre, int nPost) => Sources.Length;
    internal override (int[], int[]) Build(int nPre, int nPost, int? selfOffset, ulong seed, uint component)
    {
        var rowPtr = new int[nPre + 1];
        for (int k = 0; k < Sources.Length; k++)
        {
            if ((uint)Sources[k] >= (uint)nPre) throw new ArgumentOutOfRangeException(nameof(Sources), Sources[k], $"source index at position {k} is outside [0, {nPre})");
            if ((uint)Targets[k] >= (uint)nPost) throw new ArgumentOutOfRangeException(nameof(Targets), Targets[k], $"target index at position {k} is outside [0, {nPost})");
            rowPtr[Sources[k] + 1]++;
        }
        for (int i = 0; i < nPre; i++) rowPtr[i + 1] += rowPtr[i];
        var order = new int[Sources.Length];
        for (int k = 0; k < order.Length; k++) order[k] = k;
        Array.Sort(order, (a, b) => Sources[a] != Sources[b] ? Sources[a].CompareTo(Sources[b]) : Targets[a] != Targets[b] ? Targets[a].CompareTo(Targets[b]) : a.CompareTo(b));
        var t = new int[order.Length];
        for (int k = 0; k < order.Length; k++) t[k] = Targets[order[k]];
        return (rowPtr, t);
    }
}

using System.Runtime.CompilerServices;

namespace Neuromorph.Data;

/// <summary>
/// Spike trains in compressed-sparse-row form over time: the events of step <c>t</c> are the channel
/// indices <c>Indices[StepOffsets[t] .. StepOffsets[t+1]]</c>, ascending. A simulator iterates
/// steps and delivers each listed channel's spike without any per-spike object. A channel may
/// appear more than once in a step when an encoder emits several events at once (delta coding of
/// a fast signal); each occurrence is one event.
/// </summary>
public sealed class SpikeRaster
{
    /// <summary>Number of time steps.</summary>
    public int Steps { get; }

    /// <summary>Number of input channels (valid indices are 0 … Channels − 1).</summary>
    public int Channels { get; }

    /// <summary>Time step, seconds.</summary>
    public double Dt { get; }

    /// <summary>Offsets into <see cref="Indices"/>, length <see cref="Steps"/> + 1.</summary>
    public int[] StepOffsets { get; }

    /// <summary>Channel of each event, grouped by step, ascending within a step.</summary>
    public int[] Indices { get; }

    /// <summary>Total number of events.</summary>
    public int SpikeCount => Indices.Length;

    /// <summary>Duration Steps × Dt, seconds.</summary>
    public double Duration => Steps * Dt;

    /// <summary>Creates a raster, checking offsets and indices.</summary>
    public SpikeRaster(int steps, int channels, double dt, int[] stepOffsets, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(stepOffsets);
        ArgumentNullException.ThrowIfNull(indices);
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be ≥ 0");
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be > 0");
        if (!(dt > 0) || !double.IsFinite(dt)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must be a positive number of seconds");
        if (stepOffsets.Length != steps + 1) throw new ArgumentException($"stepOffsets has {stepOffsets.Length} entries, expected steps + 1 = {steps + 1}");
        if (stepOffsets[0] != 0 || stepOffsets[^1] != indices.Length) throw new ArgumentException($"stepOffsets must run from 0 to {indices.Length}");
        for (int t = 0; t < steps; t++)
        {
            int a = stepOffsets[t], b = stepOffsets[t + 1];
            if (b < a) throw new ArgumentException($"stepOffsets decrease at step {t}");
            for (int k = a; k < b; k++)
            {
                if ((uint)indices[k] >= (uint)channels) throw new ArgumentException($"event {k} at step {t} has channel {indices[k]}, outside [0, {channels})");
                if (k > a && indices[k] < indices[k - 1]) throw new ArgumentException($"channels at step {t} are not ascending");
            }
        }
        Steps = steps; Channels = channels; Dt = dt; StepOffsets = stepOffsets; Indices = indices;
    }

    /// <summary>Channels that spike at <paramref name="step"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<int> At(int step) => Indices.AsSpan(StepOffsets[step], StepOffsets[step + 1] - StepOffsets[step]);

    /// <summary>Number of events per channel over the whole raster.</summary>
    public int[] CountPerChannel()
    {
        var c = new int[Channels];
        CountPerChannel(c, 0, Steps);
        return c;
    }

    /// <summary>Adds the number of events per channel in steps [<paramref name="from"/>, <paramref name="to"/>) to <paramref name="counts"/>.</summary>
    public void CountPerChannel(Span<int> counts, int from, int to)
    {
        if (counts.Length < Channels) throw new ArgumentException($"counts holds {counts.Length} entries, raster has {Channels} channels");
        if (from < 0 || to > Steps || from > to) throw new ArgumentOutOfRangeException(nameof(from), $"step range [{from}, {to}) is outside [0, {Steps}]");
        foreach (var ch in Indices.AsSpan(StepOffsets[from], StepOffsets[to] - StepOffsets[from])) counts[ch]++;
    }

    /// <summary>First step at which each channel spikes, or −1 if it never does.</summary>
    public int[] FirstSpikeSteps()
    {
        var first = new int[Channels];
        Array.Fill(first, -1);
        for (int t = Steps - 1; t >= 0; t--)
            foreach (var ch in At(t)) first[ch] = t;
        return first;
    }
}

/// <summary>Spike counts from rasters, as features for a readout.</summary>
public static class SpikeCounts
{
    /// <summary>
    /// Row-major (rasters × channels) matrix of spike counts, one row per raster; all rasters must
    /// have the same channel count.
    /// </summary>
    public static float[] Matrix(IReadOnlyList<SpikeRaster> rasters)
    {
        ArgumentNullException.ThrowIfNull(rasters);
        if (rasters.Count == 0) return [];
        int c = rasters[0].Channels;
        var m = new float[rasters.Count * c];
        Span<int> buf = c <= 4096 ? stackalloc int[c] : new int[c];
        for (int r = 0; r < rasters.Count; r++)
        {
            if (rasters[r].Channels != c) throw new ArgumentException($"raster {r} has {rasters[r].Channels} channels, raster 0 has {c}");
            buf.Clear();
            rasters[r].CountPerChannel(buf, 0, rasters[r].Steps);
            for (int j = 0; j < c; j++) m[r * c + j] = buf[j];
        }
        return m;
    }

    /// <summary>
    /// Row-major (bins × channels) counts in consecutive windows of <paramref name="binSteps"/> steps
    /// (the last bin may be shorter).
    /// </summary>
    public static float[] Binned(SpikeRaster raster, int binSteps)
    {
        ArgumentNullException.ThrowIfNull(raster);
        if (binSteps <= 0) throw new ArgumentOutOfRangeException(nameof(binSteps), binSteps, "bin width must be ≥ 1 step");
        int bins = (raster.Steps + binSteps - 1) / binSteps, c = raster.Channels;
        var m = new float[bins * c];
        for (int t = 0; t < raster.Steps; t++)
        {
            int row = t / binSteps * c;
            foreach (var ch in raster.At(t)) m[row + ch] += 1f;
        }
        return m;
    }
}

/// <summary>Growable int buffer used by the encoders to build CSR arrays without per-event allocation.</summary>
internal struct IntBuilder(int capacity)
{
    private int[] _items = new int[Math.Max(4, capacity)];

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int v)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = v;
    }

    public void AddRepeated(int v, long n)
    {
        if (Count + n > Array.MaxLength) throw new InvalidOperationException("spike raster exceeds the largest array");
        int need = Count + (int)n;
        if (need > _items.Length) Array.Resize(ref _items, (int)Math.Min(Array.MaxLength, Math.Max(need, 2L * _items.Length)));
        _items.AsSpan(Count, (int)n).Fill(v);
        Count = need;
    }

    public readonly int[] ToArray() => _items.AsSpan(0, Count).ToArray();

    public readonly ReadOnlySpan<int> AsSpan() => _items.AsSpan(0, Count);
}

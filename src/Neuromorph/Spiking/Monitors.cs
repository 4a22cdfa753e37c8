using Neuromorph.Storage;
using Neuromorph.Figures;
using System.Globalization;
using System.Text;

namespace Neuromorph.Spiking;

/// <summary>Something that records from a population once per simulated step.</summary>
public abstract class Monitor
{
    /// <summary>Creates a monitor of <paramref name="population"/>.</summary>
    protected Monitor(Population population)
    {
        ArgumentNullException.ThrowIfNull(population);
        Population = population;
    }

    /// <summary>The recorded population.</summary>
    public Population Population { get; }
    /// <summary>Time step of the network (s), set when recording begins.</summary>
    public double Dt { get; private set; }
    internal Network? Net;

    internal virtual void Begin(Network net, long steps) { Net = net; Dt = net.Dt; }
    /// <summary>Whether recording reads neuron state (then the simulator keeps other threads from advancing meanwhile).</summary>
    internal virtual bool ReadsState => false;
    internal abstract void Record(long step);
    internal virtual void End() { }

    internal static void Grow<T>(ref T[] a, long need)
    {
        if (need <= a.Length) return;
        long n = Math.Max(need, Math.Max(16, (long)a.Length * 2));
        if (n > Array.MaxLength) n = need <= Array.MaxLength ? Array.MaxLength : throw new InsufficientMemoryException($"monitor buffer would exceed {Array.MaxLength} elements");
        Array.Resize(ref a, (int)n);
    }
}

/// <summary>
/// Records every spike of a population compactly, as per-step CSR: the spikes of step
/// FirstStep + t are NeuronIndices[StepPointers[t] .. StepPointers[t+1]].
/// </summary>
public sealed class SpikeMonitor : Monitor
{
    private int[] _idx = new int[1024];
    private long[] _ptr = [0];
    private long _steps;
    private int[]? _counts;

    /// <summary>Creates a spike monitor (add it with <see cref="Network.AddMonitor{T}"/> or use <see cref="Network.MonitorSpikes"/>).</summary>
    public SpikeMonitor(Population population) : base(population) { }

    /// <summary>First recorded step.</summary>
    public long FirstStep { get; private set; } = -1;
    /// <summary>Number of recorded steps.</summary>
    public long StepCount => _steps;
    /// <summary>Total spikes recorded.</summary>
    public long Count => _ptr[_steps];
    /// <summary>Neuron index of each spike, in time order.</summary>
    public ReadOnlySpan<int> NeuronIndices => _idx.AsSpan(0, (int)Count);
    /// <summary>Per-step offsets into <see cref="NeuronIndices"/> (StepCount + 1 entries).</summary>
    public ReadOnlySpan<long> StepPointers => _ptr.AsSpan(0, (int)_steps + 1);

    internal override void Begin(Network net, long steps)
    {
        base.Begin(net, steps);
        if (FirstStep < 0) FirstStep = net.Step;
        else if (FirstStep + _steps != net.Step) throw new InvalidOperationException("spike monitor missed steps");
        Grow(ref _ptr, _steps + steps + 1);
        _counts ??= new int[Population.Count];
    }

    internal override void Record(long step)
    {
        var s = Net!.LastSpikes(Population);
        long n = _ptr[_steps];
        if (n + s.Length > _idx.Length) Grow(ref _idx, n + s.Length);
        s.CopyTo(_idx.AsSpan((int)n));
        foreach (int i in s) _counts![i]++;
        _steps++;
        _ptr[_steps] = n + s.Length;
    }

    /// <summary>Spike counts per neuron.</summary>
    public ReadOnlySpan<int> CountsPerNeuron => _counts ?? new int[Population.Count];

    /// <summary>Spike times (s) in record order.</summary>
    public double[] Times()
    {
        var t = new double[Count];
        for (long k = 0; k < _steps; k++)
            for (long j = _ptr[k]; j < _ptr[k + 1]; j++) t[j] = (FirstStep + k) * Dt;
        return t;
    }

    /// <summary>Spike times (s) of one neuron, ascending.</summary>
    public double[] TimesOf(int neuron)
    {
        var list = new List<double>();
        for (long k = 0; k < _steps; k++)
            for (long j = _ptr[k]; j < _ptr[k + 1]; j++) if (_idx[j] == neuron) list.Add((FirstStep + k) * Dt);
        return list.ToArray();
    }

    /// <summary>Spike times (s) of every neuron (one array per neuron).</summary>
    public double[][] TrainsPerNeuron()
    {
        var counts = CountsPerNeuron;
        var trains = new double[Population.Count][];
        for (int i = 0; i < trains.Length; i++) trains[i] = new double[counts[i]];
        var fill = new int[Population.Count];
        for (long k = 0; k < _steps; k++)
            for (long j = _ptr[k]; j < _ptr[k + 1]; j++) { int i = _idx[j]; trains[i][fill[i]++] = (FirstStep + k) * Dt; }
        return trains;
    }

    /// <summary>Mean firing rate over the recorded time (Hz per neuron).</summary>
    public double MeanRate() => _steps == 0 ? 0 : Count / (Population.Count * _steps * Dt);

    /// <summary>All inter-spike intervals (s) of all neurons.</summary>
    public double[] Isis()
    {
        var res = new List<double>();
        foreach (var tr in TrainsPerNeuron()) for (int k = 1; k < tr.Length; k++) res.Add(tr[k] - tr[k - 1]);
        return res.ToArray();
    }

    /// <summary>
    /// Mean over neurons with at least <paramref name="minSpikes"/> spikes of the coefficient of
    /// variation of their inter-spike intervals, CV = σ_ISI/μ_ISI; NaN if no neuron qualifies.
    /// </summary>
    public double MeanCvIsi(int minSpikes = 5)
    {
        double sum = 0; int n = 0;
        foreach (var tr in TrainsPerNeuron())
        {
            if (tr.Length < Math.Max(3, minSpikes)) continue;
            double m = 0, m2 = 0; int c = tr.Length - 1;
            for (int k = 1; k < tr.Length; k++) m += tr[k] - tr[k - 1];
            m /= c;
            for (int k = 1; k < tr.Length; k++) { double d = tr[k] - tr[k - 1] - m; m2 += d * d; }
            sum += Math.Sqrt(m2 / c) / m; n++;
        }
        return n == 0 ? double.NaN : sum / n;
    }

    /// <summary>Writes "time_s,neuron" lines atomically.</summary>
    public void WriteCsv(string path)
    {
        var sb = new StringBuilder("time_s,neuron\n");
        for (long k = 0; k < _steps; k++)
            for (long j = _ptr[k]; j < _ptr[k + 1]; j++)
                sb.Append(((FirstStep + k) * Dt).ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(_idx[j]).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    private const uint Magic = 0x4B50534E; // "NSPK"

    /// <summary>
    /// Writes the compact binary format (little-endian): magic "NSPK", version 1 (int32), dt (float64),
    /// first step (int64), step count S (int64), spike count M (int64), S+1 step pointers (int64),
    /// M neuron indices (int32).
    /// </summary>
    public void WriteBinary(string path)
    {
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic); w.Write(1); w.Write(Dt); w.Write(FirstStep); w.Write(_steps); w.Write(Count);
            for (long k = 0; k <= _steps; k++) w.Write(_ptr[k]);
            for (long j = 0; j < Count; j++) w.Write(_idx[j]);
        });
    }

    /// <summary>Reads a file written by <see cref="WriteBinary"/>: (dt, first step, step pointers, neuron indices).</summary>
    public static (double Dt, long FirstStep, long[] StepPointers, int[] Neurons) ReadBinary(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        if (r.ReadUInt32() != Magic) throw new InvalidDataException($"{path} is not a Neuromorph spike file (bad magic)");
        int version = r.ReadInt32();
        if (version != 1) throw new InvalidDataException($"{path}: unsupported spike file version {version}");
        double dt = r.ReadDouble(); long first = r.ReadInt64(); long steps = r.ReadInt64(); long count = r.ReadInt64();
        var ptr = new long[steps + 1];
        for (long k = 0; k <= steps; k++) ptr[k] = r.ReadInt64();
        var idx = new int[count];
        for (long j = 0; j < count; j++) idx[j] = r.ReadInt32();
        return (dt, first, ptr, idx);
    }

    /// <summary>A raster plot of (at most <paramref name="maxSpikes"/> of) the recorded spikes.</summary>
    public RasterFigure ToRaster(string name, string title, int maxSpikes = 200_000)
    {
        int n = (int)Math.Min(Count, maxSpikes);
        var times = Times();
        return new RasterFigure
        {
            Name = name, Title = title, XLabel = "time (s)", YLabel = $"neuron ({Population.Name})",
            Times = times[..n], Neurons = _idx[..n],
            Caption = Count > n ? $"First {n} of {Count} spikes." : $"{Count} spikes.",
        };
    }

    /// <summary>Histogram of inter-spike intervals (ms).</summary>
    public HistogramFigure IsiHistogram(string name, string title, int bins = 50) => new()
    {
        Name = name, Title = title, XLabel = "inter-spike interval (ms)", YLabel = "count",
        Values = [Isis().Select(x => x * 1e3).ToArray()], Labels = [Population.Name], Bins = bins,
        Caption = $"Mean CV of ISI {MeanCvIsi():F2}.",
    };
}

/// <summary>Records one state variable of selected neurons every <see cref="Every"/> steps.</summary>
public sealed class StateMonitor : Monitor
{
    private readonly int[] _neurons;
    private float[] _data = [];
    private long _samples;
    private long[] _steps = [];
    private float[]? _src;

    /// <summary>Creates a state monitor (add with <see cref="Network.AddMonitor{T}"/> or use <see cref="Network.MonitorState"/>).</summary>
    public StateMonitor(Population population, string variable, int[] neurons, int every = 1) : base(population)
    {
        ArgumentNullException.ThrowIfNull(neurons);
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), every, "every must be ≥ 1 step");
        population.State(variable); // validates the name
        foreach (int i in neurons) if ((uint)i >= (uint)population.Count) throw new ArgumentOutOfRangeException(nameof(neurons), i, $"neuron index outside population '{population.Name}' of {population.Count}");
        Variable = variable; _neurons = (int[])neurons.Clone(); Every = every;
    }

    /// <summary>Recorded variable name.</summary>
    public string Variable { get; }
    /// <summary>Decimation: one sample every this many steps.</summary>
    public int Every { get; }
    /// <summary>Recorded neuron indices.</summary>
    public ReadOnlySpan<int> Neurons => _neurons;
    /// <summary>Number of samples.</summary>
    public long SampleCount => _samples;

    internal override bool ReadsState => true;

    internal override void Begin(Network net, long steps)
    {
        base.Begin(net, steps);
        _src = Population.State(Variable);
        long more = steps / Every + 1;
        Grow(ref _data, (_samples + more) * _neurons.Length);
        Grow(ref _steps, _samples + more);
    }

    internal override void Record(long step)
    {
        if (step % Every != 0) return;
        Grow(ref _data, (_samples + 1) * _neurons.Length);
        Grow(ref _steps, _samples + 1);
        long o = _samples * _neurons.Length;
        for (int k = 0; k < _neurons.Length; k++) _data[o + k] = _src![_neurons[k]];
        _steps[_samples++] = step;
    }

    /// <summary>Sample times (s): the value after advancing step t is stamped (t+1)·dt.</summary>
    public double[] Times()
    {
        var t = new double[_samples];
        for (long k = 0; k < _samples; k++) t[k] = (_steps[k] + 1) * Dt;
        return t;
    }

    /// <summary>The trace of the k-th recorded neuron.</summary>
    public double[] Trace(int k)
    {
        if ((uint)k >= (uint)_neurons.Length) throw new ArgumentOutOfRangeException(nameof(k));
        var y = new double[_samples];
        for (long s = 0; s < _samples; s++) y[s] = _data[s * _neurons.Length + k];
        return y;
    }

    /// <summary>Writes "time_s,&lt;neuron&gt;..." CSV atomically.</summary>
    public void WriteCsv(string path)
    {
        var sb = new StringBuilder("time_s");
        foreach (int i in _neurons) sb.Append(',').Append(Variable).Append('_').Append(i);
        sb.Append('\n');
        var times = Times();
        for (long s = 0; s < _samples; s++)
        {
            sb.Append(times[s].ToString("R", CultureInfo.InvariantCulture));
            for (int k = 0; k < _neurons.Length; k++) sb.Append(',').Append(_data[s * _neurons.Length + k].ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>A line figure of the recorded traces.</summary>
    public LineFigure ToFigure(string name, string title, string yLabel) => new()
    {
        Name = name, Title = title, XLabel = "time (s)", YLabel = yLabel,
        Series = Enumerable.Range(0, _neurons.Length).Select(k => new Series($"{Variable}[{_neurons[k]}]", Times(), Trace(k))).ToArray(),
    };
}

/// <summary>Population rate (Hz per neuron) in fixed bins.</summary>
public sealed class RateMonitor : Monitor
{
    private double _bin;
    private long[] _counts = [];
    private long _stepsSeen;

    /// <summary>Creates a rate monitor with bins of <paramref name="binSeconds"/>.</summary>
    public RateMonitor(Population population, double binSeconds) : base(population)
    {
        Population.Positive(binSeconds, nameof(binSeconds));
        BinSeconds = binSeconds;
    }

    /// <summary>Requested bin width (s).</summary>
    public double BinSeconds { get; }
    private int _stepsPerBin;

    internal override void Begin(Network net, long steps)
    {
        base.Begin(net, steps);
        if (_stepsPerBin == 0) _stepsPerBin = Math.Max(1, (int)Math.Round(BinSeconds / net.Dt));
        _bin = _stepsPerBin * net.Dt;
        Grow(ref _counts, (_stepsSeen + steps) / _stepsPerBin + 1);
    }

    internal override void Record(long step)
    {
        _counts[_stepsSeen / _stepsPerBin] += Net!.LastSpikes(Population).Length;
        _stepsSeen++;
    }

    /// <summary>Rates (Hz per neuron) of the complete bins.</summary>
    public double[] Rates()
    {
        long bins = _stepsSeen / Math.Max(1, _stepsPerBin);
        var r = new double[bins];
        for (long b = 0; b < bins; b++) r[b] = _counts[b] / (Population.Count * _bin);
        return r;
    }

    /// <summary>Bin centre times (s).</summary>
    public double[] Times() => Enumerable.Range(0, Rates().Length).Select(b => (b + 0.5) * _bin).ToArray();

    /// <summary>A line figure of the population rate.</summary>
    public LineFigure ToFigure(string name, string title) => new()
    {
        Name = name, Title = title, XLabel = "time (s)", YLabel = "rate (Hz)",
        Series = [new Series(Population.Name, Times(), Rates())],
    };

    /// <summary>Writes "time_s,rate_hz" CSV atomically.</summary>
    public void WriteCsv(string path)
    {
        var sb = new StringBuilder("time_s,rate_hz\n");
        var t = Times(); var r = Rates();
        for (int b = 0; b < r.Length; b++) sb.Append(t[b].ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(r[b].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}

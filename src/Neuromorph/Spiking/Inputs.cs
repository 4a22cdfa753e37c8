using Neuromorph.Numerics;

namespace Neuromorph.Spiking;

/// <summary>A time course I(t) for current injection (A, before the injection's scale).</summary>
public abstract record Stimulus
{
    /// <summary>The value at time t (s).</summary>
    public abstract double ValueAt(double t);

    /// <summary>Constant value.</summary>
    public static Stimulus Constant(double value) => new StepStimulus(value, 0, double.PositiveInfinity);
    /// <summary>amplitude for onset ≤ t &lt; offset, else 0.</summary>
    public static Stimulus Step(double amplitude, double onset, double offset = double.PositiveInfinity) => new StepStimulus(amplitude, onset, offset);
    /// <summary>start + slope·(t − onset) for onset ≤ t &lt; offset, else 0.</summary>
    public static Stimulus Ramp(double slope, double onset, double offset = double.PositiveInfinity, double start = 0) => new RampStimulus(slope, onset, offset, start);
    /// <summary>offset + amplitude·sin(2π f t + phase).</summary>
    public static Stimulus Sine(double amplitude, double frequency, double phase = 0, double offset = 0) => new SineStimulus(amplitude, frequency, phase, offset);
    /// <summary>A recorded trace sampled every <paramref name="sampleInterval"/> s (sample-and-hold; 0 after the end).</summary>
    public static Stimulus Trace(double[] samples, double sampleInterval) => new TraceStimulus(samples, sampleInterval);
}

internal sealed record StepStimulus(double Amplitude, double Onset, double Offset) : Stimulus
{
    public override double ValueAt(double t) => t >= Onset && t < Offset ? Amplitude : 0;
}
internal sealed record RampStimulus(double Slope, double Onset, double Offset, double Start) : Stimulus
{
    public override double ValueAt(double t) => t >= Onset && t < Offset ? Start + Slope * (t - Onset) : 0;
}
internal sealed record SineStimulus(double Amplitude, double Frequency, double Phase, double Offset) : Stimulus
{
    public override double ValueAt(double t) => Offset + Amplitude * Math.Sin(2 * Math.PI * Frequency * t + Phase);
}
internal sealed record TraceStimulus : Stimulus
{
    public TraceStimulus(double[] samples, double interval)
    {
        ArgumentNullException.ThrowIfNull(samples);
        Population.Positive(interval, "sampleInterval");
        Samples = samples; Interval = interval;
    }
    public double[] Samples { get; }
    public double Interval { get; }
    public override double ValueAt(double t)
    {
        long k = (long)Math.Floor(t / Interval + 1e-9);
        return k >= 0 && k < Samples.Length ? Samples[k] : 0;
    }
}

/// <summary>A population that only emits spikes (no receptors, no neuron-update count).</summary>
public abstract class SpikeSource : Population
{
    /// <summary>Creates a spike source.</summary>
    protected SpikeSource(string name, int count) : base(name, count) { }
    /// <inheritdoc/>
    public override bool Accepts(Receptor receptor) => false;
    internal override void Prepare(double dt) { }
}

/// <summary>
/// Independent Poisson spike trains: neuron i spikes in a step with probability r_i(t)·dt (as
/// Brian2's PoissonGroup), drawn from <see cref="CounterRandom"/> keyed by (seed, group, i, step),
/// so trains do not depend on threads. The rate is <see cref="Rates"/>[i] times an optional common
/// modulation m(t) (time-varying rate).
/// </summary>
public sealed class PoissonGroup : SpikeSource
{
    private static readonly string[] Vars = ["rate"];
    private readonly Func<double, double>? _modulation;
    private double _dt;
    private ulong _seed;
    private uint _comp;

    /// <summary>Creates <paramref name="count"/> sources at a constant rate (Hz).</summary>
    public PoissonGroup(string name, int count, double rate, Func<double, double>? modulation = null) : base(name, count)
    {
        Population.NonNegative(rate, nameof(rate));
        Rates = new float[count];
        Array.Fill(Rates, (float)rate);
        _modulation = modulation;
    }

    /// <summary>Per-source rate (Hz), writable.</summary>
    public float[] Rates { get; }
    /// <inheritdoc/>
    public override IReadOnlyList<string> StateVariables => Vars;
    /// <inheritdoc/>
    public override float[] State(string variable) => variable == "rate" ? Rates : throw new ArgumentException($"Poisson group '{Name}' has only the variable 'rate'", nameof(variable));
    /// <inheritdoc/>
    public override long StateBytes => 4L * Count;

    internal override void Prepare(double dt)
    {
        _dt = dt; _seed = Owner!.Seed; _comp = RandomComponent;
        foreach (var r in Rates) if (r * dt > 1) throw new ArgumentOutOfRangeException(nameof(Rates), r, $"Poisson group '{Name}': rate {r} Hz × dt {dt} s exceeds 1; reduce dt or the rate");
    }

    internal override int Update(long step, int slot, int start, int end, Span<int> spikes)
    {
        double m = _modulation?.Invoke(step * _dt) ?? 1.0;
        if (m < 0) throw new InvalidOperationException($"Poisson group '{Name}': rate modulation is negative ({m}) at t = {step * _dt} s");
        float scale = (float)(m * _dt);
        int n = 0;
        for (int i = start; i < end; i++)
        {
            float p = Rates[i] * scale;
            if (p <= 0f) continue;
            if (CounterRandom.Uniform4(_seed, _comp, (uint)i, (ulong)step).U0 < p) spikes[n++] = i;
        }
        return n;
    }
}

/// <summary>Emits spikes at given times (s) from given neurons (Brian2's SpikeGeneratorGroup). Times are rounded to steps; duplicates within a step merge.</summary>
public sealed class SpikeGeneratorGroup : SpikeSource
{
    private static readonly string[] Vars = [];
    private readonly double[] _times;
    private readonly int[] _neurons;
    private long[] _steps = [];
    private int[] _idx = [];

    /// <summary>Creates a generator of <paramref name="count"/> neurons; spike k is neuron <paramref name="neurons"/>[k] at <paramref name="times"/>[k].</summary>
    public SpikeGeneratorGroup(string name, int count, int[] neurons, double[] times) : base(name, count)
    {
        ArgumentNullException.ThrowIfNull(neurons); ArgumentNullException.ThrowIfNull(times);
        if (neurons.Length != times.Length) throw new ArgumentException($"{neurons.Length} neuron indices but {times.Length} times");
        for (int k = 0; k < neurons.Length; k++)
        {
            if ((uint)neurons[k] >= (uint)count) throw new ArgumentOutOfRangeException(nameof(neurons), neurons[k], $"spike {k}: neuron outside [0, {count})");
            if (!(times[k] >= 0) || double.IsInfinity(times[k])) throw new ArgumentOutOfRangeException(nameof(times), times[k], $"spike {k}: time must be ≥ 0 s");
        }
        _neurons = (int[])neurons.Clone(); _times = (double[])times.Clone();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateVariables => Vars;
    /// <inheritdoc/>
    public override float[] State(string variable) => throw new ArgumentException($"spike generator '{Name}' has no state variables", nameof(variable));
    /// <inheritdoc/>
    public override long StateBytes => 12L * _times.Length;

    internal override void Prepare(double dt)
    {
        var pairs = _times.Select((t, k) => (Step: (long)Math.Round(t / dt), Neuron: _neurons[k])).Distinct().OrderBy(p => p.Step).ThenBy(p => p.Neuron).ToArray();
        _steps = pairs.Select(p => p.Step).ToArray();
        _idx = pairs.Select(p => p.Neuron).ToArray();
    }

    internal override int Update(long step, int slot, int start, int end, Span<int> spikes)
    {
        int k = Array.BinarySearch(_steps, step);
        if (k < 0) return 0;
        while (k > 0 && _steps[k - 1] == step) k--;
        int n = 0;
        for (; k < _steps.Length && _steps[k] == step; k++)
            if (_idx[k] >= start && _idx[k] < end) spikes[n++] = _idx[k];
        return n;
    }
}

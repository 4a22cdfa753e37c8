using Neuromorph.Numerics;

namespace Neuromorph.Data;

/// <summary>
/// Poisson (Bernoulli-per-step) rate coding: input <c>i</c> with value xᵢ ∈ [0, 1] fires at rate
/// rᵢ = xᵢ·r_max, realised on a grid of step Δt as an independent Bernoulli trial per step with
/// p = rᵢ·Δt (the discrete-time Poisson process; Dayan &amp; Abbott 2001, "Theoretical Neuroscience",
/// §1.4). Requires r_max·Δt ≤ 1. The expected count over T steps is rᵢ·T·Δt.
/// </summary>
/// <remarks>
/// The Bernoulli trials of one input are sampled by their geometric gaps: the number of silent
/// steps before the next spike is K = ⌊ln U / ln(1 − p)⌋ with U uniform on (0, 1), for which
/// P(K = k) = (1 − p)ᵏ·p exactly — the same process as one trial per step, at a cost proportional to
/// the number of spikes rather than steps × inputs (Devroye 1986, "Non-Uniform Random Variate
/// Generation", §X.2). Inputs with p = 0 draw nothing; p = 1 fires at every step.
/// Sample <c>s</c> draws from <see cref="RandomStream"/>(seed, "poisson-encoder", s), inputs in
/// ascending order, so a sample's spikes depend only on (seed, s, values) — never on batch
/// composition or thread count.
/// </remarks>
/// <param name="MaxRate">Rate for value 1, Hz.</param>
/// <param name="Dt">Time step, seconds.</param>
/// <param name="Steps">Number of time steps.</param>
public sealed record PoissonEncoder(double MaxRate, double Dt, int Steps)
{
    private static readonly uint Component = Philox.ComponentId("poisson-encoder");

    /// <summary>Checks the fields; rate·dt must not exceed 1.</summary>
    public void Validate()
    {
        if (!(MaxRate >= 0) || !double.IsFinite(MaxRate)) throw new ArgumentOutOfRangeException(nameof(MaxRate), MaxRate, "maximum rate must be a finite number of hertz ≥ 0");
        if (!(Dt > 0) || !double.IsFinite(Dt)) throw new ArgumentOutOfRangeException(nameof(Dt), Dt, "dt must be a positive number of seconds");
        if (Steps < 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be ≥ 0");
        if (MaxRate * Dt > 1)
            throw new ArgumentOutOfRangeException(nameof(MaxRate), MaxRate, $"rate × dt = {MaxRate} Hz × {Dt} s = {MaxRate * Dt} exceeds 1: a step cannot hold more than one spike; lower the rate or dt");
    }

    /// <summary>Encodes one sample (values in [0, 1]) as sample number <paramref name="sampleIndex"/> of <paramref name="seed"/>.</summary>
    public SpikeRaster Encode(ReadOnlySpan<float> values, ulong seed, uint sampleIndex)
    {
        Validate();
        CheckUnit(values);
        var rng = new RandomStream(seed, Component, sampleIndex);
        double scale = MaxRate * Dt;
        int capacity = (int)Math.Min(1 << 20, 16 + Steps * (double)scale * values.Length);
        var steps = new IntBuilder(capacity);
        var channels = new IntBuilder(capacity);
        var offsets = new int[Steps + 1];
        for (int i = 0; i < values.Length; i++)
        {
            double p = values[i] * scale;
            if (p <= 0) continue;
            if (p >= 1)
            {
                for (int t = 0; t < Steps; t++) { steps.Add(t); channels.Add(i); offsets[t + 1]++; }
                continue;
            }
            // ln(1 − p), by its series where 1 − p would round to 1.
            double logQ = p < 1e-8 ? -p - 0.5 * p * p : Math.Log(1 - p);
            int t0 = -1;
            while (true)
            {
                double gap = Math.Floor(Math.Log(rng.NextDouble()) / logQ) + 1;   // ≥ 1, finite
                if (gap >= Steps - t0) break;
                t0 += (int)gap;
                steps.Add(t0); channels.Add(i); offsets[t0 + 1]++;
            }
        }
        // Stable counting sort by step: within a step, channels stay ascending.
        for (int t = 0; t < Steps; t++) offsets[t + 1] += offsets[t];
        var indices = new int[steps.Count];
        Span<int> next = Steps <= 4096 ? stackalloc int[Steps] : new int[Steps];
        offsets.AsSpan(0, Steps).CopyTo(next);
        var st = steps.AsSpan();
        var ch = channels.AsSpan();
        for (int k = 0; k < st.Length; k++) indices[next[st[k]]++] = ch[k];
        return new SpikeRaster(Steps, values.Length, Dt, offsets, indices);
    }

    /// <summary>
    /// Encodes every row of a row-major (count × featureCount) matrix in parallel; row r is sample
    /// <c>firstSampleIndex + r</c>, so results are identical for any thread count.
    /// </summary>
    public SpikeRaster[] EncodeBatch(float[] features, int featureCount, ulong seed, uint firstSampleIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (featureCount <= 0 || features.Length % featureCount != 0)
            throw new ArgumentException($"features has {features.Length} values, not a whole number of rows of {featureCount}");
        Validate();
        var result = new SpikeRaster[features.Length / featureCount];
        Parallel.For(0, result.Length, r =>
            result[r] = Encode(features.AsSpan(r * featureCount, featureCount), seed, firstSampleIndex + (uint)r));
        return result;
    }

    internal static void CheckUnit(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) throw new ArgumentException("an encoder needs at least one input value", nameof(values));
        for (int i = 0; i < values.Length; i++)
            if (!(values[i] >= 0f && values[i] <= 1f))
                throw new ArgumentOutOfRangeException(nameof(values), values[i], $"input {i} is {values[i]}; encoders take values in [0, 1] (scale the data first, e.g. Mnist.Load(scaleToUnit: true))");
    }
}

/// <summary>How <see cref="LatencyEncoder"/> maps intensity to spike time.</summary>
public enum LatencyCode
{
    /// <summary>
    /// step = round((1 − x)/(1 − θ)·(T − 1)): linear in intensity; x = 1 fires at step 0, x just above
    /// the threshold θ at the last step T − 1.
    /// </summary>
    Linear,

    /// <summary>
    /// t = τ·ln(x / (x − θ)) for x &gt; θ: the time an RC membrane driven by constant current x takes to
    /// reach threshold θ (the latency code of Gerstner &amp; Kistler 2002, "Spiking Neuron Models", §1.3;
    /// as used by snnTorch's spikegen.latency).
    /// </summary>
    Logarithmic,
}

/// <summary>
/// Time-to-first-spike (latency) coding: each input spikes at most once, brighter inputs earlier
/// (Thorpe, Delorme &amp; Van Rullen 2001, "Spike-based strategies for rapid processing", Neural Netw.
/// 14, 715). Deterministic — no random numbers. Inputs at or below <see cref="Threshold"/>, or whose
/// spike time falls past the window, stay silent.
/// </summary>
/// <param name="Steps">Number of time steps T.</param>
/// <param name="Dt">Time step, seconds.</param>
/// <param name="Code">Linear or logarithmic mapping.</param>
/// <param name="Threshold">Intensity θ at or below which an input does not spike (in [0, 1)).</param>
/// <param name="Tau">Membrane time constant τ for <see cref="LatencyCode.Logarithmic"/>, seconds.</param>
public sealed record LatencyEncoder(int Steps, double Dt, LatencyCode Code = LatencyCode.Linear, double Threshold = 0.01, double Tau = 0.005)
{
    /// <summary>Checks the fields.</summary>
    public void Validate()
    {
        if (Steps <= 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be ≥ 1");
        if (!Enum.IsDefined(Code)) throw new ArgumentOutOfRangeException(nameof(Code), Code, "unknown latency code");
        if (!(Dt > 0) || !double.IsFinite(Dt)) throw new ArgumentOutOfRangeException(nameof(Dt), Dt, "dt must be a positive number of seconds");
        if (!(Threshold >= 0 && Threshold < 1)) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "threshold must be in [0, 1)");
        if (!(Tau > 0) || !double.IsFinite(Tau)) throw new ArgumentOutOfRangeException(nameof(Tau), Tau, "τ must be a positive number of seconds");
    }

    /// <summary>The step at which an input of intensity <paramref name="x"/> ∈ [0, 1] spikes, or −1 for none.</summary>
    public int SpikeStep(float x)
    {
        if (x <= (float)Threshold) return -1;      // compared at the inputs' float precision
        double step = Code switch
        {
            LatencyCode.Linear => Math.Round((1.0 - x) / (1.0 - Threshold) * (Steps - 1)),
            _ => Math.Floor(Tau * Math.Log(x / (x - Threshold)) / Dt),
        };
        return step < Steps ? (int)step : -1;
    }

    /// <summary>Encodes one sample (values in [0, 1]).</summary>
    public SpikeRaster Encode(ReadOnlySpan<float> values)
    {
        Validate();
        PoissonEncoder.CheckUnit(values);
        var offsets = new int[Steps + 1];
        int n = 0;
        Span<int> when = values.Length <= 2048 ? stackalloc int[values.Length] : new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            when[i] = SpikeStep(values[i]);
            if (when[i] >= 0) { offsets[when[i] + 1]++; n++; }
        }
        for (int t = 0; t < Steps; t++) offsets[t + 1] += offsets[t];
        var indices = new int[n];
        Span<int> fill = Steps <= 4096 ? stackalloc int[Steps] : new int[Steps];
        offsets.AsSpan(0, Steps).CopyTo(fill);
        for (int i = 0; i < values.Length; i++)       // ascending i keeps each step's channels sorted
            if (when[i] >= 0) indices[fill[when[i]]++] = i;
        return new SpikeRaster(Steps, values.Length, Dt, offsets, indices);
    }

    /// <summary>Encodes every row of a row-major (count × featureCount) matrix, in parallel.</summary>
    public SpikeRaster[] EncodeBatch(float[] features, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (featureCount <= 0 || features.Length % featureCount != 0)
            throw new ArgumentException($"features has {features.Length} values, not a whole number of rows of {featureCount}");
        Validate();
        var result = new SpikeRaster[features.Length / featureCount];
        Parallel.For(0, result.Length, r => result[r] = Encode(features.AsSpan(r * featureCount, featureCount)));
        return result;
    }
}

/// <summary>A delta-encoded signal: the spikes and the starting value of each signal channel.</summary>
/// <param name="Raster">Events; signal channel c emits UP on 2c and DOWN on 2c + 1.</param>
/// <param name="Initial">Value of each signal channel at step 0 (the encoder's starting reference).</param>
public sealed record DeltaEncoded(SpikeRaster Raster, float[] Initial);

/// <summary>
/// Delta (send-on-delta / threshold-crossing) coding of continuous signals, as in the
/// asynchronous delta modulators of neuromorphic front ends (e.g. Corradi &amp; Indiveri 2015, IEEE
/// TBioCAS 9, 699): each signal channel keeps a reference r, starting at the first sample; whenever
/// x(t) − r ≥ θ it emits UP events and raises r by θ per event, whenever r − x(t) ≥ θ it emits DOWN
/// events and lowers r by θ. Afterwards |x(t) − r(t)| &lt; θ, so
/// r(t) = x(0) + θ·(UPs − DOWNs up to t) reconstructs the signal within θ at every step.
/// </summary>
/// <remarks>
/// A change of k·θ within one step emits k events at that step (the channel repeats in the step's
/// list). r is kept as x(0) + θ·(net count) in double precision so it never drifts.
/// </remarks>
/// <param name="Threshold">θ, in the signal's units (&gt; 0).</param>
/// <param name="MaxEventsPerStep">Guard against a threshold far too small for the signal.</param>
public sealed record DeltaEncoder(double Threshold, int MaxEventsPerStep = 1 << 16)
{
    /// <summary>
    /// Encodes a row-major (steps × <paramref name="channels"/>) signal sampled every <paramref name="dt"/> seconds.
    /// </summary>
    public DeltaEncoded Encode(ReadOnlySpan<float> signal, int channels, double dt)
    {
        if (!(Threshold > 0) || !double.IsFinite(Threshold)) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "threshold must be finite and > 0");
        if (channels <= 0 || signal.Length % channels != 0)
            throw new ArgumentException($"signal has {signal.Length} values, not a whole number of rows of {channels} channels");
        if (!(dt > 0) || !double.IsFinite(dt)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must be a positive number of seconds");
        int steps = signal.Length / channels;
        var initial = new float[channels];
        var net = new long[channels];
        var offsets = new int[steps + 1];
        var events = new IntBuilder(steps * 2 + 16);
        if (steps > 0) signal[..channels].CopyTo(initial);
        for (int t = 0; t < steps; t++)
        {
            for (int c = 0; c < channels; c++)
            {
                float x = signal[t * channels + c];
                if (!float.IsFinite(x)) throw new ArgumentException($"signal value at step {t}, channel {c} is {x}");
                double d = x - (initial[c] + Threshold * net[c]);
                if (d >= Threshold)
                {
                    long k = (long)Math.Floor(d / Threshold);
                    Guard(k, t, c);
                    events.AddRepeated(2 * c, k);
                    net[c] += k;
                }
                else if (-d >= Threshold)
                {
                    long k = (long)Math.Floor(-d / Threshold);
                    Guard(k, t, c);
                    events.AddRepeated(2 * c + 1, k);
                    net[c] -= k;
                }
            }
            offsets[t + 1] = events.Count;
        }
        return new DeltaEncoded(new SpikeRaster(steps, 2 * channels, dt, offsets, events.ToArray()), initial);
    }

    /// <summary>
    /// The reference r(t) = x(0) + θ·(UPs − DOWNs up to and including step t), row-major
    /// (steps × channels): the signal as a receiver of the events sees it.
    /// </summary>
    public float[] Reconstruct(DeltaEncoded encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var raster = encoded.Raster;
        int channels = encoded.Initial.Length;
        if (raster.Channels != 2 * channels) throw new ArgumentException($"raster has {raster.Channels} channels, expected 2 × {channels}");
        var net = new long[channels];
        var r = new float[raster.Steps * channels];
        for (int t = 0; t < raster.Steps; t++)
        {
            foreach (var e in raster.At(t)) net[e >> 1] += (e & 1) == 0 ? 1 : -1;
            for (int c = 0; c < channels; c++) r[t * channels + c] = (float)(encoded.Initial[c] + Threshold * net[c]);
        }
        return r;
    }

    private void Guard(long k, int t, int c)
    {
        if (k > MaxEventsPerStep)
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, $"step {t}, channel {c} would emit {k} events (> {MaxEventsPerStep}); the threshold is too small for this signal");
    }
}

using MathNet.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace Neuromorph.Data;

/// <summary>A row-major (frames × channels) feature matrix, e.g. MFCCs or a cochleagram.</summary>
/// <param name="Values">Row-major values, Frames × Channels.</param>
/// <param name="Frames">Number of frames (rows).</param>
/// <param name="Channels">Number of channels (columns).</param>
/// <param name="FrameRate">Frames per second, Hz.</param>
public sealed record FeatureMatrix(float[] Values, int Frames, int Channels, double FrameRate)
{
    /// <summary>The features of frame <paramref name="frame"/>.</summary>
    public ReadOnlySpan<float> Row(int frame)
    {
        if ((uint)frame >= (uint)Frames) throw new ArgumentOutOfRangeException(nameof(frame), frame, $"frame must be in [0, {Frames})");
        return Values.AsSpan(frame * Channels, Channels);
    }

    /// <summary>Mean over frames of each channel.</summary>
    public float[] ChannelMeans()
    {
        var m = new float[Channels];
        for (int t = 0; t < Frames; t++)
            for (int c = 0; c < Channels; c++) m[c] += Values[t * Channels + c];
        if (Frames > 0) for (int c = 0; c < Channels; c++) m[c] /= Frames;
        return m;
    }
}

/// <summary>Perceptual frequency scales.</summary>
public static class AuditoryScales
{
    /// <summary>
    /// HTK mel scale: Mel(f) = 1127·ln(1 + f/700) = 2595·log₁₀(1 + f/700) (Young et al., "The HTK
    /// Book", §5.4; O'Shaughnessy 1987, "Speech Communication", p. 150).
    /// </summary>
    public static double HzToMel(double hz) => 1127.0 * Math.Log(1.0 + hz / 700.0);

    /// <summary>Inverse of <see cref="HzToMel"/>: f = 700·(exp(m/1127) − 1).</summary>
    public static double MelToHz(double mel) => 700.0 * (Math.Exp(mel / 1127.0) - 1.0);

    /// <summary>
    /// Equivalent rectangular bandwidth of the auditory filter at <paramref name="hz"/>:
    /// ERB(f) = 24.7·(4.37·f/1000 + 1) Hz (Glasberg &amp; Moore 1990, "Derivation of auditory filter
    /// shapes from notched-noise data", Hear. Res. 47, 103, eq. 3).
    /// </summary>
    public static double Erb(double hz) => 24.7 * (4.37e-3 * hz + 1.0);

    /// <summary>ERB-rate (number of ERBs below f): E(f) = 21.4·log₁₀(4.37·f/1000 + 1) (Glasberg &amp; Moore 1990, eq. 4).</summary>
    public static double HzToErbRate(double hz) => 21.4 * Math.Log10(4.37e-3 * hz + 1.0);

    /// <summary>Inverse of <see cref="HzToErbRate"/>: f = (10^(E/21.4) − 1)/0.00437.</summary>
    public static double ErbRateToHz(double erbRate) => (Math.Pow(10.0, erbRate / 21.4) - 1.0) / 4.37e-3;
}

/// <summary>Options of <see cref="Mfcc"/>. Times in seconds, frequencies in hertz.</summary>
/// <param name="FrameLength">Analysis window length (default 25 ms).</param>
/// <param name="FrameHop">Hop between frame starts (default 10 ms).</param>
/// <param name="PreEmphasis">Pre-emphasis coefficient k in y[n] = x[n] − k·x[n−1] (HTK PREEMCOEF, default 0.97).</param>
/// <param name="FilterCount">Number of triangular mel filters M (HTK NUMCHANS, default 26).</param>
/// <param name="CoefficientCount">Cepstral coefficients C kept, c₀ … c_{C−1} (default 13).</param>
/// <param name="LowFrequency">Lower edge of the filterbank (default 0 Hz).</param>
/// <param name="HighFrequency">Upper edge of the filterbank; 0 means the Nyquist frequency.</param>
/// <param name="Lifter">Cepstral liftering L (HTK CEPLIFTER); 0 = none.</param>
/// <param name="Deltas">Append Δ coefficients (HTK regression formula).</param>
/// <param name="DeltaDeltas">Append ΔΔ coefficients (requires <paramref name="Deltas"/>).</param>
/// <param name="DeltaWindow">Regression half-window Θ for the deltas (HTK DELTAWINDOW, default 2).</param>
public sealed record MfccOptions(
    double FrameLength = 0.025, double FrameHop = 0.010, double PreEmphasis = 0.97,
    int FilterCount = 26, int CoefficientCount = 13, double LowFrequency = 0, double HighFrequency = 0,
    int Lifter = 0, bool Deltas = false, bool DeltaDeltas = false, int DeltaWindow = 2)
{
    /// <summary>Checks the options against a sample rate.</summary>
    public void Validate(int sampleRate)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "sample rate must be positive");
        if (!(FrameLength > 0) || FrameLength * sampleRate < 2) throw new ArgumentOutOfRangeException(nameof(FrameLength), FrameLength, "frame length must span at least 2 samples");
        if (!(FrameHop > 0) || FrameHop * sampleRate < 1) throw new ArgumentOutOfRangeException(nameof(FrameHop), FrameHop, "frame hop must span at least 1 sample");
        if (!(PreEmphasis >= 0 && PreEmphasis < 1)) throw new ArgumentOutOfRangeException(nameof(PreEmphasis), PreEmphasis, "pre-emphasis must be in [0, 1)");
        if (FilterCount < 2) throw new ArgumentOutOfRangeException(nameof(FilterCount), FilterCount, "need at least 2 mel filters");
        if (CoefficientCount < 1 || CoefficientCount > FilterCount) throw new ArgumentOutOfRangeException(nameof(CoefficientCount), CoefficientCount, $"coefficient count must be in [1, {FilterCount}] (the number of filters)");
        double hi = HighFrequency > 0 ? HighFrequency : sampleRate / 2.0;
        if (!(LowFrequency >= 0) || !(hi > LowFrequency) || hi > sampleRate / 2.0)
            throw new ArgumentOutOfRangeException(nameof(HighFrequency), HighFrequency, $"need 0 ≤ low ({LowFrequency} Hz) < high ({hi} Hz) ≤ Nyquist ({sampleRate / 2.0} Hz)");
        if (Lifter < 0) throw new ArgumentOutOfRangeException(nameof(Lifter), Lifter, "lifter must be ≥ 0");
        if (DeltaDeltas && !Deltas) throw new ArgumentException("delta-deltas require deltas", nameof(DeltaDeltas));
        if (DeltaWindow < 1) throw new ArgumentOutOfRangeException(nameof(DeltaWindow), DeltaWindow, "delta window must be ≥ 1");
    }
}

/// <summary>
/// Mel-frequency cepstral coefficients (Davis &amp; Mermelstein 1980, IEEE Trans. ASSP 28, 357), computed
/// as in HTK (Young et al., "The HTK Book", ch. 5): per frame of L samples starting every H samples,
/// <list type="number">
/// <item>pre-emphasis y[n] = x[n] − k·x[n−1] (applied to the whole signal, y[0] = x[0]);</item>
/// <item>Hamming window w[n] = 0.54 − 0.46·cos(2πn/(L−1));</item>
/// <item>power spectrum P[k] = |X[k]|², X the N-point FFT (N = next power of two ≥ L, zero-padded);</item>
/// <item>M triangular filters with centres equally spaced on the mel scale Mel(f) = 1127·ln(1 + f/700)
///   between the low and high edges; each weight is linear in mel between neighbouring centres (HTK);</item>
/// <item>log energies mⱼ = ln(max(Σₖ wⱼ[k]·P[k], 10⁻¹⁰));</item>
/// <item>DCT-II cᵢ = √(2/M)·Σⱼ₌₁..M mⱼ·cos(π·i·(j − ½)/M), i = 0 … C−1;</item>
/// <item>optional liftering cᵢ ← (1 + (L/2)·sin(π·i/L))·cᵢ;</item>
/// <item>optional deltas dₜ = Σθ₌₁..Θ θ·(cₜ₊θ − cₜ₋θ) / (2·Σθ²), frames beyond the ends replicated (HTK eq. 5.16).</item>
/// </list>
/// Frames: ⌊(n − L)/H⌋ + 1 for a signal of n ≥ L samples; a shorter signal is zero-padded to one frame.
/// </summary>
public static class Mfcc
{
    /// <summary>Computes the MFCC matrix (frames × C, or 2C/3C with deltas) of a mono signal.</summary>
    public static FeatureMatrix Compute(ReadOnlySpan<float> signal, int sampleRate, MfccOptions? options = null)
    {
        var o = options ?? new MfccOptions();
        var logMel = LogMelSpectrum(signal, sampleRate, o);
        int m = o.FilterCount, c = o.CoefficientCount, frames = logMel.Frames;
        var dct = DctMatrix(c, m);
        var lift = new double[c];
        for (int i = 0; i < c; i++) lift[i] = o.Lifter > 0 ? 1.0 + o.Lifter / 2.0 * Math.Sin(Math.PI * i / o.Lifter) : 1.0;
        var cep = new float[frames * c];
        for (int t = 0; t < frames; t++)
        {
            var row = logMel.Values.AsSpan(t * m, m);
            for (int i = 0; i < c; i++)
            {
                double s = 0;
                for (int j = 0; j < m; j++) s += dct[i * m + j] * row[j];
                cep[t * c + i] = (float)(lift[i] * s);
            }
        }
        var result = new FeatureMatrix(cep, frames, c, logMel.FrameRate);
        if (!o.Deltas) return result;
        var d = Deltas(result, o.DeltaWindow);
        var blocks = o.DeltaDeltas ? new[] { result, d, Deltas(d, o.DeltaWindow) } : new[] { result, d };
        return Concatenate(blocks);
    }

    /// <summary>
    /// The log mel filterbank energies (frames × M), steps 1–5 of <see cref="Mfcc"/>: useful as
    /// features on their own and to check where a signal's energy lies.
    /// </summary>
    public static FeatureMatrix LogMelSpectrum(ReadOnlySpan<float> signal, int sampleRate, MfccOptions? options = null)
    {
        var o = options ?? new MfccOptions();
        o.Validate(sampleRate);
        int len = (int)Math.Round(o.FrameLength * sampleRate), hop = (int)Math.Round(o.FrameHop * sampleRate);
        int nfft = 1;
        while (nfft < len) nfft <<= 1;
        int bins = nfft / 2 + 1, m = o.FilterCount;
        int frames = signal.Length <= len ? 1 : (signal.Length - len) / hop + 1;
        var (first, weights) = Filterbank(sampleRate, nfft, o);
        var window = new double[len];
        for (int n = 0; n < len; n++) window[n] = 0.54 - 0.46 * Math.Cos(2 * Math.PI * n / (len - 1));
        var buf = new Complex32[nfft];
        var power = new double[bins];
        var output = new float[frames * m];
        float k = (float)o.PreEmphasis;
        for (int t = 0; t < frames; t++)
        {
            int start = t * hop;
            for (int n = 0; n < nfft; n++)
            {
                int i = start + n;
                float v = 0;
                if (n < len && i < signal.Length)
                {
                    float prev = i > 0 ? signal[i - 1] : 0f;
                    v = (float)((signal[i] - k * prev) * window[n]);
                }
                buf[n] = new Complex32(v, 0f);
            }
            Fourier.Forward(buf, FourierOptions.NoScaling);
            for (int b = 0; b < bins; b++) power[b] = (double)buf[b].Real * buf[b].Real + (double)buf[b].Imaginary * buf[b].Imaginary;
            for (int j = 0; j < m; j++)
            {
                double e = 0;
                var w = weights[j];
                for (int b = 0; b < w.Length; b++) e += w[b] * power[first[j] + b];
                output[t * m + j] = (float)Math.Log(Math.Max(e, 1e-10));
            }
        }
        return new FeatureMatrix(output, frames, m, (double)sampleRate / hop);
    }

    /// <summary>Centre frequencies (Hz) of the mel filters for <paramref name="sampleRate"/> and <paramref name="options"/>.</summary>
    public static double[] FilterCentres(int sampleRate, MfccOptions? options = null)
    {
        var o = options ?? new MfccOptions();
        o.Validate(sampleRate);
        var (lo, hi) = (AuditoryScales.HzToMel(o.LowFrequency), AuditoryScales.HzToMel(o.HighFrequency > 0 ? o.HighFrequency : sampleRate / 2.0));
        var c = new double[o.FilterCount];
        for (int j = 0; j < c.Length; j++) c[j] = AuditoryScales.MelToHz(lo + (hi - lo) * (j + 1) / (o.FilterCount + 1));
        return c;
    }

    /// <summary>
    /// HTK delta regression: dₜ = Σθ₌₁..Θ θ·(cₜ₊θ − cₜ₋θ) / (2·Σθ₌₁..Θ θ²), with frames beyond either end
    /// replaced by the first or last frame.
    /// </summary>
    public static FeatureMatrix Deltas(FeatureMatrix features, int window = 2)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "window must be ≥ 1");
        int f = features.Frames, c = features.Channels;
        double norm = 0;
        for (int th = 1; th <= window; th++) norm += th * th;
        norm *= 2;
        var d = new float[f * c];
        for (int t = 0; t < f; t++)
            for (int i = 0; i < c; i++)
            {
                double s = 0;
                for (int th = 1; th <= window; th++)
                {
                    int a = Math.Min(f - 1, t + th), b = Math.Max(0, t - th);
                    s += th * (features.Values[a * c + i] - features.Values[b * c + i]);
                }
                d[t * c + i] = (float)(s / norm);
            }
        return new FeatureMatrix(d, f, c, features.FrameRate);
    }

    private static FeatureMatrix Concatenate(FeatureMatrix[] blocks)
    {
        int f = blocks[0].Frames, total = blocks.Sum(b => b.Channels);
        var v = new float[f * total];
        for (int t = 0; t < f; t++)
        {
            int col = 0;
            foreach (var b in blocks)
            {
                b.Values.AsSpan(t * b.Channels, b.Channels).CopyTo(v.AsSpan(t * total + col));
                col += b.Channels;
            }
        }
        return new FeatureMatrix(v, f, total, blocks[0].FrameRate);
    }

    private static double[] DctMatrix(int c, int m)
    {
        var d = new double[c * m];
        double s = Math.Sqrt(2.0 / m);
        for (int i = 0; i < c; i++)
            for (int j = 0; j < m; j++) d[i * m + j] = s * Math.Cos(Math.PI * i * (j + 0.5) / m);
        return d;
    }

    /// <summary>Sparse triangular weights: filter j covers FFT bins first[j] … first[j] + weights[j].Length − 1.</summary>
    private static (int[] First, double[][] Weights) Filterbank(int sampleRate, int nfft, MfccOptions o)
    {
        int m = o.FilterCount, bins = nfft / 2 + 1;
        double lo = AuditoryScales.HzToMel(o.LowFrequency), hi = AuditoryScales.HzToMel(o.HighFrequency > 0 ? o.HighFrequency : sampleRate / 2.0);
        var edges = new double[m + 2];
        for (int j = 0; j < edges.Length; j++) edges[j] = lo + (hi - lo) * j / (m + 1);
        var first = new int[m];
        var weights = new double[m][];
        for (int j = 0; j < m; j++)
        {
            double left = edges[j], centre = edges[j + 1], right = edges[j + 2];
            var w = new List<double>();
            int start = -1;
            for (int b = 0; b < bins; b++)
            {
                double mel = AuditoryScales.HzToMel((double)b * sampleRate / nfft);
                double v = mel <= left || mel >= right ? 0 : mel <= centre ? (mel - left) / (centre - left) : (right - mel) / (right - centre);
                if (v > 0) { if (start < 0) start = b; w.Add(v); }
                else if (start >= 0) break;
            }
            if (start < 0)
                throw new ArgumentException($"mel filter {j} ({AuditoryScales.MelToHz(centre):F1} Hz) covers no FFT bin at N = {nfft}; use fewer filters or longer frames");
            first[j] = start;
            weights[j] = w.ToArray();
        }
        return (first, weights);
    }
}

/// <summary>Computes a feature matrix from one mono signal (e.g. a lambda over <see cref="Mfcc.Compute"/>).</summary>
public delegate FeatureMatrix FeatureExtractor(ReadOnlySpan<float> signal);

/// <summary>Feature extraction over a whole set of recordings.</summary>
public static class FeatureSequences
{
    /// <summary>
    /// Applies <paramref name="extractor"/> to every recording of <paramref name="audio"/> (one value
    /// per frame, as in <see cref="FsddSplit.Audio"/>), in parallel, and returns the feature frames as
    /// a <see cref="SequenceSet"/> with the same labels and order. All outputs must have the same
    /// channel count. The result does not depend on the thread count.
    /// </summary>
    public static SequenceSet Extract(SequenceSet audio, FeatureExtractor extractor)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(extractor);
        if (audio.FeatureCount != 1) throw new ArgumentException($"audio must have one value per frame, has {audio.FeatureCount}", nameof(audio));
        var parts = new FeatureMatrix[audio.Count];
        Parallel.For(0, audio.Count, i => parts[i] = extractor(audio.Sequence(i)));
        if (parts.Length == 0) return new SequenceSet([], [0], [], 1, audio.ClassCount);
        int channels = parts[0].Channels;
        var offsets = new int[parts.Length + 1];
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].Channels != channels) throw new InvalidOperationException($"recording {i} gave {parts[i].Channels} channels, recording 0 gave {channels}");
            offsets[i + 1] = checked(offsets[i] + parts[i].Frames);
        }
        var frames = new float[checked(offsets[^1] * channels)];
        for (int i = 0; i < parts.Length; i++) parts[i].Values.AsSpan(0, parts[i].Frames * channels).CopyTo(frames.AsSpan(offsets[i] * channels));
        return new SequenceSet(frames, offsets, (int[])audio.Labels.Clone(), channels, audio.ClassCount);
    }
}

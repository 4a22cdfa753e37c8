namespace Neuromorph.Data;

/// <summary>Amplitude compression applied to a cochleagram's frame averages.</summary>
public enum CochleagramCompression
{
    /// <summary>v^(1/3), the cube-root loudness law (Stevens 1957; as in Hermansky 1990's PLP).</summary>
    CubeRoot,

    /// <summary>ln(max(v, floor)).</summary>
    Log,

    /// <summary>No compression: the mean half-wave rectified filter output.</summary>
    None,
}

/// <summary>Options of <see cref="Cochleagram"/>. Frequencies in hertz, times in seconds.</summary>
/// <param name="Channels">Number of gammatone filters.</param>
/// <param name="LowFrequency">Centre frequency of the lowest filter.</param>
/// <param name="HighFrequency">Centre frequency of the highest filter; 0 means 0.9 × Nyquist.</param>
/// <param name="FrameHop">Frame hop = averaging window (default 10 ms).</param>
/// <param name="Compression">Compression of the frame averages.</param>
/// <param name="Order">Gammatone order γ (default 4, Patterson et al. 1992).</param>
/// <param name="LogFloor">Floor inside the logarithm for <see cref="CochleagramCompression.Log"/>.</param>
public sealed record CochleagramOptions(
    int Channels = 64, double LowFrequency = 50, double HighFrequency = 0, double FrameHop = 0.010,
    CochleagramCompression Compression = CochleagramCompression.CubeRoot, int Order = 4, double LogFloor = 1e-10)
{
    /// <summary>Checks the options against a sample rate.</summary>
    public void Validate(int sampleRate)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "sample rate must be positive");
        if (Channels < 1) throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "need at least one channel");
        double hi = HighFrequency > 0 ? HighFrequency : 0.45 * sampleRate;
        if (!(LowFrequency > 0) || !(hi >= LowFrequency) || hi >= sampleRate / 2.0)
            throw new ArgumentOutOfRangeException(nameof(HighFrequency), HighFrequency, $"need 0 < low ({LowFrequency} Hz) ≤ high ({hi} Hz) < Nyquist ({sampleRate / 2.0} Hz)");
        if (Channels > 1 && hi == LowFrequency) throw new ArgumentOutOfRangeException(nameof(HighFrequency), HighFrequency, "several channels need high > low");
        if (!(FrameHop > 0) || FrameHop * sampleRate < 1) throw new ArgumentOutOfRangeException(nameof(FrameHop), FrameHop, "frame hop must span at least one sample");
        if (Order is < 1 or > 12) throw new ArgumentOutOfRangeException(nameof(Order), Order, "gammatone order must be in [1, 12]");
        if (!Enum.IsDefined(Compression)) throw new ArgumentOutOfRangeException(nameof(Compression), Compression, "unknown compression");
        if (!(LogFloor > 0)) throw new ArgumentOutOfRangeException(nameof(LogFloor), LogFloor, "log floor must be > 0");
    }
}

/// <summary>
/// A cochleagram: the output of a gammatone auditory filterbank, half-wave rectified, averaged over
/// frames and compressed — a (frames × channels) "auditory spectrogram".
/// </summary>
/// <remarks>
/// <para><b>Centre frequencies</b> are equally spaced on the ERB-rate scale
/// E(f) = 21.4·log₁₀(4.37·f/1000 + 1) between the low and high frequencies (Glasberg &amp; Moore 1990,
/// Hear. Res. 47, 103, eq. 4), ascending with channel index.</para>
/// <para><b>Filters.</b> The γ-th order gammatone g(t) = t^(γ−1)·e^(−2πbt)·cos(2πf_c t) (Patterson,
/// Robinson, Holdsworth, McKeown, Zhang &amp; Allerhand 1992) is realised as in Hohmann 2002
/// ("Frequency analysis and synthesis using a Gammatone filterbank", Acta Acust. 88, 433, §2): γ
/// cascaded complex one-pole filters y[n] = x[n] + ã·y[n−1] with ã = λ·e^(i·2πf_c/f_s),
/// λ = e^(−2πb/f_s), and a gain 2·(1 − λ)^γ so the response at f_c is unity. The bandwidth
/// parameter is b = ERB(f_c)/a_γ with ERB(f) = 24.7·(4.37·f/1000 + 1) (Glasberg &amp; Moore 1990, eq. 3)
/// and a_γ = π·(2γ−2)!·2^(−(2γ−2)) / ((γ−1)!)² (Hohmann 2002, eq. 14), i.e. b ≈ 1.019·ERB for γ = 4.
/// The real part of the complex output is the gammatone-filtered signal.</para>
/// <para><b>Envelope.</b> Each output is half-wave rectified, max(Re y, 0) (the inner-hair-cell
/// rectification of Lyon 1982 / Slaney 1993), averaged over consecutive non-overlapping frames of
/// H = hop·f_s samples (a trailing partial frame is dropped; a signal shorter than H gives one
/// frame), and then compressed (cube root by default). For a unit-amplitude tone at f_c the
/// uncompressed value is 1/π.</para>
/// </remarks>
public static class Cochleagram
{
    /// <summary>Computes the cochleagram (frames × channels) of a mono signal.</summary>
    public static FeatureMatrix Compute(ReadOnlySpan<float> signal, int sampleRate, CochleagramOptions? options = null)
    {
        var o = options ?? new CochleagramOptions();
        o.Validate(sampleRate);
        var fc = CentreFrequencies(sampleRate, o);
        int ch = fc.Length, hop = (int)Math.Round(o.FrameHop * sampleRate);
        int frames = Math.Max(1, signal.Length / hop);
        int used = Math.Min(signal.Length, frames * hop);
        var output = new float[frames * ch];
        double aGamma = Math.PI * Factorial(2 * o.Order - 2) * Math.Pow(2, -(2 * o.Order - 2)) / (Factorial(o.Order - 1) * Factorial(o.Order - 1));
        Span<double> re = stackalloc double[o.Order];
        Span<double> im = stackalloc double[o.Order];
        for (int c = 0; c < ch; c++)
        {
            double b = AuditoryScales.Erb(fc[c]) / aGamma;
            double lambda = Math.Exp(-2 * Math.PI * b / sampleRate);
            double theta = 2 * Math.PI * fc[c] / sampleRate;
            double ar = lambda * Math.Cos(theta), ai = lambda * Math.Sin(theta);
            double gain = 2 * Math.Pow(1 - lambda, o.Order);
            re.Clear(); im.Clear();
            double acc = 0;
            int frame = 0, inFrame = 0;
            for (int n = 0; n < used; n++)
            {
                double xr = gain * signal[n], xi = 0;
                for (int s = 0; s < o.Order; s++)
                {
                    double yr = xr + ar * re[s] - ai * im[s];
                    double yi = xi + ar * im[s] + ai * re[s];
                    re[s] = yr; im[s] = yi;
                    xr = yr; xi = yi;
                }
                if (xr > 0) acc += xr;
                if (++inFrame == hop)
                {
                    output[frame * ch + c] = (float)(acc / hop);
                    frame++; inFrame = 0; acc = 0;
                }
            }
            if (frame < frames) output[frame * ch + c] = inFrame > 0 ? (float)(acc / inFrame) : 0f;
        }
        Compress(output, o);
        return new FeatureMatrix(output, frames, ch, (double)sampleRate / hop);
    }

    /// <summary>Centre frequencies (Hz, ascending) equally spaced on the ERB-rate scale.</summary>
    public static double[] CentreFrequencies(int sampleRate, CochleagramOptions? options = null)
    {
        var o = options ?? new CochleagramOptions();
        o.Validate(sampleRate);
        double hi = o.HighFrequency > 0 ? o.HighFrequency : 0.45 * sampleRate;
        double elo = AuditoryScales.HzToErbRate(o.LowFrequency), ehi = AuditoryScales.HzToErbRate(hi);
        var f = new double[o.Channels];
        for (int c = 0; c < f.Length; c++)
            f[c] = o.Channels == 1 ? o.LowFrequency : AuditoryScales.ErbRateToHz(elo + (ehi - elo) * c / (o.Channels - 1));
        return f;
    }

    private static void Compress(float[] v, CochleagramOptions o)
    {
        switch (o.Compression)
        {
            case CochleagramCompression.CubeRoot:
                for (int i = 0; i < v.Length; i++) v[i] = MathF.Cbrt(v[i]);
                break;
            case CochleagramCompression.Log:
                for (int i = 0; i < v.Length; i++) v[i] = (float)Math.Log(Math.Max(v[i], o.LogFloor));
                break;
        }
    }

    private static double Factorial(int n)
    {
        double f = 1;
        for (int i = 2; i <= n; i++) f *= i;
        return f;
    }
}

using Neuromorph.Numerics;

namespace Neuromorph.Devices;

/// <summary>
/// Parameters of the phase-change memory model: accumulative SET pulses with the exponential-step
/// law fitted by Nandakumar et al. 2020 (Front. Neurosci. 14:406, as aihwkit's PCMPresetDevice),
/// abrupt RESET, and the inference statistics of Nandakumar et al. 2019 (ICECS) / Joshi et al. 2020
/// (Nat. Commun. 11:2473) as aihwkit's PCMLikeNoiseModel documents them: programming noise,
/// state-dependent drift and 1/f read noise growing with log time.
/// </summary>
/// <param name="GMax">Largest reliably programmed conductance g_max (S); 25 µS in Joshi 2020.</param>
/// <param name="SetStep">Δw_min of the SET law in units where w = 2G/g_max ∈ [0, 2].</param>
/// <param name="SetStepDtod">Device-to-device relative spread of the SET step.</param>
/// <param name="SetNoise">Cycle-to-cycle relative spread of each SET step.</param>
/// <param name="SetA">A↑ of the step law s(w) = Δw_min·max(1 − A↑e^(γz), 0), z = −w.</param>
/// <param name="SetGamma">γ↑ of the step law.</param>
/// <param name="SaturationDtod">Device-to-device relative spread of the saturation state w_max = 2.</param>
/// <param name="ResetLevel">Mean RESET state in w units (0.01 ⇒ 0.125 µS for 25 µS).</param>
/// <param name="ResetStd">Spread of the RESET state in w units.</param>
/// <param name="DriftT0">t_c (s): time after programming at which drift starts to be counted (20 s in aihwkit).</param>
/// <param name="ReadPulse">t_read (s): width of the read pulse (250 ns).</param>
public readonly record struct PcmParams(
    double GMax = 25e-6, double SetStep = 0.01, double SetStepDtod = 0.2, double SetNoise = 0.6,
    double SetA = -27.235, double SetGamma = 2.5, double SaturationDtod = 0.1,
    double ResetLevel = 0.01, double ResetStd = 0.02, double DriftT0 = 20, double ReadPulse = 250e-9)
{
    /// <summary>Throws with the parameter's name when a value is not physical.</summary>
    public void Validate()
    {
        DeviceGuard.Positive(GMax, nameof(GMax));
        DeviceGuard.Positive(SetStep, nameof(SetStep));
        DeviceGuard.NonNegative(SetStepDtod, nameof(SetStepDtod));
        DeviceGuard.NonNegative(SetNoise, nameof(SetNoise));
        DeviceGuard.Finite(SetA, nameof(SetA));
        DeviceGuard.Finite(SetGamma, nameof(SetGamma));
        DeviceGuard.NonNegative(SaturationDtod, nameof(SaturationDtod));
        DeviceGuard.InRange(ResetLevel, 0, 2, nameof(ResetLevel));
        DeviceGuard.NonNegative(ResetStd, nameof(ResetStd));
        DeviceGuard.Positive(DriftT0, nameof(DriftT0));
        DeviceGuard.Positive(ReadPulse, nameof(ReadPulse));
    }
}

/// <summary>PCM presets.</summary>
public static class PcmPresets
{
    /// <summary>
    /// Ge2Sb2Te5 mushroom cells of IBM's 1-million-device array: g_max = 25 µS (Joshi et al. 2020,
    /// Nat. Commun. 11:2473, Fig. 2; aihwkit PCMLikeNoiseModel), SET law of Nandakumar et al. 2020
    /// (Front. Neurosci. 14:406; aihwkit PCMPresetDevice), drift and read noise of
    /// Nandakumar et al. 2019 (ICECS).
    /// </summary>
    public static PcmParams Joshi2020 => new(GMax: 25e-6);
}

/// <summary>The statistical PCM inference model (Nandakumar 2019 / Joshi 2020; aihwkit pcm_inference.rst). ĝ = g_T/g_max ∈ (0, 1].</summary>
public static class PcmStatistics
{
    /// <summary>σ_prog (µS) = max(−1.1731 ĝ² + 1.9650 ĝ + 0.2635, 0).</summary>
    public static double ProgrammingSigmaMicroSiemens(double gHat) => Math.Max(-1.1731 * gHat * gHat + 1.9650 * gHat + 0.2635, 0);

    /// <summary>μ_ν = min(max(−0.0155 ln ĝ + 0.0244, 0.049), 0.1).</summary>
    public static double DriftMean(double gHat) => Math.Min(Math.Max(-0.0155 * Math.Log(gHat) + 0.0244, 0.049), 0.1);

    /// <summary>σ_ν = min(max(−0.0125 ln ĝ − 0.0059, 0.008), 0.045).</summary>
    public static double DriftStd(double gHat) => Math.Min(Math.Max(-0.0125 * Math.Log(gHat) - 0.0059, 0.008), 0.045);

    /// <summary>Q_s = min(0.0088/ĝ^0.65, 0.2).</summary>
    public static double ReadNoiseQs(double gHat) => Math.Min(0.0088 / Math.Pow(gHat, 0.65), 0.2);

    /// <summary>Relative read-noise σ_nG/g_drift at time t: Q_s·√(ln((t + t_read)/(2 t_read))).</summary>
    public static double ReadNoiseRelative(double gHat, double t, double tRead) => ReadNoiseQs(gHat) * Math.Sqrt(Math.Log((t + tRead) / (2 * tRead)));

    /// <summary>
    /// Closed-form mean drift factor E[(t/t_c)^(−ν)] for ν ~ N(μ_ν, σ_ν²) (truncation at ν ≥ 0
    /// neglected): exp(−μL + σ²L²/2), L = ln(t/t_c), and 1 for t ≤ t_c.
    /// </summary>
    public static double MeanDriftFactor(double gHat, double t, double tc)
    {
        if (t <= tc) return 1;
        double l = Math.Log(t / tc), m = DriftMean(gHat), s = DriftStd(gHat);
        return Math.Exp(-m * l + 0.5 * s * s * l * l);
    }
}

/// <summary>
/// An array of PCM devices (state: programmed conductance, S). Positive pulses are accumulative
/// SETs, negative pulses an abrupt RESET; <see cref="Program"/> is iterative write-verify with the
/// programming noise of Joshi 2020; <see cref="Read"/> applies drift
/// G(t) = G(t_c)·(t/t_c)^(−ν) with ν ~ N(μ_ν(ĝ), σ_ν(ĝ)) (one z-score per device) and 1/f read noise.
/// </summary>
public sealed class PcmDeviceArray : IConductanceArray
{
    private static readonly uint CompD2D = Philox.ComponentId("pcm.d2d");
    private static readonly uint CompSet = Philox.ComponentId("pcm.set");
    private static readonly uint CompProg = Philox.ComponentId("pcm.program");
    private static readonly uint CompRead = Philox.ComponentId("pcm.read");
    private readonly float[] _g, _step, _wSat, _zNu, _zReset;
    private readonly uint[] _pulses, _programs;
    private readonly ulong _seed;

    /// <summary>Creates <paramref name="count"/> devices in the RESET state.</summary>
    public PcmDeviceArray(int count, PcmParams p, ulong seed)
    {
        DeviceGuard.Count(count, nameof(count));
        p.Validate();
        Params = p; _seed = seed;
        _g = new float[count]; _step = new float[count]; _wSat = new float[count]; _zNu = new float[count]; _zReset = new float[count];
        _pulses = new uint[count]; _programs = new uint[count];
        DeviceRandom.FillNormal(_step, seed, CompD2D, 0, 0);
        for (int i = 0; i < count; i++) _step[i] = (float)(p.SetStep * Math.Max(0, 1 + p.SetStepDtod * _step[i]));
        DeviceRandom.FillNormal(_wSat, seed, CompD2D, 0, 1);
        for (int i = 0; i < count; i++) _wSat[i] = (float)(2 * Math.Max(0.05, 1 + p.SaturationDtod * _wSat[i]));
        DeviceRandom.FillNormal(_zNu, seed, CompD2D, 0, 2);
        DeviceRandom.FillNormal(_zReset, seed, CompD2D, 0, 3);
        for (int i = 0; i < count; i++) _g[i] = ResetConductance(i);
    }

    /// <summary>The parameters.</summary>
    public PcmParams Params { get; }
    /// <inheritdoc/>
    public int Count => _g.Length;
    /// <inheritdoc/>
    public float Min => 0f;
    /// <inheritdoc/>
    public float Max => (float)Params.GMax;
    /// <inheritdoc/>
    public float NominalStep => (float)(MeanSetStep(Params.SetStep, 1.0) * Params.GMax / 2);
    /// <inheritdoc/>
    public bool GradualDepression => false;
    /// <inheritdoc/>
    public ReadOnlySpan<float> State => _g;

    private float ResetConductance(int i) => (float)(Math.Max(0, Params.ResetLevel + Params.ResetStd * _zReset[i]) * Params.GMax / 2);

    /// <summary>Mean SET step in w units at state w: Δw_min·max(1 − A↑e^(−γ w), 0).</summary>
    public double MeanSetStep(double dwMin, double w) => dwMin * Math.Max(1 - Params.SetA * Math.Exp(-Params.SetGamma * w), 0);

    /// <summary>Drift exponent ν of device i at its present state (state-dependent mean and spread, fixed per-device z-score).</summary>
    public double DriftExponent(int i)
    {
        double gHat = Math.Clamp(_g[i] / Params.GMax, 1e-6, 1);
        return Math.Max(PcmStatistics.DriftMean(gHat) + PcmStatistics.DriftStd(gHat) * _zNu[i], 0);
    }

    /// <inheritdoc/>
    public void ApplyPulses(int device, int pulses)
    {
        if (pulses == 0) return;
        if (pulses < 0) { _g[device] = ResetConductance(device); _pulses[device]++; return; }
        double scale = Params.GMax / 2;
        double w = _g[device] / scale;
        for (int k = 0; k < pulses; k++)
        {
            uint n = _pulses[device]++;
            double s = MeanSetStep(_step[device], w);
            double xi = Params.SetNoise > 0 ? DeviceRandom.Normal(_seed, CompSet, (uint)device, n) : 0;
            w = Math.Clamp(w + s * (1 + Params.SetNoise * xi), 0, _wSat[device]);
        }
        _g[device] = (float)(w * scale);
    }

    /// <inheritdoc/>
    public float ExpectedChange(int device, int pulses)
    {
        if (pulses == 0) return 0f;
        if (pulses < 0) return (float)(Params.ResetLevel * Params.GMax / 2) - _g[device];
        double scale = Params.GMax / 2, w = _g[device] / scale, w0 = w;
        for (int k = 0; k < pulses; k++) w = Math.Min(w + MeanSetStep(_step[device], w), _wSat[device]);
        return (float)((w - w0) * scale);
    }

    /// <summary>Iterative program-and-verify to <paramref name="target"/> (S): g = g_T + N(0, σ_prog(ĝ_T)²), clipped at 0.</summary>
    public void Program(int device, float target)
    {
        double gt = Math.Clamp(target, 0, Params.GMax);
        double sigma = PcmStatistics.ProgrammingSigmaMicroSiemens(gt / Params.GMax) * 1e-6 * (Params.GMax / 25e-6);
        uint k = _programs[device]++;
        _g[device] = (float)Math.Max(0, gt + sigma * DeviceRandom.Normal(_seed, CompProg, (uint)device, k));
    }

    /// <summary>Conductances after drift to time <paramref name="t"/> (s since programming), without read noise.</summary>
    public void Drifted(double t, Span<float> dst)
    {
        DeviceGuard.NonNegative(t, nameof(t));
        if (dst.Length != Count) throw new ArgumentException($"dst has {dst.Length} entries, expected {Count}", nameof(dst));
        double tc = Params.DriftT0;
        double l = t > tc ? Math.Log(t / tc) : 0;
        for (int i = 0; i < dst.Length; i++) dst[i] = (float)(_g[i] * Math.Exp(-DriftExponent(i) * l));
    }

    /// <summary>
    /// One read at time <paramref name="t"/> (s since programming): drifted conductance plus
    /// N(0, (g_drift·Q_s·√(ln((t + t_read)/(2 t_read))))²); <paramref name="readIndex"/> keys the noise draw.
    /// </summary>
    public void Read(double t, Span<float> dst, uint readIndex = 0)
    {
        Drifted(t, dst);
        for (int i = 0; i < dst.Length; i++)
        {
            double gHat = Math.Clamp(_g[i] / Params.GMax, 1e-6, 1);
            double sigma = dst[i] * PcmStatistics.ReadNoiseRelative(gHat, t, Params.ReadPulse);
            dst[i] = (float)(dst[i] + sigma * DeviceRandom.Normal(_seed, CompRead, (uint)i, readIndex));
        }
    }
}

using Neuromorph.Numerics;

namespace Neuromorph.Devices;

/// <summary>
/// Parameters of the NeuroSim nonlinear-update synapse (Chen, Peng &amp; Yu 2018, "NeuroSim: a
/// circuit-level macro model for benchmarking neuro-inspired architectures in online learning",
/// IEEE TCAD 37:3067; MLP+NeuroSim V3.0 manual). After P identical pulses from G_min,
/// G(P) = B(1 − e^(−P/A)) + G_min with B = (G_max − G_min)/(1 − e^(−P_max/A)), so P_max pulses
/// reach G_max exactly. A = a(NL)·P_max, signed like NL: NL &gt; 0 gives a saturating (concave)
/// curve, NL &lt; 0 a convex one; |NL| = 0 is a linear device.
/// </summary>
/// <param name="GMin">Lowest conductance G_min (S).</param>
/// <param name="GMax">Highest conductance G_max (S).</param>
/// <param name="LevelsLtp">Pulses P_max from G_min to G_max (potentiation).</param>
/// <param name="LevelsLtd">Pulses from G_max to G_min (depression).</param>
/// <param name="NlLtp">NeuroSim nonlinearity label of potentiation (−9 … 9).</param>
/// <param name="NlLtd">NeuroSim nonlinearity label of depression (−9 … 9).</param>
/// <param name="CycleToCycle">σ of the cycle-to-cycle variation as a fraction of G_max − G_min, scaled by √(pulses) per write.</param>
/// <param name="NlDtod">σ of the device-to-device spread of the nonlinearity labels.</param>
public readonly record struct NeuroSimParams(double GMin, double GMax, int LevelsLtp, int LevelsLtd, double NlLtp, double NlLtd, double CycleToCycle = 0, double NlDtod = 0)
{
    /// <summary>G_max/G_min.</summary>
    public double OnOffRatio => GMax / GMin;

    /// <summary>Throws with the parameter's name when a value is not physical.</summary>
    public void Validate()
    {
        DeviceGuard.NonNegative(GMin, nameof(GMin));
        DeviceGuard.Less(GMin, GMax, nameof(GMin), nameof(GMax));
        DeviceGuard.Positive(LevelsLtp, nameof(LevelsLtp));
        DeviceGuard.Positive(LevelsLtd, nameof(LevelsLtd));
        DeviceGuard.InRange(NlLtp, -9, 9, nameof(NlLtp));
        DeviceGuard.InRange(NlLtd, -9, 9, nameof(NlLtd));
        DeviceGuard.NonNegative(CycleToCycle, nameof(CycleToCycle));
        DeviceGuard.NonNegative(NlDtod, nameof(NlDtod));
    }

    /// <summary>
    /// The normalised curvature a = A/P_max of a nonlinearity label. NeuroSim tabulates a(NL); the
    /// table is reproduced (to 0.1 %) by the definition max_x[g_a(x) − x] = NL/10.1 with
    /// g_a(x) = (1 − e^(−x/a))/(1 − e^(−1/a)) on x ∈ [0, 1], which is solved here by bisection.
    /// Returns +∞ for NL = 0 (linear).
    /// </summary>
    public static double NormalizedA(double nl)
    {
        double target = Math.Abs(nl) / 10.1;
        if (target == 0) return double.PositiveInfinity;
        if (target >= 1) throw new ArgumentOutOfRangeException(nameof(nl), nl, "|NL| must be < 10.1");
        double lo = Math.Log(1e-4), hi = Math.Log(1e6);
        for (int it = 0; it < 200; it++)
        {
            double mid = 0.5 * (lo + hi), a = Math.Exp(mid);
            if (MaxDeviation(a) > target) lo = mid; else hi = mid;
        }
        return Math.Sign(nl) * Math.Exp(0.5 * (lo + hi));
    }

    private static double MaxDeviation(double a)
    {
        double den = -double.ExpM1(-1 / a);
        double x = -a * Math.Log(a * den);
        x = Math.Clamp(x, 0, 1);
        return -double.ExpM1(-x / a) / den - x;
    }
}

/// <summary>
/// Device presets that NeuroSim tabulates (Chen, Peng &amp; Yu 2018, TCAD, Table of device
/// parameters; MLP+NeuroSim V3.0 manual). The on/off ratio, number of levels, NL labels and
/// cycle-to-cycle σ are the published ones; the absolute scale is NeuroSim's default cell
/// (G_max = 38.462 nS, 26 MΩ) with G_min = G_max/ratio.
/// </summary>
public static class NeuroSimPresets
{
    private const double GMaxDefault = 3.8462e-8;

    // Sources, checked against MLP+NeuroSim V3.0 (github.com/neurosim/MLP_NeuroSim_V3.0, commit cc13863):
    // Cell.cpp RealDevice::RealDevice — maxConductance 3.8462e-8 S and minConductance 3.0769e-9 S (lines 261–262),
    // maxNumLevelLTP/LTD 97/100 (274–275), NL_LTP/NL_LTD 2.4/−4.88 (310–311), sigmaCtoC 0.035·(Gmax − Gmin) (318);
    // documents/NeuroSimV3.0_user_mannual.pdf §9, Table II "The Benchmark Table in NeuroSimV3.0" (pp. 23–24):
    // number of conductance states, nonlinearity (weight increase/decrease), ON/OFF ratio and cycle-to-cycle
    // variation of every analog eNVM row. Table II gives one state count per device (used for LTP and LTD) and
    // no absolute conductances except through Cell.cpp, so G_max = 38.462 nS and G_min = G_max/(ON/OFF) for the rest.

    /// <summary>Ag:a-Si (Jo et al. 2010, Nano Lett. 10:1297): 97/100 levels, NL 2.4/−4.88, 38.462/3.0769 nS (ratio 12.5), C2C 3.5 % — NeuroSim V3.0 Cell.cpp lines 261–318 and manual Table II.</summary>
    public static NeuroSimParams AgASi => new(3.0769e-9, 3.8462e-8, 97, 100, 2.4, -4.88, 0.035);
    /// <summary>TaOx/HfOx (Wu et al. 2018, VLSI Technology): 128 levels, NL 0.04/−0.63, ratio 10, C2C 3.7 % — NeuroSim V3.0 manual Table II.</summary>
    public static NeuroSimParams TaOxHfOx => new(GMaxDefault / 10, GMaxDefault, 128, 128, 0.04, -0.63, 0.037);
    /// <summary>PCMO (Park et al. 2013, IEDM, "Neuromorphic speech systems using advanced ReRAM-based synapse"): 50 levels, NL 3.68/−6.76, ratio 6.84, C2C "&lt;1 %" in Table II (0.5 % used here, an assumption) — NeuroSim V3.0 manual Table II.</summary>
    public static NeuroSimParams Pcmo => new(GMaxDefault / 6.84, GMaxDefault, 50, 50, 3.68, -6.76, 0.005);
    /// <summary>AlOx/HfO2 (Woo et al. 2016, IEEE EDL 37:994): 40 levels, NL 1.94/−0.61, ratio 4.43, C2C 5 % — NeuroSim V3.0 manual Table II.</summary>
    public static NeuroSimParams AlOxHfO2 => new(GMaxDefault / 4.43, GMaxDefault, 40, 40, 1.94, -0.61, 0.05);
    /// <summary>Epitaxial SiGe RAM, EpiRAM (Choi et al. 2018, Nat. Mater. 17:335): 64 levels, NL 0.5/−0.5, ratio 50.2, C2C 2 % — NeuroSim V3.0 manual Table II.</summary>
    public static NeuroSimParams EpiRam => new(GMaxDefault / 50.2, GMaxDefault, 64, 64, 0.5, -0.5, 0.02);
}

/// <summary>
/// An array of NeuroSim nonlinear synapses (state: conductance in siemens). A write of n pulses
/// finds the device's pulse position x = −A ln(1 − (G − G_min)/B) on its curve, moves to x ± n and
/// adds N(0, (σ_c2c(G_max − G_min))² |n|) — the update of NeuroSim's RealDevice::Write.
/// </summary>
public sealed class NeuroSimDeviceArray : IConductanceArray
{
    private static readonly uint CompD2D = Philox.ComponentId("neurosim.d2d");
    private static readonly uint CompC2C = Philox.ComponentId("neurosim.c2c");
    private readonly float[] _g;
    private readonly double[] _aLtp, _aLtd;
    private readonly uint[] _writes;
    private readonly ulong _seed;

    /// <summary>Creates <paramref name="count"/> devices at G_min; the NL labels get device-to-device spread from <paramref name="seed"/>.</summary>
    public NeuroSimDeviceArray(int count, NeuroSimParams p, ulong seed)
    {
        DeviceGuard.Count(count, nameof(count));
        p.Validate();
        Params = p; _seed = seed;
        _g = new float[count]; _aLtp = new double[count]; _aLtd = new double[count]; _writes = new uint[count];
        var z = new float[count];
        DeviceRandom.FillNormal(z, seed, CompD2D, 0, 0);
        for (int i = 0; i < count; i++) _aLtp[i] = NeuroSimParams.NormalizedA(Math.Clamp(p.NlLtp + p.NlDtod * z[i], -9, 9)) * p.LevelsLtp;
        DeviceRandom.FillNormal(z, seed, CompD2D, 0, 1);
        for (int i = 0; i < count; i++) _aLtd[i] = NeuroSimParams.NormalizedA(Math.Clamp(p.NlLtd + p.NlDtod * z[i], -9, 9)) * p.LevelsLtd;
        Array.Fill(_g, (float)p.GMin);
    }

    /// <summary>The parameters.</summary>
    public NeuroSimParams Params { get; }
    /// <inheritdoc/>
    public int Count => _g.Length;
    /// <inheritdoc/>
    public float Min => (float)Params.GMin;
    /// <inheritdoc/>
    public float Max => (float)Params.GMax;
    /// <inheritdoc/>
    public float NominalStep => (float)((Params.GMax - Params.GMin) / Params.LevelsLtp);
    /// <inheritdoc/>
    public bool GradualDepression => true;
    /// <inheritdoc/>
    public ReadOnlySpan<float> State => _g;

    /// <summary>G(x) on the curve with curvature A over P_max pulses: B(1 − e^(−x/A)) + G_min (linear for A = ∞).</summary>
    public double Curve(double x, double a, int pMax)
    {
        double gMin = Params.GMin, range = Params.GMax - gMin;
        if (double.IsInfinity(a)) return gMin + range * x / pMax;
        double b = range / -double.ExpM1(-pMax / a);
        return b * -double.ExpM1(-x / a) + gMin;
    }

    private double Position(double g, double a, int pMax)
    {
        double gMin = Params.GMin, range = Params.GMax - gMin;
        if (double.IsInfinity(a)) return (g - gMin) / range * pMax;
        double b = range / -double.ExpM1(-pMax / a);
        return -a * Math.Log(1 - (g - gMin) / b);
    }

    private double NoiseFree(int i, int pulses)
    {
        bool up = pulses > 0;
        double a = up ? _aLtp[i] : _aLtd[i];
        int pMax = up ? Params.LevelsLtp : Params.LevelsLtd;
        double x = Math.Clamp(Position(_g[i], a, pMax), 0, pMax);
        double g = Curve(Math.Clamp(x + pulses, 0, pMax), a, pMax);
        return Math.Clamp(g, Params.GMin, Params.GMax);
    }

    /// <inheritdoc/>
    public void ApplyPulses(int device, int pulses)
    {
        if (pulses == 0) return;
        double g = NoiseFree(device, pulses);
        if (Params.CycleToCycle > 0)
        {
            uint k = _writes[device]++;
            g += Params.CycleToCycle * (Params.GMax - Params.GMin) * Math.Sqrt(Math.Abs(pulses)) * DeviceRandom.Normal(_seed, CompC2C, (uint)device, k);
        }
        _g[device] = (float)Math.Clamp(g, Params.GMin, Params.GMax);
    }

    /// <inheritdoc/>
    public float ExpectedChange(int device, int pulses) => pulses == 0 ? 0f : (float)(NoiseFree(device, pulses) - _g[device]);

    /// <inheritdoc/>
    public void Program(int device, float target) => _g[device] = (float)Math.Clamp(target, Params.GMin, Params.GMax);
}

using Neuromorph.Numerics;

namespace Neuromorph.Devices;

/// <summary>
/// Thermally activated spin-transfer switching of a magnetic tunnel junction (Néel–Brown with
/// spin-torque-lowered barrier; Koch, Katine &amp; Sun 2004, PRL 92:088302; as used for stochastic
/// MTJ synapses by Vincent et al. 2015, IEEE TBioCAS 9:166): a pulse of current I and width t
/// switches with probability P = 1 − exp(−t/τ), τ = τ₀·exp(Δ(1 − I/I_c)).
/// </summary>
/// <param name="Tau0">Attempt time τ₀ (s).</param>
/// <param name="Delta">Thermal stability Δ = E_b/k_BT.</param>
/// <param name="CriticalCurrent">I_c (A), zero-temperature critical current.</param>
/// <param name="ResistanceParallel">R_P (Ω).</param>
/// <param name="Tmr">Tunnel magnetoresistance (R_AP − R_P)/R_P.</param>
public readonly record struct MtjParams(double Tau0, double Delta, double CriticalCurrent, double ResistanceParallel, double Tmr)
{
    /// <summary>Mean switching time τ = τ₀ exp(Δ(1 − I/I_c)).</summary>
    public double SwitchingTime(double current) => Tau0 * Math.Exp(Delta * (1 - Math.Abs(current) / CriticalCurrent));
    /// <summary>P_sw = 1 − exp(−t/τ).</summary>
    public double SwitchingProbability(double current, double duration) => -double.ExpM1(-duration / SwitchingTime(current));
    /// <summary>G_P = 1/R_P (S).</summary>
    public double ConductanceParallel => 1 / ResistanceParallel;
    /// <summary>G_AP = 1/(R_P(1 + TMR)) (S).</summary>
    public double ConductanceAntiparallel => 1 / (ResistanceParallel * (1 + Tmr));

    /// <summary>Throws with the parameter's name when a value is not physical.</summary>
    public void Validate()
    {
        DeviceGuard.Positive(Tau0, nameof(Tau0));
        DeviceGuard.Positive(Delta, nameof(Delta));
        DeviceGuard.Positive(CriticalCurrent, nameof(CriticalCurrent));
        DeviceGuard.Positive(ResistanceParallel, nameof(ResistanceParallel));
        DeviceGuard.Positive(Tmr, nameof(Tmr));
    }
}

/// <summary>MTJ presets.</summary>
public static class MtjPresets
{
    /// <summary>
    /// Stochastic STT-MTJ synapse of Vincent et al. 2015 (IEEE TBioCAS 9:166, Table I): τ₀ = 1 ns,
    /// Δ = 45, I_c = 200 µA (values of the paper's thermal-activation regime model), R_P = 5 kΩ, TMR = 150 %.
    /// </summary>
    public static MtjParams Vincent2015 => new(1e-9, 45, 200e-6, 5e3, 1.5);

    /// <summary>
    /// Superparamagnetic tunnel junction of Mizrahi et al. 2018 (Nat. Commun. 9:1533, Fig. 1: low
    /// barrier, dwell times of microseconds to milliseconds tuned by current): τ₀ = 1 ns, Δ = 12,
    /// I_c such that tens of µA shift the rates by decades. Representative values.
    /// </summary>
    public static MtjParams SuperparamagneticMizrahi2018 => new(1e-9, 12, 120e-6, 1e3, 1.0);
}

/// <summary>
/// An array of binary stochastic MTJ synapses (state 0 = antiparallel/low conductance,
/// 1 = parallel/high). A positive pulse attempts AP→P, a negative one P→AP, each switching with
/// <see cref="MtjParams.SwitchingProbability"/> for the configured pulse current and width.
/// </summary>
public sealed class MtjArray : IConductanceArray
{
    private static readonly uint CompSwitch = Philox.ComponentId("mtj.switch");
    private readonly float[] _g;
    private readonly uint[] _pulses;
    private readonly ulong _seed;

    /// <summary>Creates <paramref name="count"/> junctions in the AP state, programmed with pulses of <paramref name="pulseCurrent"/> (A) for <paramref name="pulseWidth"/> (s).</summary>
    public MtjArray(int count, MtjParams p, double pulseCurrent, double pulseWidth, ulong seed)
    {
        DeviceGuard.Count(count, nameof(count));
        p.Validate();
        DeviceGuard.Positive(pulseCurrent, nameof(pulseCurrent));
        DeviceGuard.Positive(pulseWidth, nameof(pulseWidth));
        Params = p; _seed = seed; PulseCurrent = pulseCurrent; PulseWidth = pulseWidth;
        _g = new float[count]; _pulses = new uint[count];
        Array.Fill(_g, (float)p.ConductanceAntiparallel);
    }

    /// <summary>The parameters.</summary>
    public MtjParams Params { get; }
    /// <summary>Programming pulse current (A).</summary>
    public double PulseCurrent { get; }
    /// <summary>Programming pulse width (s).</summary>
    public double PulseWidth { get; }
    /// <summary>Switching probability of one programming pulse.</summary>
    public double PulseProbability => Params.SwitchingProbability(PulseCurrent, PulseWidth);
    /// <inheritdoc/>
    public int Count => _g.Length;
    /// <inheritdoc/>
    public float Min => (float)Params.ConductanceAntiparallel;
    /// <inheritdoc/>
    public float Max => (float)Params.ConductanceParallel;
    /// <inheritdoc/>
    public float NominalStep => (float)(PulseProbability * (Params.ConductanceParallel - Params.ConductanceAntiparallel));
    /// <inheritdoc/>
    public bool GradualDepression => true;
    /// <inheritdoc/>
    public ReadOnlySpan<float> State => _g;
    /// <summary>True if junction i is in the parallel (high-conductance) state.</summary>
    public bool IsParallel(int i) => _g[i] > 0.5f * (Min + Max);

    /// <inheritdoc/>
    public void ApplyPulses(int device, int pulses)
    {
        double pr = PulseProbability;
        bool toP = pulses > 0;
        for (int k = 0; k < Math.Abs(pulses); k++)
        {
            if (IsParallel(device) == toP) { _pulses[device]++; continue; }
            float u = DeviceRandom.Uniform(_seed, CompSwitch, (uint)device, _pulses[device]++);
            if (u < pr) _g[device] = toP ? Max : Min;
        }
    }

    /// <inheritdoc/>
    public float ExpectedChange(int device, int pulses)
    {
        if (pulses == 0) return 0f;
        bool toP = pulses > 0;
        if (IsParallel(device) == toP) return 0f;
        double pAny = 1 - Math.Pow(1 - PulseProbability, Math.Abs(pulses));
        return (float)(pAny * (toP ? Max - Min : Min - Max));
    }

    /// <summary>Programs junction i to the binary state nearest <paramref name="target"/> (write-verify).</summary>
    public void Program(int device, float target) => _g[device] = target > 0.5f * (Min + Max) ? Max : Min;
}

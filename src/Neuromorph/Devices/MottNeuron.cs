namespace Neuromorph.Devices;

/// <summary>
/// Mott (NbO2 or VO2) relaxation-oscillator neuron (Pickett, Medeiros-Ribeiro &amp; Williams 2013,
/// "A scalable neuristor built with Mott memristors", Nat. Mater. 12:114; Yi et al. 2018, Nat.
/// Commun. 9:4661): a threshold switch in parallel with a membrane capacitor C, driven by an input
/// current I. Insulating (R_ins) until the voltage reaches V_th, then metallic (R_met) until it falls
/// to V_hold. Between switching events the circuit is linear, C dV/dt = I − V/R, and is integrated
/// exactly: V(t) = IR + (V₀ − IR)e^(−t/RC); switching instants are solved in closed form. A spike is
/// emitted at each insulator→metal transition. Silent when IR_ins ≤ V_th; otherwise the period is
/// T = R_ins C ln((IR_ins − V_hold)/(IR_ins − V_th)) + R_met C ln((V_th − IR_met)/(V_hold − IR_met)).
/// </summary>
/// <param name="RInsulating">R_ins (Ω).</param>
/// <param name="RMetallic">R_met (Ω), with I·R_met &lt; V_hold in the operating range.</param>
/// <param name="VThreshold">V_th (V): insulator→metal switching voltage.</param>
/// <param name="VHold">V_hold (V): metal→insulator voltage (&lt; V_th).</param>
/// <param name="Capacitance">C (F).</param>
public readonly record struct MottNeuronParams(double RInsulating, double RMetallic, double VThreshold, double VHold, double Capacitance)
{
    /// <summary>Firing threshold current V_th/R_ins (A).</summary>
    public double ThresholdCurrent => VThreshold / RInsulating;

    /// <summary>Analytic firing rate at constant current I (Hz); 0 at or below threshold or when the metallic state cannot discharge.</summary>
    public double Rate(double current)
    {
        double vi = current * RInsulating, vm = current * RMetallic;
        if (vi <= VThreshold || vm >= VHold) return 0;
        double tc = RInsulating * Capacitance * Math.Log((vi - VHold) / (vi - VThreshold));
        double td = RMetallic * Capacitance * Math.Log((VThreshold - vm) / (VHold - vm));
        return 1 / (tc + td);
    }

    /// <summary>
    /// Norton equivalent of the usual voltage-driven circuit: a threshold switch (R_ins, R_met, V_th,
    /// V_hold) with capacitance C in parallel, fed by a voltage source V_in through a series load
    /// resistor R_L. Seen from the capacitor this is a current source I = V_in/R_L with R_L in parallel
    /// with the switch, so the neuron's resistances become R_ins∥R_L and R_met∥R_L (drive it with
    /// <see cref="NortonCurrent"/>). Firing needs V_in R_ins/(R_ins + R_L) &gt; V_th, the oscillation
    /// condition of the series circuit.
    /// </summary>
    public static MottNeuronParams WithSeriesLoad(double rInsulating, double rMetallic, double vThreshold, double vHold, double capacitance, double rLoad)
    {
        DeviceGuard.Positive(rLoad, nameof(rLoad));
        return new(Parallel(rInsulating, rLoad), Parallel(rMetallic, rLoad), vThreshold, vHold, capacitance);
    }

    /// <summary>Input current I = V_in/R_L of the Norton equivalent built by <see cref="WithSeriesLoad"/> (A).</summary>
    public static double NortonCurrent(double vIn, double rLoad) => vIn / rLoad;

    private static double Parallel(double a, double b) => a * b / (a + b);

    /// <summary>Throws with the parameter's name when a value is not physical.</summary>
    public void Validate()
    {
        DeviceGuard.Positive(RInsulating, nameof(RInsulating));
        DeviceGuard.Positive(RMetallic, nameof(RMetallic));
        if (!(RMetallic < RInsulating)) throw new ArgumentException($"RMetallic ({RMetallic}) must be < RInsulating ({RInsulating})", nameof(RMetallic));
        DeviceGuard.Positive(VHold, nameof(VHold));
        DeviceGuard.Less(VHold, VThreshold, nameof(VHold), nameof(VThreshold));
        DeviceGuard.Positive(Capacitance, nameof(Capacitance));
    }
}

/// <summary>Mott neuron presets.</summary>
public static class MottNeuronPresets
{
    /// <summary>
    /// NbO2 neuristor channel in the regime of Pickett et al. 2013 (Nat. Mater. 12:114): a Mott
    /// threshold switch with a parallel capacitor that spikes above a threshold current. All five
    /// values are representative (assumed, not taken from the paper's tables): R_ins = 30 kΩ,
    /// R_met = 1 kΩ, V_th = 1.0 V, V_hold = 0.5 V, C = 100 pF (threshold current 33 µA, spikes of ~µs).
    /// </summary>
    public static MottNeuronParams NbO2Pickett2013 => new(30e3, 1e3, 1.0, 0.5, 100e-12);

    /// <summary>Series load resistor R_L = 4 kΩ of the <see cref="Vo2Lateral"/> preset (Ω).</summary>
    public const double Vo2LoadResistance = 4e3;

    /// <summary>
    /// Epitaxial VO2 lateral volatile memristor (Ti/Au electrodes, ~10 nm VO2 on c-Al2O3) in series
    /// with R_L = 4 kΩ, from the VO2 multisensory-neuron preprint of Y. Yang's group (Peking
    /// University; Authorea preprint 558664, "Artificial multisensory integration neuron based on VO2
    /// volatile memristor"). Published: V_th ≈ 1.4 V and on-state resistance ≈ 500 Ω (Conclusion), and
    /// the oscillation frequencies of Fig. 3d–e (R_L = 4 kΩ: 0.45/0.65/0.8/0.9 MHz at V_in =
    /// 4.2/4.8/5.4/6.0 V; V_in = 5 V: 0.9/0.7/0.55/0.35 MHz at R_L = 3.0/3.6/4.2/4.8 kΩ). Fitted here to
    /// those eight points with the closed-form rate (least squares in ln f, rms error 12 %):
    /// R_ins = 2.66 kΩ, V_hold = 1.21 V, C = 2.83 nF (the device's plus the circuit's capacitance). Built
    /// with <see cref="MottNeuronParams.WithSeriesLoad"/>, so drive it with
    /// <see cref="MottNeuronParams.NortonCurrent"/>(V_in, 4 kΩ); it is silent below V_in ≈ 3.5 V.
    /// </summary>
    public static MottNeuronParams Vo2Lateral => MottNeuronParams.WithSeriesLoad(2.66e3, 500, 1.4, 1.21, 2.83e-9, Vo2LoadResistance);
}

/// <summary>An array of Mott relaxation-oscillator neurons (SoA: membrane voltage, metallic flag).</summary>
public sealed class MottNeuronArray
{
    private readonly double[] _v;
    private readonly bool[] _metal;

    /// <summary>Creates <paramref name="count"/> neurons at 0 V, insulating.</summary>
    public MottNeuronArray(int count, MottNeuronParams p)
    {
        DeviceGuard.Count(count, nameof(count));
        p.Validate();
        Params = p;
        _v = new double[count]; _metal = new bool[count];
    }

    /// <summary>The parameters.</summary>
    public MottNeuronParams Params { get; }
    /// <summary>Number of neurons.</summary>
    public int Count => _v.Length;
    /// <summary>Membrane voltages (V).</summary>
    public ReadOnlySpan<double> Voltage => _v;

    /// <summary>
    /// Advances every neuron by <paramref name="dt"/> with input currents (A); writes the number of
    /// spikes each neuron fired during the step into <paramref name="spikes"/>.
    /// </summary>
    public void Step(ReadOnlySpan<double> current, double dt, Span<int> spikes)
    {
        if (current.Length != Count || spikes.Length != Count) throw new ArgumentException($"current and spikes need {Count} entries");
        DeviceGuard.Positive(dt, nameof(dt));
        var p = Params;
        for (int i = 0; i < Count; i++)
        {
            double left = dt, v = _v[i];
            bool metal = _metal[i];
            int n = 0;
            for (int guard = 0; guard < 1_000_000 && left > 0; guard++)
            {
                double r = metal ? p.RMetallic : p.RInsulating;
                double vInf = current[i] * r, tau = r * p.Capacitance;
                double target = metal ? p.VHold : p.VThreshold;
                bool reaches = metal ? vInf < target && v > target : vInf > target && v < target;
                double tHit = reaches ? tau * Math.Log((vInf - v) / (vInf - target)) : double.PositiveInfinity;
                if (tHit > left)
                {
                    v = vInf + (v - vInf) * Math.Exp(-left / tau);
                    left = 0;
                }
                else
                {
                    v = target; left -= tHit;
                    metal = !metal;
                    if (metal) n++;
                }
            }
            _v[i] = v; _metal[i] = metal; spikes[i] = n;
        }
    }
}

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
    /// NbO2 neuristor channel of Pickett et al. 2013 (Nat. Mater. 12:114, Fig. 2: threshold switching
    /// near 1 V, hold ≈ 0.5 V, insulating tens of kΩ, metallic ≈ 1 kΩ, pF-scale capacitor, spikes of
    /// ~µs). Representative circuit values: R_ins = 30 kΩ, R_met = 1 kΩ, V_th = 1.0 V, V_hold = 0.5 V, C = 100 pF.
    /// </summary>
    public static MottNeuronParams NbO2Pickett2013 => new(30e3, 1e3, 1.0, 0.5, 100e-12);
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

namespace Neuromorph.Devices;

/// <summary>
/// Ferroelectric tunnel junction synapse (Boyn et al. 2017, "Learning through ferroelectric domain
/// dynamics in solid-state synapses", Nat. Commun. 8:14736, Eq. 1 and Fig. 2): the conductance is
/// set by the fraction s of switched (ON) domains, G = s·G_ON + (1 − s)·G_OFF (parallel
/// conduction). Switching is nucleation-limited and cumulative: a pulse of voltage V and width t
/// advances s along s(t) = 1 − exp(−(t/τ(V))ⁿ) (Kolmogorov–Avrami–Ishibashi form) with the
/// voltage-dependent Merz law τ(V) = τ∞ exp(V_a/|V|); successive pulses add their widths to the
/// equivalent time t_eq = τ(−ln(1 − s))^(1/n). Negative pulses switch domains back (s → 0) with the
/// same law.
/// </summary>
/// <param name="GOn">Conductance with all domains switched (S).</param>
/// <param name="GOff">Conductance with none switched (S).</param>
/// <param name="TauInfinity">τ∞ of Merz's law (s).</param>
/// <param name="ActivationVoltage">V_a of Merz's law (V).</param>
/// <param name="Exponent">KAI exponent n (domain-growth dimensionality).</param>
public readonly record struct FtjParams(double GOn, double GOff, double TauInfinity, double ActivationVoltage, double Exponent)
{
    /// <summary>Switching time τ(V) = τ∞ exp(V_a/|V|).</summary>
    public double SwitchingTime(double voltage) => TauInfinity * Math.Exp(ActivationVoltage / Math.Abs(voltage));

    /// <summary>Switched fraction after a pulse (V, t) from fraction s.</summary>
    public double Advance(double s, double voltage, double width)
    {
        if (voltage == 0 || width <= 0) return s;
        double tau = SwitchingTime(voltage), n = Exponent;
        double x = voltage > 0 ? s : 1 - s;                      // fraction already switched toward the pulse's direction
        double teq = tau * Math.Pow(-Math.Log(Math.Max(1 - x, 1e-300)), 1 / n);
        double xn = -double.ExpM1(-Math.Pow((teq + width) / tau, n));
        return voltage > 0 ? xn : 1 - xn;
    }

    /// <summary>Throws with the parameter's name when a value is not physical.</summary>
    public void Validate()
    {
        DeviceGuard.Positive(GOff, nameof(GOff));
        DeviceGuard.Less(GOff, GOn, nameof(GOff), nameof(GOn));
        DeviceGuard.Positive(TauInfinity, nameof(TauInfinity));
        DeviceGuard.Positive(ActivationVoltage, nameof(ActivationVoltage));
        DeviceGuard.Positive(Exponent, nameof(Exponent));
    }
}

/// <summary>FTJ presets.</summary>
public static class FtjPresets
{
    /// <summary>
    /// BiFeO3/(Ca,Ce)MnO3 FTJ of Boyn et al. 2017 (Nat. Commun. 8:14736, Figs. 1–2: ON/OFF ≈ 100,
    /// tens-of-ns pulses of 2–3 V give gradual, cumulative, voltage-dependent changes): G_OFF = 10 nS,
    /// G_ON = 1 µS, τ∞ = 1 ps, V_a = 30 V (τ(3 V) ≈ 22 ns, τ(2 V) ≈ 3.3 µs), n = 2. Representative values.
    /// </summary>
    public static FtjParams BiFeO3Boyn2017 => new(1e-6, 1e-8, 1e-12, 30, 2);
}

/// <summary>An array of FTJs programmed with identical pulses (SoA: switched fraction s).</summary>
public sealed class FtjArray : IConductanceArray
{
    private readonly double[] _s;
    private readonly float[] _g;

    /// <summary>Creates <paramref name="count"/> junctions in the OFF state, programmed with pulses of ±<paramref name="pulseVoltage"/> for <paramref name="pulseWidth"/>.</summary>
    public FtjArray(int count, FtjParams p, double pulseVoltage, double pulseWidth)
    {
        DeviceGuard.Count(count, nameof(count));
        p.Validate();
        DeviceGuard.Positive(pulseVoltage, nameof(pulseVoltage));
        DeviceGuard.Positive(pulseWidth, nameof(pulseWidth));
        Params = p; PulseVoltage = pulseVoltage; PulseWidth = pulseWidth;
        _s = new double[count]; _g = new float[count];
        Array.Fill(_g, (float)p.GOff);
    }

    /// <summary>The parameters.</summary>
    public FtjParams Params { get; }
    /// <summary>Programming pulse amplitude (V).</summary>
    public double PulseVoltage { get; }
    /// <summary>Programming pulse width (s).</summary>
    public double PulseWidth { get; }
    /// <summary>Switched fraction of junction i.</summary>
    public double SwitchedFraction(int i) => _s[i];
    /// <inheritdoc/>
    public int Count => _s.Length;
    /// <inheritdoc/>
    public float Min => (float)Params.GOff;
    /// <inheritdoc/>
    public float Max => (float)Params.GOn;
    /// <inheritdoc/>
    public float NominalStep => (float)((Params.Advance(0.5, PulseVoltage, PulseWidth) - 0.5) * (Params.GOn - Params.GOff));
    /// <inheritdoc/>
    public bool GradualDepression => true;
    /// <inheritdoc/>
    public ReadOnlySpan<float> State => _g;

    /// <summary>Applies one pulse of arbitrary voltage and width to junction i.</summary>
    public void ApplyPulse(int device, double voltage, double width)
    {
        _s[device] = Params.Advance(_s[device], voltage, width);
        _g[device] = (float)(_s[device] * Params.GOn + (1 - _s[device]) * Params.GOff);
    }

    /// <inheritdoc/>
    public void ApplyPulses(int device, int pulses)
    {
        for (int k = 0; k < Math.Abs(pulses); k++) ApplyPulse(device, pulses > 0 ? PulseVoltage : -PulseVoltage, PulseWidth);
    }

    /// <inheritdoc/>
    public float ExpectedChange(int device, int pulses)
    {
        double s = _s[device];
        for (int k = 0; k < Math.Abs(pulses); k++) s = Params.Advance(s, pulses > 0 ? PulseVoltage : -PulseVoltage, PulseWidth);
        return (float)((s - _s[device]) * (Params.GOn - Params.GOff));
    }

    /// <inheritdoc/>
    public void Program(int device, float target)
    {
        _s[device] = Math.Clamp((target - Params.GOff) / (Params.GOn - Params.GOff), 0, 1);
        _g[device] = (float)(_s[device] * Params.GOn + (1 - _s[device]) * Params.GOff);
    }
}

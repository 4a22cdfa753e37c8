namespace Neuromorph.Devices;

/// <summary>
/// Resistively and capacitively shunted Josephson junction (RCSJ; Stewart 1968, McCumber 1968), the
/// element of superconducting neurons (Crotty, Schult &amp; Segall 2010, "Josephson junction simulation
/// of neurons", PRE 82:011914): (ħ/2e)C φ̈ + (ħ/2e)(1/R) φ̇ + I_c sin φ = I. Above I_c the phase slips by
/// 2π repeatedly; each slip is a voltage pulse V = (ħ/2e)φ̇ whose area ∫V dt = Φ₀ = h/2e (a fluxon).
/// Integrated in reduced time τ = ω_c t, ω_c = 2eI_cR/ħ, with β_c = ω_c RC:
/// β_c φ'' + φ' + sin φ = I/I_c, by classical RK4. In the overdamped limit (β_c → 0) the slip
/// rate is f = (2e/h) R √(I² − I_c²).
/// </summary>
/// <param name="CriticalCurrent">I_c (A).</param>
/// <param name="Resistance">Shunt resistance R (Ω).</param>
/// <param name="Capacitance">Junction capacitance C (F).</param>
public readonly record struct JosephsonParams(double CriticalCurrent, double Resistance, double Capacitance)
{
    /// <summary>Magnetic flux quantum Φ₀ = h/2e (Wb).</summary>
    public const double FluxQuantum = 6.62607015e-34 / (2 * 1.602176634e-19);
    /// <summary>Characteristic frequency ω_c = 2eI_cR/ħ (rad/s).</summary>
    public double OmegaC => 2 * Math.PI * CriticalCurrent * Resistance / FluxQuantum;
    /// <summary>Stewart–McCumber parameter β_c = ω_c RC.</summary>
    public double BetaC => OmegaC * Resistance * Capacitance;
    /// <summary>Overdamped slip (spike) rate (2e/h)R√(I² − I_c²) (Hz), 0 below I_c.</summary>
    public double OverdampedRate(double current) => Math.Abs(current) <= CriticalCurrent ? 0 : Resistance * Math.Sqrt(current * current - CriticalCurrent * CriticalCurrent) / FluxQuantum;

    /// <summary>Throws with the parameter's name when a value is not physical.</summary>
    public void Validate()
    {
        DeviceGuard.Positive(CriticalCurrent, nameof(CriticalCurrent));
        DeviceGuard.Positive(Resistance, nameof(Resistance));
        DeviceGuard.NonNegative(Capacitance, nameof(Capacitance));
    }
}

/// <summary>Josephson junction presets.</summary>
public static class JosephsonPresets
{
    /// <summary>
    /// Overdamped junction in the range of Crotty et al. 2010 (PRE 82:011914, §II: I_c ≈ 100 µA,
    /// β_c ≲ 1, characteristic frequencies of tens of GHz): I_c = 100 µA, R = 2 Ω, C = 0.1 pF
    /// (β_c ≈ 0.24). Representative values.
    /// </summary>
    public static JosephsonParams Crotty2010 => new(100e-6, 2, 0.1e-12);
}

/// <summary>An array of RCSJ junctions (SoA: phase φ, reduced velocity φ′).</summary>
public sealed class JosephsonArray
{
    private readonly double[] _phi, _dphi, _lastSlip;

    /// <summary>Creates <paramref name="count"/> junctions at rest.</summary>
    public JosephsonArray(int count, JosephsonParams p)
    {
        DeviceGuard.Count(count, nameof(count));
        p.Validate();
        Params = p;
        _phi = new double[count]; _dphi = new double[count]; _lastSlip = new double[count];
    }

    /// <summary>The parameters.</summary>
    public JosephsonParams Params { get; }
    /// <summary>Number of junctions.</summary>
    public int Count => _phi.Length;
    /// <summary>Phase φ of junction i (rad, unwrapped).</summary>
    public double Phase(int i) => _phi[i];
    /// <summary>Junction voltage V = (ħ/2e)φ̇ = (Φ₀/2π)·ω_c·φ′ (V).</summary>
    public double Voltage(int i) => JosephsonParams.FluxQuantum / (2 * Math.PI) * Params.OmegaC * _dphi[i];

    /// <summary>
    /// Advances every junction by <paramref name="dt"/> seconds with bias currents (A) using RK4 in
    /// reduced time; <paramref name="spikes"/> receives the number of 2π slips completed in the step.
    /// dt should resolve the pulse: ω_c·dt ≲ 0.05.
    /// </summary>
    public void Step(ReadOnlySpan<double> current, double dt, Span<int> spikes)
    {
        if (current.Length != Count || spikes.Length != Count) throw new ArgumentException($"current and spikes need {Count} entries");
        DeviceGuard.Positive(dt, nameof(dt));
        double h = dt * Params.OmegaC, beta = Params.BetaC;
        for (int i = 0; i < Count; i++)
        {
            double iN = current[i] / Params.CriticalCurrent;
            double x = _phi[i], y = _dphi[i];
            if (beta < 1e-6)
            {
                // Overdamped: φ' = i − sin φ (first order).
                double k1 = iN - Math.Sin(x), k2 = iN - Math.Sin(x + 0.5 * h * k1), k3 = iN - Math.Sin(x + 0.5 * h * k2), k4 = iN - Math.Sin(x + h * k3);
                x += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
                y = iN - Math.Sin(x);
            }
            else
            {
                double a1 = y, b1 = (iN - y - Math.Sin(x)) / beta;
                double a2 = y + 0.5 * h * b1, b2 = (iN - a2 - Math.Sin(x + 0.5 * h * a1)) / beta;
                double a3 = y + 0.5 * h * b2, b3 = (iN - a3 - Math.Sin(x + 0.5 * h * a2)) / beta;
                double a4 = y + h * b3, b4 = (iN - a4 - Math.Sin(x + h * a3)) / beta;
                x += h / 6 * (a1 + 2 * a2 + 2 * a3 + a4);
                y += h / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
            }
            int n = 0;
            while (x - _lastSlip[i] >= 2 * Math.PI) { _lastSlip[i] += 2 * Math.PI; n++; }
            while (x - _lastSlip[i] <= -2 * Math.PI) { _lastSlip[i] -= 2 * Math.PI; n--; }
            _phi[i] = x; _dphi[i] = y; spikes[i] = n;
        }
    }
}

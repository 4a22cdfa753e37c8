using Neuromorph.Numerics;

namespace Neuromorph.Devices;

/// <summary>
/// Parameters of the universal auto-oscillator model of a spin-torque nano-oscillator (Slavin &amp;
/// Tiberkevich 2009, "Nonlinear auto-oscillator theory of microwave generation by spin-polarized
/// current", IEEE Trans. Magn. 45:1875, Eqs. 1, 12–16, 40):
/// dc/dt = −iω(p)c − Γ₊(p)c + Γ₋(p)c + F e^(−iω_e t) + ξ(t), p = |c|²,
/// Γ₊ = Γ_G(1 + Qp), Γ₋ = σI(1 − p), ω(p) = ω₀ + Np.
/// The power obeys dp/dt = −2[Γ₊(p) − Γ₋(p)]p; above threshold ζ = σI/Γ_G &gt; 1 its stable value
/// is p₀ = (ζ − 1)/(ζ + Q) and small deviations relax at Γ_p = 2Γ_G(ζ − 1).
/// </summary>
/// <param name="Omega0">ω₀, ferromagnetic-resonance angular frequency (rad/s).</param>
/// <param name="GammaG">Γ_G = αω₀, linear Gilbert damping rate (1/s).</param>
/// <param name="Q">Nonlinear damping coefficient Q.</param>
/// <param name="N">Nonlinear frequency shift N (rad/s); ω(p) = ω₀ + Np.</param>
/// <param name="Sigma">Spin-torque efficiency σ (1/(s·A)); threshold current I_th = Γ_G/σ.</param>
/// <param name="ThermalRatio">k_BT/E₀, thermal energy over the oscillator energy scale; the noise ξ has ⟨ξξ*⟩ = 2Γ₊(p)(k_BT/E₀)δ(t − t′) (Slavin–Tiberkevich Eq. 40). 0 = noiseless.</param>
public readonly record struct StnoParams(double Omega0, double GammaG, double Q, double N, double Sigma, double ThermalRatio = 0)
{
    /// <summary>Threshold current I_th = Γ_G/σ (A).</summary>
    public double ThresholdCurrent => GammaG / Sigma;
    /// <summary>Supercriticality ζ = I/I_th.</summary>
    public double Zeta(double current) => Sigma * current / GammaG;
    /// <summary>Stationary power p₀ = (ζ − 1)/(ζ + Q) above threshold, 0 below.</summary>
    public double SteadyPower(double current) { double z = Zeta(current); return z > 1 ? (z - 1) / (z + Q) : 0; }
    /// <summary>Power relaxation rate Γ_p = 2Γ_G(ζ − 1) (1/s).</summary>
    public double PowerRelaxationRate(double current) => 2 * GammaG * (Zeta(current) - 1);
    /// <summary>Generation frequency ω(p₀) = ω₀ + Np₀ (rad/s).</summary>
    public double Frequency(double current) => Omega0 + N * SteadyPower(current);

    /// <summary>Throws with the parameter's name when a value is not physical.</summary>
    public void Validate()
    {
        DeviceGuard.Positive(Omega0, nameof(Omega0));
        DeviceGuard.Positive(GammaG, nameof(GammaG));
        DeviceGuard.NonNegative(Q, nameof(Q));
        DeviceGuard.Finite(N, nameof(N));
        DeviceGuard.Positive(Sigma, nameof(Sigma));
        DeviceGuard.NonNegative(ThermalRatio, nameof(ThermalRatio));
    }
}

/// <summary>STNO presets.</summary>
public static class StnoPresets
{
    /// <summary>
    /// Vortex spin-torque oscillator used for reservoir computing by Torrejon et al. 2017 (Nature
    /// 547:428, Fig. 1: ≈ 300 MHz, threshold a few mA, amplitude relaxation ≈ 100 ns time scale):
    /// ω₀ = 2π·300 MHz, Γ_G = 2π·3 MHz (α_eff ≈ 0.01), Q = 2, N = 2π·50 MHz, I_th = 3 mA.
    /// Representative values reproducing the published frequency, threshold and time scale, not a fit.
    /// </summary>
    public static StnoParams VortexTorrejon2017 => new(2 * Math.PI * 300e6, 2 * Math.PI * 3e6, 2, 2 * Math.PI * 50e6, 2 * Math.PI * 3e6 / 3e-3, 0);

    /// <summary>
    /// In-plane magnetised nanopillar in the parameter ranges of Slavin &amp; Tiberkevich 2009 (§VI:
    /// ω₀/2π ≈ 10 GHz, α ≈ 0.01, Q ≈ 3, |N|/2π of a few GHz, red-shifting): Γ_G = αω₀, N = −2π·5 GHz,
    /// I_th = 1 mA. Representative values.
    /// </summary>
    public static StnoParams NanopillarSlavin2009 => new(2 * Math.PI * 10e9, 0.01 * 2 * Math.PI * 10e9, 3, -2 * Math.PI * 5e9, 0.01 * 2 * Math.PI * 10e9 / 1e-3, 0);
}

/// <summary>
/// An array of spin-torque nano-oscillators (SoA state: Re c, Im c per oscillator), integrated with a
/// split step: the amplitude equation dc/dt = [Γ₋(p) − Γ₊(p)]c + F e^(−iω_e t) by Heun's method
/// (plus Euler–Maruyama thermal noise keyed by (seed, oscillator, step)), then the exact phase
/// rotation c ← c·e^(−iω(p)dt). Each oscillator has its own bias current and can be injection-locked
/// by an external drive.
/// </summary>
public sealed class StnoArray
{
    private static readonly uint CompNoise = Philox.ComponentId("stno.thermal");
    private readonly double[] _re, _im;
    private readonly ulong _seed;
    private ulong _step;

    /// <summary>Creates <paramref name="count"/> oscillators with a small initial amplitude (p = 1e-4, phase 0).</summary>
    public StnoArray(int count, StnoParams p, ulong seed = 0)
    {
        DeviceGuard.Count(count, nameof(count));
        p.Validate();
        Params = p; _seed = seed;
        _re = new double[count]; _im = new double[count];
        Array.Fill(_re, 1e-2);
    }

    /// <summary>The parameters.</summary>
    public StnoParams Params { get; }
    /// <summary>Number of oscillators.</summary>
    public int Count => _re.Length;
    /// <summary>Real parts of c (the oscillating magnetisation component, normalised).</summary>
    public ReadOnlySpan<double> Real => _re;
    /// <summary>Imaginary parts of c.</summary>
    public ReadOnlySpan<double> Imag => _im;
    /// <summary>Power p = |c|² of oscillator i.</summary>
    public double Power(int i) => _re[i] * _re[i] + _im[i] * _im[i];
    /// <summary>Phase arg c of oscillator i (rad).</summary>
    public double Phase(int i) => Math.Atan2(_im[i], _re[i]);
    /// <summary>Sets oscillator i to amplitude √p and phase φ.</summary>
    public void SetState(int i, double power, double phase)
    {
        DeviceGuard.NonNegative(power, nameof(power));
        double a = Math.Sqrt(power);
        _re[i] = a * Math.Cos(phase); _im[i] = a * Math.Sin(phase);
    }

    /// <summary>
    /// Advances every oscillator by <paramref name="dt"/> seconds at time <paramref name="t"/> with bias
    /// currents <paramref name="current"/> (A) and an optional common drive F e^(−iω_e t)
    /// (<paramref name="driveAmplitude"/> in 1/s, <paramref name="driveOmega"/> in rad/s).
    /// </summary>
    public void Step(ReadOnlySpan<double> current, double dt, double t = 0, double driveAmplitude = 0, double driveOmega = 0)
    {
        if (current.Length != Count) throw new ArgumentException($"current has {current.Length} entries, expected {Count}", nameof(current));
        DeviceGuard.Positive(dt, nameof(dt));
        var p = Params;
        double fr = driveAmplitude * Math.Cos(driveOmega * t), fi = -driveAmplitude * Math.Sin(driveOmega * t);
        double fr2 = driveAmplitude * Math.Cos(driveOmega * (t + dt)), fi2 = -driveAmplitude * Math.Sin(driveOmega * (t + dt));
        ulong step = _step++;
        for (int i = 0; i < Count; i++)
        {
            double sI = p.Sigma * current[i];
            double re = _re[i], im = _im[i];
            double pw = re * re + im * im;
            double g = sI * (1 - pw) - p.GammaG * (1 + p.Q * pw);
            // Drive in the frame rotating with the oscillator's own phase is applied before the rotation.
            double kr = g * re + fr, ki = g * im + fi;
            double re1 = re + dt * kr, im1 = im + dt * ki;
            double pw1 = re1 * re1 + im1 * im1;
            double g1 = sI * (1 - pw1) - p.GammaG * (1 + p.Q * pw1);
            double kr1 = g1 * re1 + fr2, ki1 = g1 * im1 + fi2;
            re += 0.5 * dt * (kr + kr1); im += 0.5 * dt * (ki + ki1);
            if (p.ThermalRatio > 0)
            {
                double d = p.GammaG * (1 + p.Q * pw) * p.ThermalRatio;
                var (z0, z1) = CounterRandom.Normal2(_seed, CompNoise, (uint)i, step);
                double s = Math.Sqrt(d * dt);    // ⟨ξξ*⟩ = 2D δ: each quadrature has variance D dt
                re += s * z0; im += s * z1;
            }
            pw = re * re + im * im;
            double phi = -(p.Omega0 + p.N * pw) * dt;
            double c = Math.Cos(phi), sn = Math.Sin(phi);
            _re[i] = re * c - im * sn; _im[i] = re * sn + im * c;
        }
    }
}

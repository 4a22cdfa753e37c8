namespace Neuromorph.Devices;

/// <summary>
/// VTEAM voltage-controlled memristor (Kvatinsky, Ramadan, Friedman &amp; Kolodny 2015, "VTEAM: a
/// general model for voltage-controlled memristors", IEEE TCAS-II 62:786, Eqs. 1–3):
/// dw/dt = k_off(v/v_off − 1)^α_off f(w) for v &gt; v_off &gt; 0; 0 for v_on ≤ v ≤ v_off;
/// k_on(v/v_on − 1)^α_on f(w) for v &lt; v_on &lt; 0, with the normalised state w ∈ [0, 1] (w = 0 is
/// R_ON), the linear I–V relation i = v/(R_ON + (R_OFF − R_ON)w) and the Joglekar window
/// f(w) = 1 − (2w − 1)^(2p). Driven by a sine the I–V curve is a hysteresis loop pinched at the
/// origin whose lobes shrink as the frequency rises.
/// </summary>
/// <param name="KOff">k_off &gt; 0 (1/s).</param>
/// <param name="KOn">k_on &lt; 0 (1/s).</param>
/// <param name="VOff">v_off &gt; 0 (V).</param>
/// <param name="VOn">v_on &lt; 0 (V).</param>
/// <param name="AlphaOff">α_off.</param>
/// <param name="AlphaOn">α_on.</param>
/// <param name="ROn">R_ON (Ω).</param>
/// <param name="ROff">R_OFF (Ω).</param>
/// <param name="WindowP">p of the Joglekar window.</param>
public readonly record struct VteamParams(double KOff, double KOn, double VOff, double VOn, double AlphaOff, double AlphaOn, double ROn, double ROff, int WindowP = 2)
{
    /// <summary>dw/dt at state w and voltage v.</summary>
    public double Rate(double w, double v)
    {
        double f = 1 - Math.Pow(2 * w - 1, 2 * WindowP);
        if (v > VOff) return KOff * Math.Pow(v / VOff - 1, AlphaOff) * f;
        if (v < VOn) return KOn * Math.Pow(v / VOn - 1, AlphaOn) * f;
        return 0;
    }

    /// <summary>Current i = v/(R_ON + (R_OFF − R_ON)w) (A).</summary>
    public double Current(double w, double v) => v / (ROn + (ROff - ROn) * w);

    /// <summary>Throws with the parameter's name when a value is not physical.</summary>
    public void Validate()
    {
        DeviceGuard.Positive(KOff, nameof(KOff));
        if (!(KOn < 0)) throw new ArgumentOutOfRangeException(nameof(KOn), KOn, "KOn must be < 0");
        DeviceGuard.Positive(VOff, nameof(VOff));
        if (!(VOn < 0)) throw new ArgumentOutOfRangeException(nameof(VOn), VOn, "VOn must be < 0");
        DeviceGuard.Positive(AlphaOff, nameof(AlphaOff));
        DeviceGuard.Positive(AlphaOn, nameof(AlphaOn));
        DeviceGuard.Positive(ROn, nameof(ROn));
        DeviceGuard.Less(ROn, ROff, nameof(ROn), nameof(ROff));
        if (WindowP < 1) throw new ArgumentOutOfRangeException(nameof(WindowP), WindowP, "WindowP must be ≥ 1");
    }
}

/// <summary>VTEAM presets.</summary>
public static class VteamPresets
{
    /// <summary>
    /// R_ON = 100 Ω and R_OFF = 16 kΩ of the HP TiO2 memristor (Strukov et al. 2008, Nature 453:80),
    /// symmetric thresholds ±0.3 V, α = 3, |k| = 10/s (a full switch takes ~10 ms under 1 V) — representative
    /// VTEAM values for a kHz-scale pinched-hysteresis demonstration.
    /// </summary>
    public static VteamParams HpTiO2 => new(10, -10, 0.3, -0.3, 3, 3, 100, 16e3);
}

/// <summary>An array of VTEAM memristors (SoA: state w).</summary>
public sealed class VteamArray
{
    private readonly double[] _w;

    /// <summary>Creates <paramref name="count"/> memristors at state <paramref name="initial"/>.</summary>
    public VteamArray(int count, VteamParams p, double initial = 0.5)
    {
        DeviceGuard.Count(count, nameof(count));
        p.Validate();
        DeviceGuard.InRange(initial, 0, 1, nameof(initial));
        Params = p;
        _w = new double[count];
        Array.Fill(_w, initial);
    }

    /// <summary>The parameters.</summary>
    public VteamParams Params { get; }
    /// <summary>Number of memristors.</summary>
    public int Count => _w.Length;
    /// <summary>State w of memristor i.</summary>
    public double State(int i) => _w[i];

    /// <summary>
    /// Applies voltages <paramref name="v"/> for <paramref name="dt"/> seconds (RK4 on the state, voltage
    /// held over the step) and writes the currents at the start of the step into <paramref name="current"/>.
    /// </summary>
    public void Step(ReadOnlySpan<double> v, double dt, Span<double> current)
    {
        if (v.Length != Count || current.Length != Count) throw new ArgumentException($"v and current need {Count} entries");
        DeviceGuard.Positive(dt, nameof(dt));
        var p = Params;
        for (int i = 0; i < Count; i++)
        {
            double w = _w[i];
            current[i] = p.Current(w, v[i]);
            double k1 = p.Rate(w, v[i]), k2 = p.Rate(Math.Clamp(w + 0.5 * dt * k1, 0, 1), v[i]);
            double k3 = p.Rate(Math.Clamp(w + 0.5 * dt * k2, 0, 1), v[i]), k4 = p.Rate(Math.Clamp(w + dt * k3, 0, 1), v[i]);
            _w[i] = Math.Clamp(w + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4), 0, 1);
        }
    }
}

namespace Neuromorph.Devices;

/// <summary>
/// Volatile filamentary switch with short-term and long-term memory (Ohno et al. 2011, "Short-term
/// plasticity and long-term potentiation mimicked in single inorganic synapses", Nat. Mater.
/// 10:591, Figs. 2–3: an Ag2S atomic switch whose filament dissolves between sparse pulses and
/// completes to the quantum point contact G₀ = 2e²/h when pulses are frequent).
/// Short-term state s ∈ [0, 1]: each pulse s ← s + a(1 − s); between pulses s decays as
/// s ← s·e^(−Δt/τ). When s reaches θ the filament is complete: the long-term state l jumps to 1
/// (non-volatile). G = G_min + (G₀ − G_min)·max(s, l). Under periodic pulses of interval T the
/// post-pulse state tends to s⁺ = a/(1 − (1 − a)e^(−T/τ)), so consolidation happens exactly when
/// T &lt; T_c = τ ln((1 − a)/(1 − a/θ)).
/// </summary>
/// <param name="GMin">Off-state conductance (S).</param>
/// <param name="GMax">Conductance of the complete filament (S); G₀ = 77.48 µS in Ohno 2011.</param>
/// <param name="PulseIncrement">a ∈ (0, 1): fraction of the remaining gap one pulse closes.</param>
/// <param name="DecayTau">τ (s): dissolution time of the incomplete filament.</param>
/// <param name="Threshold">θ ∈ (a, 1]: short-term state at which the filament completes.</param>
public readonly record struct VolatileRramParams(double GMin, double GMax, double PulseIncrement, double DecayTau, double Threshold)
{
    /// <summary>Critical pulse interval T_c = τ ln((1 − a)/(1 − a/θ)); shorter intervals consolidate.</summary>
    public double CriticalInterval => DecayTau * Math.Log((1 - PulseIncrement) / (1 - PulseIncrement / Threshold));

    /// <summary>Throws with the parameter's name when a value is not physical.</summary>
    public void Validate()
    {
        DeviceGuard.NonNegative(GMin, nameof(GMin));
        DeviceGuard.Less(GMin, GMax, nameof(GMin), nameof(GMax));
        DeviceGuard.InRange(PulseIncrement, 1e-9, 1 - 1e-9, nameof(PulseIncrement));
        DeviceGuard.Positive(DecayTau, nameof(DecayTau));
        if (!(Threshold > PulseIncrement && Threshold <= 1)) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, $"Threshold must be in (PulseIncrement={PulseIncrement}, 1]");
    }
}

/// <summary>Volatile RRAM presets.</summary>
public static class VolatileRramPresets
{
    /// <summary>
    /// Ag2S inorganic synapse (Ohno et al. 2011, Nat. Mater. 10:591, Fig. 2): G₀ = 2e²/h = 77.48 µS
    /// long-term state; pulses every 2 s consolidate, every 20 s decay back (a = 0.3, θ = 0.8,
    /// τ = 20 s ⇒ T_c ≈ 2.3 s). G_min = 1 µS. The rates are chosen to reproduce the two published
    /// pulse intervals, not fitted.
    /// </summary>
    public static VolatileRramParams Ag2SOhno2011 => new(1e-6, 7.748091729e-5, 0.3, 20, 0.8);
}

/// <summary>An array of volatile filamentary switches (SoA: short-term s, long-term l, time of last update).</summary>
public sealed class VolatileRramArray
{
    private readonly double[] _s, _l;

    /// <summary>Creates <paramref name="count"/> switches with no filament.</summary>
    public VolatileRramArray(int count, VolatileRramParams p)
    {
        DeviceGuard.Count(count, nameof(count));
        p.Validate();
        Params = p;
        _s = new double[count]; _l = new double[count];
    }

    /// <summary>The parameters.</summary>
    public VolatileRramParams Params { get; }
    /// <summary>Number of switches.</summary>
    public int Count => _s.Length;
    /// <summary>Short-term state s of switch i.</summary>
    public double ShortTerm(int i) => _s[i];
    /// <summary>True once switch i has consolidated into long-term memory.</summary>
    public bool IsConsolidated(int i) => _l[i] >= 1;
    /// <summary>Conductance of switch i (S): G_min + (G_max − G_min)·max(s, l).</summary>
    public double Conductance(int i) => Params.GMin + (Params.GMax - Params.GMin) * Math.Max(_s[i], _l[i]);

    /// <summary>One input pulse to switch i: s ← s + a(1 − s); consolidates when s ≥ θ.</summary>
    public void Pulse(int i)
    {
        _s[i] += Params.PulseIncrement * (1 - _s[i]);
        if (_s[i] >= Params.Threshold * (1 - 1e-12)) _l[i] = 1;
    }

    /// <summary>Lets every switch relax for <paramref name="dt"/> seconds: s ← s·e^(−dt/τ) (exact).</summary>
    public void Advance(double dt)
    {
        DeviceGuard.NonNegative(dt, nameof(dt));
        double f = Math.Exp(-dt / Params.DecayTau);
        for (int i = 0; i < _s.Length; i++) _s[i] *= f;
    }
}

using Neuromorph.Numerics;

namespace Neuromorph.Devices;

/// <summary>
/// Stochastic phase-change neuron (Tuma, Pantazi, Le Gallo, Sebastian &amp; Eleftheriou 2016,
/// "Stochastic phase-change neurons", Nat. Nanotechnol. 11:693): the membrane potential is stored
/// in the thickness u of the amorphous region of a PCM cell. Each input pulse crystallises part of
/// it, u ← u − Δ·A(1 + σ_g ξ) (A = pulse amplitude factor); when u ≤ 0 the crystalline filament
/// bridges the electrodes, the conductance jumps and the neuron fires; a RESET pulse re-amorphises
/// to u₀(1 + σ_r ξ) — melt-quench variability that makes the interspike intervals stochastic
/// (Fig. 3 of the paper). Draws are keyed by (seed, neuron, event number).
/// </summary>
/// <param name="GrowthPerPulse">Δ: crystallised fraction of the initial thickness per unit-amplitude pulse.</param>
/// <param name="GrowthNoise">σ_g, relative cycle-to-cycle spread of each crystallisation step.</param>
/// <param name="ResetNoise">σ_r, relative spread of the amorphous thickness after each RESET.</param>
public readonly record struct PhaseChangeNeuronParams(double GrowthPerPulse, double GrowthNoise, double ResetNoise)
{
    /// <summary>Throws with the parameter's name when a value is not physical.</summary>
    public void Validate()
    {
        DeviceGuard.Positive(GrowthPerPulse, nameof(GrowthPerPulse));
        DeviceGuard.NonNegative(GrowthNoise, nameof(GrowthNoise));
        DeviceGuard.NonNegative(ResetNoise, nameof(ResetNoise));
    }
}

/// <summary>Phase-change neuron presets.</summary>
public static class PhaseChangeNeuronPresets
{
    /// <summary>
    /// Tuma et al. 2016 (Nat. Nanotechnol. 11:693, Figs. 2–3: a few to tens of crystallising pulses
    /// per firing, interspike-interval spread from RESET variability): Δ = 0.1 (≈ 10 pulses per spike),
    /// σ_g = 0.2, σ_r = 0.1. Representative values.
    /// </summary>
    public static PhaseChangeNeuronParams Tuma2016 => new(0.1, 0.2, 0.1);
}

/// <summary>An array of stochastic phase-change neurons (SoA: amorphous thickness u ∈ [0, ∞), u₀ = 1).</summary>
public sealed class PhaseChangeNeuronArray
{
    private static readonly uint CompGrow = Philox.ComponentId("pcmneuron.grow");
    private static readonly uint CompReset = Philox.ComponentId("pcmneuron.reset");
    private readonly double[] _u;
    private readonly uint[] _pulses, _resets;
    private readonly ulong _seed;

    /// <summary>Creates <paramref name="count"/> neurons, freshly RESET (u = 1).</summary>
    public PhaseChangeNeuronArray(int count, PhaseChangeNeuronParams p, ulong seed)
    {
        DeviceGuard.Count(count, nameof(count));
        p.Validate();
        Params = p; _seed = seed;
        _u = new double[count]; _pulses = new uint[count]; _resets = new uint[count];
        Array.Fill(_u, 1.0);
    }

    /// <summary>The parameters.</summary>
    public PhaseChangeNeuronParams Params { get; }
    /// <summary>Number of neurons.</summary>
    public int Count => _u.Length;
    /// <summary>Amorphous thickness of neuron i (the inverted membrane potential).</summary>
    public double Thickness(int i) => _u[i];

    /// <summary>One input pulse of amplitude factor <paramref name="amplitude"/> (≥ 0) to neuron i; returns true if it fired (and was RESET).</summary>
    public bool Pulse(int i, double amplitude = 1)
    {
        DeviceGuard.NonNegative(amplitude, nameof(amplitude));
        if (amplitude == 0) return false;
        var p = Params;
        double xi = p.GrowthNoise > 0 ? DeviceRandom.Normal(_seed, CompGrow, (uint)i, _pulses[i]) : 0;
        _pulses[i]++;
        _u[i] -= p.GrowthPerPulse * amplitude * Math.Max(0, 1 + p.GrowthNoise * xi);
        if (_u[i] > 0) return false;
        double zr = p.ResetNoise > 0 ? DeviceRandom.Normal(_seed, CompReset, (uint)i, _resets[i]) : 0;
        _resets[i]++;
        _u[i] = Math.Max(0.05, 1 + p.ResetNoise * zr);
        return true;
    }
}

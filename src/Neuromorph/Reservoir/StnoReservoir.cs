using Neuromorph.Devices;
using Neuromorph.Energy;

namespace Neuromorph.Reservoir;

/// <summary>Parameters of a single spin-torque-oscillator reservoir (Torrejon et al. 2017).</summary>
public sealed record StnoReservoirParameters
{
    /// <summary>Oscillator model (device library preset, thermal noise included via <see cref="StnoParams.ThermalRatio"/>).</summary>
    public StnoParams Oscillator { get; init; } = StnoPresets.VortexTorrejon2017;
    /// <summary>DC bias current I_dc, A.</summary>
    public double BiasCurrent { get; init; } = 6e-3;
    /// <summary>Current per unit of masked input ΔI, A: I(t) = I_dc + ΔI·(M·u)(t).</summary>
    public double CurrentScaling { get; init; } = 2e-3;
    /// <summary>Integration step of the oscillator, s.</summary>
    public double Step { get; init; } = 1e-9;
    /// <summary>Identical oscillators driven by the same current whose amplitudes are averaged (1 = a single device).</summary>
    public int Redundancy { get; init; } = 1;
    /// <summary>
    /// Delayed-feedback gain κ, A per unit amplitude: the amplitude read one delay τ = (N + offset)·θ
    /// earlier is fed back as current κ·(a(t − τ) − a₀), a₀ the free-running amplitude at I_dc
    /// (delayed-feedback STNO, Riou et al. 2019, Phys. Rev. Applied 12, 024049). 0 = no feedback loop,
    /// memory only from the amplitude relaxation (Torrejon 2017). Keep κ·a₀ ≤ I_dc − I_th (see
    /// <see cref="OffStateCurrent"/>): beyond it a dead oscillator (a = 0) feeds back a sub-threshold
    /// current and the loop latches off — without thermal noise for good, since p = 0 is invariant.
    /// </summary>
    public double FeedbackGain { get; init; }

    /// <summary>
    /// Mean current I_dc − κ·a₀ that the loop delivers when the delayed amplitude has collapsed to 0
    /// (A). Below the threshold I_th the off state a = 0 is self-sustaining (latched loop).
    /// </summary>
    public double OffStateCurrent => BiasCurrent - FeedbackGain * Math.Sqrt(Oscillator.SteadyPower(BiasCurrent));

    /// <summary>Throws naming the first invalid field.</summary>
    public void Validate()
    {
        Oscillator.Validate();
        if (!(BiasCurrent > 0) || !double.IsFinite(BiasCurrent)) throw new ArgumentOutOfRangeException(nameof(BiasCurrent), BiasCurrent, "bias current must be finite and > 0");
        if (!double.IsFinite(CurrentScaling)) throw new ArgumentOutOfRangeException(nameof(CurrentScaling), CurrentScaling, "current scaling must be finite");
        if (!(Step > 0) || !double.IsFinite(Step)) throw new ArgumentOutOfRangeException(nameof(Step), Step, "step must be finite and > 0");
        if (Redundancy < 1) throw new ArgumentOutOfRangeException(nameof(Redundancy), Redundancy, "redundancy must be ≥ 1");
        if (!double.IsFinite(FeedbackGain)) throw new ArgumentOutOfRangeException(nameof(FeedbackGain), FeedbackGain, "feedback gain must be finite");
    }
}

/// <summary>
/// Time-multiplexed reservoir on one spin-torque nano-oscillator (Torrejon et al. 2017, Nature 547,
/// 428): the input u(k), multiplied by the mask, sets the current I = I_dc + ΔI·Σⱼ M_ij·u_j(k) for
/// θ per virtual node; the oscillator (<see cref="StnoArray"/>, Slavin–Tiberkevich universal
/// auto-oscillator with thermal noise) responds through its power relaxation, whose time 1/Γ_p
/// gives the fading memory; virtual node i reads the amplitude |c| = √p at the end of its θ. With
/// <see cref="StnoReservoirParameters.Redundancy"/> R &gt; 1, R oscillators with independent
/// thermal noise are driven in parallel and their amplitudes averaged (noise std falls as 1/√R).
/// </summary>
public sealed class StnoReservoir : IReservoir
{
    private readonly StnoArray _osc;
    private readonly float[] _mask;
    private readonly double[] _current;
    private readonly float[] _history;   // amplitudes of the last N + offset virtual nodes (ring)
    private long _written;
    private readonly int _sub;
    private readonly ulong _seed;
    private readonly uint _noiseIndex;
    private double _t;

    /// <summary>Parameters.</summary>
    public StnoReservoirParameters Parameters { get; }
    /// <summary>Virtual nodes, θ, mask.</summary>
    public DelayReservoirParameters Multiplexing { get; }
    /// <inheritdoc/>
    public int InputSize { get; }
    /// <inheritdoc/>
    public int StateSize => Multiplexing.VirtualNodes;

    /// <summary>Creates the reservoir; θ must be a whole number of oscillator steps.</summary>
    public StnoReservoir(StnoReservoirParameters p, DelayReservoirParameters multiplexing, int inputs, ulong seed, uint noiseIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(p); ArgumentNullException.ThrowIfNull(multiplexing);
        p.Validate(); multiplexing.Validate();
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "the reservoir needs at least one input");
        double ratio = multiplexing.Theta / p.Step;
        _sub = (int)Math.Round(ratio);
        if (_sub < 1 || Math.Abs(ratio - _sub) > 1e-6 * ratio)
            throw new ArgumentOutOfRangeException(nameof(multiplexing), multiplexing.Theta, $"θ = {multiplexing.Theta:G4} s must be a whole multiple of the oscillator step {p.Step:G4} s");
        Parameters = p; Multiplexing = multiplexing; InputSize = inputs;
        _seed = seed; _noiseIndex = noiseIndex;
        _mask = Masks.Create(multiplexing.Mask, multiplexing.VirtualNodes, inputs, seed);
        _osc = new StnoArray(p.Redundancy, p.Oscillator, seed ^ (0x9E3779B97F4A7C15UL * (noiseIndex + 1)));
        _current = new double[p.Redundancy];
        _history = new float[multiplexing.VirtualNodes + multiplexing.DelayOffset];
        Reset();
    }

    /// <inheritdoc/>
    public void Reset()
    {
        double p0 = Parameters.Oscillator.SteadyPower(Parameters.BiasCurrent);
        for (int i = 0; i < _osc.Count; i++) _osc.SetState(i, Math.Max(p0, 1e-4), 0);
        _t = 0;
        Array.Fill(_history, (float)Math.Sqrt(p0));
        _written = 0;
    }

    /// <inheritdoc/>
    public void Run(ReadOnlySpan<float> inputs, int steps, Span<float> states, OpCounters? counters = null)
    {
        int n = StateSize, d = InputSize, r = _osc.Count;
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be ≥ 0");
        if (inputs.Length < steps * d) throw new ArgumentException($"inputs has {inputs.Length} values, expected {steps}×{d}");
        if (states.Length < (long)steps * n) throw new ArgumentException($"states has {states.Length} values, expected {steps}×{n}");
        double dt = Parameters.Step, scale = Parameters.CurrentScaling * Multiplexing.InputScaling;
        double kappa = Parameters.FeedbackGain, a0 = Math.Sqrt(Parameters.Oscillator.SteadyPower(Parameters.BiasCurrent));
        int hl = _history.Length;
        for (int t = 0; t < steps; t++)
        {
            var u = inputs.Slice(t * d, d);
            for (int i = 0; i < n; i++)
            {
                double j = Multiplexing.InputOffset;
                for (int c = 0; c < d; c++) j += _mask[i * d + c] * u[c];
                int slot = (int)(_written % hl);   // holds the amplitude read one delay (hl virtual nodes) ago
                double current = Math.Max(0, Parameters.BiasCurrent + scale * j + kappa * (_history[slot] - a0));
                Array.Fill(_current, current);
                for (int s = 0; s < _sub; s++) { _osc.Step(_current, dt, _t); _t += dt; }
                double a = 0;
                for (int k = 0; k < r; k++) a += Math.Sqrt(_osc.Power(k));
                states[t * n + i] = (float)(a / r);
                _history[slot] = (float)(a / r);
                _written++;
            }
        }
        if (counters != null)
        {
            counters.Add(Op.NeuronUpdate, (long)n * steps * r);
            counters.Add(Op.Mac, (long)n * d * steps);
            counters.Add(Op.DacConversion, (long)n * steps);
            counters.Add(Op.AdcConversion, (long)n * steps * r);
        }
    }

    /// <inheritdoc/>
    public string Describe()
    {
        var o = Parameters.Oscillator;
        return $"STNO reservoir (Torrejon 2017) on the Slavin–Tiberkevich oscillator: f₀ = {o.Omega0 / (2 * Math.PI) / 1e6:G4} MHz, I_th = {o.ThresholdCurrent * 1e3:G3} mA, I_dc = {Parameters.BiasCurrent * 1e3:G3} mA, ΔI = {Parameters.CurrentScaling * Multiplexing.InputScaling * 1e3:G3} mA, amplitude relaxation 1/Γ_p = {1e9 / o.PowerRelaxationRate(Parameters.BiasCurrent):G3} ns, k_BT/E₀ = {o.ThermalRatio:G3}, {StateSize} virtual nodes, θ = {Multiplexing.Theta * 1e9:G3} ns, redundancy {Parameters.Redundancy}, delayed feedback κ = {Parameters.FeedbackGain * 1e3:G3} mA over τ = {(StateSize + Multiplexing.DelayOffset) * Multiplexing.Theta * 1e9:G4} ns"
            + (Parameters.FeedbackGain != 0 && Parameters.OffStateCurrent < o.ThresholdCurrent
                ? $" (I_dc − κa₀ = {Parameters.OffStateCurrent * 1e3:G3} mA < I_th: the loop can latch off)" : "");
    }
}

using System.Runtime.Intrinsics;
using Neuromorph.Numerics;

namespace Neuromorph.Devices;

/// <summary>Step-size law of a pulsed-update device (aihwkit device family; Gokmen &amp; Vlasov 2016).</summary>
public enum PulsedModel
{
    /// <summary>Δw↑ = Δw_min(1 + δ), Δw↓ = Δw_min(1 − δ), hard bounds (aihwkit ConstantStepDevice).</summary>
    ConstantStep,
    /// <summary>Δw↑ = Δw↑_min(1 − γ↑ w/w_max), Δw↓ = Δw↓_min(1 − γ↓ w/w_min): step linear in the state (aihwkit LinearStepDevice).</summary>
    LinearStep,
    /// <summary>Linear step with γ↑ = γ↓ = 1: steps vanish at the bounds (aihwkit SoftBoundsDevice).</summary>
    SoftBounds,
    /// <summary>Δw↑ = Δw↑_min·max(1 − A↑e^(γ↑z), 0), Δw↓ = Δw↓_min·max(1 − A↓e^(−γ↓z), 0), z = 2a·w/(w_max − w_min) + b (aihwkit ExpStepDevice).</summary>
    ExpStep,
    /// <summary>Δw↑ = Δw↑_min·(1 − x)^γ↑, Δw↓ = Δw↓_min·x^γ↓, x = (w − w_min)/(w_max − w_min) (aihwkit PowStepDevice).</summary>
    PowStep,
    /// <summary>Δw = Δw_min · (piecewise-linear table of x), separate up and down tables (aihwkit PiecewiseStepDevice).</summary>
    Piecewise,
}

/// <summary>
/// Parameters of the pulsed-update device family (Gokmen &amp; Vlasov 2016, "Acceleration of deep
/// neural network training with resistive cross-point devices", Front. Neurosci. 10:333; IBM
/// aihwkit's pulsed devices). Weights are in normalised units (the conductance range mapped to
/// [w_min, w_max]). Relative "Dtod" spreads are drawn once per device (device-to-device
/// variation); <see cref="DwMinStd"/> is drawn per pulse (cycle-to-cycle variation).
/// </summary>
/// <remarks>
/// Per device i: Δw_i = Δw_min(1 + σ_dtod ξ), δ_i = up_down + σ_ud ξ, Δw↑_i = Δw_i(1 + δ_i),
/// Δw↓_i = Δw_i(1 − δ_i), w_max,i = w_max(1 + σ_max ξ), w_min,i = w_min(1 + σ_min ξ) (multipliers
/// truncated at 0.05 so a device keeps its sign). A pulse applies w ← clip(w ± s(w)(1 + σ_c2c ξ))
/// (multiplicative) or w ← clip(w ± (s(w) + σ_c2c Δw_min ξ)) (additive), with s the step law of
/// <see cref="Model"/>.
/// </remarks>
public sealed record PulsedDeviceParams
{
    /// <summary>Step-size law.</summary>
    public PulsedModel Model { get; init; } = PulsedModel.ConstantStep;
    /// <summary>Mean step size Δw_min (weight units, &gt; 0).</summary>
    public float DwMin { get; init; } = 0.001f;
    /// <summary>Device-to-device relative spread of Δw_min.</summary>
    public float DwMinDtod { get; init; } = 0.3f;
    /// <summary>Cycle-to-cycle spread of each step (relative for multiplicative noise; in units of Δw_min for additive).</summary>
    public float DwMinStd { get; init; } = 0.3f;
    /// <summary>Additive instead of multiplicative cycle-to-cycle noise.</summary>
    public bool AdditiveNoise { get; init; }
    /// <summary>Mean up/down asymmetry δ: Δw↑ = Δw(1 + δ), Δw↓ = Δw(1 − δ).</summary>
    public float UpDown { get; init; }
    /// <summary>Device-to-device spread (absolute) of δ.</summary>
    public float UpDownDtod { get; init; } = 0.01f;
    /// <summary>Lower bound w_min (must be &lt; <see cref="WMax"/>).</summary>
    public float WMin { get; init; } = -0.6f;
    /// <summary>Upper bound w_max.</summary>
    public float WMax { get; init; } = 0.6f;
    /// <summary>Device-to-device relative spread of w_min.</summary>
    public float WMinDtod { get; init; } = 0.3f;
    /// <summary>Device-to-device relative spread of w_max.</summary>
    public float WMaxDtod { get; init; } = 0.3f;
    /// <summary>Slope γ↑ (LinearStep), exponent γ↑ (PowStep) or exponential rate γ↑ (ExpStep).</summary>
    public float GammaUp { get; init; }
    /// <summary>Slope/exponent/rate γ↓ for depression.</summary>
    public float GammaDown { get; init; }
    /// <summary>Device-to-device relative spread of γ↑ and γ↓.</summary>
    public float GammaDtod { get; init; }
    /// <summary>ExpStep: A↑.</summary>
    public float ExpAUp { get; init; }
    /// <summary>ExpStep: A↓.</summary>
    public float ExpADown { get; init; }
    /// <summary>ExpStep: a in z = 2a·w/(w_max − w_min) + b.</summary>
    public float ExpScale { get; init; } = 0.5f;
    /// <summary>ExpStep: b in z = 2a·w/(w_max − w_min) + b.</summary>
    public float ExpOffset { get; init; }
    /// <summary>Piecewise: relative step sizes at equally spaced x = (w − w_min)/(w_max − w_min) for potentiation.</summary>
    public float[]? PiecewiseUp { get; init; }
    /// <summary>Piecewise: relative step sizes for depression.</summary>
    public float[]? PiecewiseDown { get; init; }
    /// <summary>Write noise σ in units of Δw_min: the visible weight is w + σΔw_min ξ, ξ redrawn after each pulse (aihwkit write_noise_std).</summary>
    public float WriteNoiseStd { get; init; }
    /// <summary>Number of distinguishable levels between the bounds (0 = continuous). The state is quantised to them.</summary>
    public int Levels { get; init; }
    /// <summary>Fraction of devices stuck at their lower bound (fault).</summary>
    public float StuckAtMinFraction { get; init; }
    /// <summary>Fraction of devices stuck at their upper bound (fault).</summary>
    public float StuckAtMaxFraction { get; init; }
    /// <summary>Endurance: a device fails (freezes at its state) after this many pulses; 0 = unlimited.</summary>
    public long Endurance { get; init; }
    /// <summary>Retention time constant τ (s) of relaxation toward <see cref="RetentionLevel"/>; 0 = non-volatile.</summary>
    public double RetentionTau { get; init; }
    /// <summary>State the weights relax toward with <see cref="RetentionTau"/>.</summary>
    public float RetentionLevel { get; init; }
    /// <summary>Initial state of every device (clipped to its bounds).</summary>
    public float Initial { get; init; }

    /// <summary>Throws with the parameter's name when a value is not physical.</summary>
    public void Validate()
    {
        DeviceGuard.Positive(DwMin, nameof(DwMin));
        DeviceGuard.NonNegative(DwMinDtod, nameof(DwMinDtod));
        DeviceGuard.NonNegative(DwMinStd, nameof(DwMinStd));
        DeviceGuard.InRange(UpDown, -1, 1, nameof(UpDown));
        DeviceGuard.NonNegative(UpDownDtod, nameof(UpDownDtod));
        DeviceGuard.Less(WMin, WMax, nameof(WMin), nameof(WMax));
        DeviceGuard.NonNegative(WMinDtod, nameof(WMinDtod));
        DeviceGuard.NonNegative(WMaxDtod, nameof(WMaxDtod));
        DeviceGuard.Finite(GammaUp, nameof(GammaUp));
        DeviceGuard.Finite(GammaDown, nameof(GammaDown));
        DeviceGuard.NonNegative(GammaDtod, nameof(GammaDtod));
        DeviceGuard.NonNegative(WriteNoiseStd, nameof(WriteNoiseStd));
        if (Levels == 1 || Levels < 0) throw new ArgumentOutOfRangeException(nameof(Levels), Levels, "Levels must be 0 (continuous) or ≥ 2");
        DeviceGuard.InRange(StuckAtMinFraction, 0, 1, nameof(StuckAtMinFraction));
        DeviceGuard.InRange(StuckAtMaxFraction, 0, 1 - StuckAtMinFraction, nameof(StuckAtMaxFraction));
        if (Endurance < 0) throw new ArgumentOutOfRangeException(nameof(Endurance), Endurance, "Endurance must be ≥ 0 (0 = unlimited)");
        DeviceGuard.NonNegative(RetentionTau, nameof(RetentionTau));
        DeviceGuard.Finite(RetentionLevel, nameof(RetentionLevel));
        DeviceGuard.Finite(Initial, nameof(Initial));
        if (Model is PulsedModel.LinearStep or PulsedModel.SoftBounds && !(WMin < 0 && WMax > 0))
            throw new ArgumentException($"{Model} needs WMin < 0 < WMax (got WMin={WMin}, WMax={WMax}): its slope is relative to the bounds", nameof(WMin));
        if (Model == PulsedModel.PowStep && (GammaUp < 0 || GammaDown < 0))
            throw new ArgumentOutOfRangeException(nameof(GammaUp), $"PowStep exponents must be ≥ 0 (GammaUp={GammaUp}, GammaDown={GammaDown})");
        if (Model == PulsedModel.ExpStep)
        {
            DeviceGuard.Finite(ExpAUp, nameof(ExpAUp)); DeviceGuard.Finite(ExpADown, nameof(ExpADown));
            DeviceGuard.Finite(ExpScale, nameof(ExpScale)); DeviceGuard.Finite(ExpOffset, nameof(ExpOffset));
        }
        if (Model == PulsedModel.Piecewise)
        {
            CheckTable(PiecewiseUp, nameof(PiecewiseUp));
            CheckTable(PiecewiseDown, nameof(PiecewiseDown));
        }
    }

    private static void CheckTable(float[]? t, string name)
    {
        if (t is null || t.Length < 2) throw new ArgumentException($"{name} needs at least 2 entries for the Piecewise model", name);
        foreach (var v in t) if (!(v >= 0) || !float.IsFinite(v)) throw new ArgumentException($"{name} entries must be finite and ≥ 0 (got {v})", name);
    }
}

/// <summary>
/// Named presets of the pulsed family. Each cites the paper and figure/table its numbers come from.
/// </summary>
public static class PulsedPresets
{
    /// <summary>
    /// The resistive processing unit specification of Gokmen &amp; Vlasov 2016 (Front. Neurosci. 10:333,
    /// Table 1): Δw_min = 0.001 with 30 % device-to-device and 30 % cycle-to-cycle spread, bounds
    /// ±0.6 with 30 % spread, up/down imbalance 2 % device-to-device; the aihwkit ConstantStepDevice defaults.
    /// </summary>
    public static PulsedDeviceParams GokmenVlasov2016 => new()
    {
        Model = PulsedModel.ConstantStep, DwMin = 0.001f, DwMinDtod = 0.3f, DwMinStd = 0.3f,
        UpDown = 0f, UpDownDtod = 0.02f, WMin = -0.6f, WMax = 0.6f, WMinDtod = 0.3f, WMaxDtod = 0.3f,
    };

    /// <summary>
    /// Idealised soft-bounds ReRAM-like device (aihwkit SoftBoundsDevice form; Gokmen &amp; Vlasov 2016
    /// §"device non-linearity"): step proportional to the distance to the bound, ±1 range, 1000 steps.
    /// </summary>
    public static PulsedDeviceParams SoftBoundsReRam => new()
    {
        Model = PulsedModel.SoftBounds, DwMin = 0.002f, DwMinDtod = 0.3f, DwMinStd = 0.3f,
        UpDownDtod = 0.01f, WMin = -1f, WMax = 1f, WMinDtod = 0.1f, WMaxDtod = 0.1f,
    };

    /// <summary>
    /// Electrochemical RAM, organic ENODe (van de Burgt et al. 2017, Nat. Mater. 16:414, Fig. 2: &gt;500 near-linear,
    /// symmetric states; Fuller et al. 2019, Science 364:570, Fig. 2: linear, symmetric updates):
    /// a linear-step device with ~500 states per direction over ±1, weak state dependence (γ = 0.05),
    /// small cycle-to-cycle noise. The state count is the paper's; slope and noise are representative.
    /// </summary>
    public static PulsedDeviceParams EcRamVanDeBurgt2017 => new()
    {
        Model = PulsedModel.LinearStep, DwMin = 2f / 500f, DwMinDtod = 0.05f, DwMinStd = 0.05f,
        UpDownDtod = 0.01f, WMin = -1f, WMax = 1f, WMinDtod = 0.02f, WMaxDtod = 0.02f,
        GammaUp = 0.05f, GammaDown = 0.05f,
    };

    /// <summary>
    /// Power-law step device: step shrinks as ((w_max − w)/(w_max − w_min))^γ toward the bound, with
    /// γ = 1 (the aihwkit PowStepDevice form; Rasch et al. 2021, IEEE AICAS) and Gokmen–Vlasov 2016 spreads.
    /// </summary>
    public static PulsedDeviceParams PowStepDefault => new()
    {
        Model = PulsedModel.PowStep, DwMin = 0.001f, DwMinDtod = 0.3f, DwMinStd = 0.3f,
        UpDownDtod = 0.01f, WMin = -0.6f, WMax = 0.6f, WMinDtod = 0.3f, WMaxDtod = 0.3f,
        GammaUp = 1f, GammaDown = 1f,
    };

    /// <summary>
    /// Li-ion ECRAM of Tang et al. 2018 (IEDM, "ECRAM as scalable synaptic cell for high-speed,
    /// low-power neuromorphic computing"), as fitted by aihwkit's EcRamPresetDevice: linear step,
    /// Δw_min = 0.002, range [−0.8276, 1.1724], γ↑ = 0.1153, γ↓ = 0.5085, 30 % multiplicative noise.
    /// </summary>
    public static PulsedDeviceParams EcRamTang2018 => new()
    {
        Model = PulsedModel.LinearStep, DwMin = 0.002f, DwMinDtod = 0.1f, DwMinStd = 0.3f,
        UpDownDtod = 0.01f, WMin = -0.8276f, WMax = 1.1724f, WMinDtod = 0.05f, WMaxDtod = 0.05f,
        GammaUp = 0.1153f, GammaDown = 0.5085f, GammaDtod = 0.05f,
    };

    /// <summary>
    /// Metal-oxide ECRAM of Kim et al. 2019 (IEDM), aihwkit EcRamMOPresetDevice fit: linear step,
    /// Δw_min = 2.8214e-4 (≈ 7000 states), γ↑ = 0.4152, γ↓ = 0.7342, multiplicative noise 2.0.
    /// </summary>
    public static PulsedDeviceParams EcRamMoKim2019 => new()
    {
        Model = PulsedModel.LinearStep, DwMin = 2.8214e-4f, DwMinDtod = 0.1f, DwMinStd = 2.0f,
        UpDownDtod = 0.01f, WMin = -0.8286f, WMax = 1.1714f, WMinDtod = 0.05f, WMaxDtod = 0.05f,
        GammaUp = 0.4152f, GammaDown = 0.7342f, GammaDtod = 0.05f,
    };

    /// <summary>
    /// Filamentary HfO2 ReRAM of Gong et al. 2018 (Nat. Commun. 9:2102), aihwkit ReRamESPresetDevice
    /// exponential-step fit: Δw_min = 0.00135, δ = 0.259, a = b = −0.5, γ = 5, A↑ = −1.18445,
    /// A↓ = −0.081404, additive noise 5 Δw_min, write noise 75 Δw_min.
    /// </summary>
    public static PulsedDeviceParams ReRamGong2018 => new()
    {
        Model = PulsedModel.ExpStep, DwMin = 0.00135f, UpDown = 0.259359f, DwMinDtod = 0.2f, UpDownDtod = 0.05f,
        WMin = -1f, WMax = 1f, WMinDtod = 0.3f, WMaxDtod = 0.3f,
        ExpScale = -0.5f, ExpOffset = -0.5f, GammaUp = 5f, GammaDown = 5f, ExpAUp = -1.18445f, ExpADown = -0.081404f,
        AdditiveNoise = true, DwMinStd = 5f, WriteNoiseStd = 75f,
    };

    /// <summary>
    /// Soft-bounds loose fit of the same ReRAM (Gong et al. 2018; aihwkit ReRamSBPresetDevice):
    /// Δw_min = 0.002, range [−0.75, 1.25], additive noise 3.75 Δw_min, write noise 56 Δw_min.
    /// </summary>
    public static PulsedDeviceParams ReRamSoftBoundsGong2018 => new()
    {
        Model = PulsedModel.SoftBounds, DwMin = 0.002f, DwMinDtod = 0.3f, UpDownDtod = 0.01f,
        WMin = -0.75f, WMax = 1.25f, WMinDtod = 0.4f, WMaxDtod = 0.24f,
        AdditiveNoise = true, DwMinStd = 3.75f, WriteNoiseStd = 56f,
    };

    /// <summary>
    /// Ge2Sb2Te5 PCM as a one-directional pulsed device (Nandakumar et al. 2020, Front. Neurosci.
    /// 14:406; aihwkit PCMPresetDevice exponential-step fit): range [0, 2], a = −1, b = 0, γ = 2.5,
    /// A↑ = −27.235, A↓ = −2.235, Δw_min = 0.01, 60 % multiplicative noise (the fit's extra additive
    /// and slope noise terms are not modelled). Use in a differential pair with refresh.
    /// </summary>
    public static PulsedDeviceParams PcmNandakumar2020 => new()
    {
        Model = PulsedModel.ExpStep, DwMin = 0.01f, DwMinDtod = 0.2f, UpDownDtod = 0.05f,
        WMin = 0f, WMax = 2f, WMinDtod = 0f, WMaxDtod = 0.1f,
        ExpScale = -1f, ExpOffset = 0f, GammaUp = 2.5f, GammaDown = 2.5f, ExpAUp = -27.235f, ExpADown = -2.235f,
        DwMinStd = 0.6f,
    };

    /// <summary>
    /// Capacitor-based analog cell of Li et al. 2018 (VLSI), aihwkit CapacitorPresetDevice: linear step
    /// Δw_min = 0.005, γ = 0.05, additive noise 0.3 Δw_min, leakage toward 0 (set <c>RetentionTau</c> to the
    /// physical hold time of the capacitor).
    /// </summary>
    public static PulsedDeviceParams CapacitorLi2018 => new()
    {
        Model = PulsedModel.LinearStep, DwMin = 0.005f, DwMinDtod = 0.1f, UpDownDtod = 0.06f,
        WMin = -1f, WMax = 1f, WMinDtod = 0.07f, WMaxDtod = 0.07f, GammaUp = 0.05f, GammaDown = 0.05f, GammaDtod = 0.2f,
        AdditiveNoise = true, DwMinStd = 0.3f,
    };
}

/// <summary>
/// An array of pulsed-update devices (structure of arrays). Per-device parameters are drawn once
/// from (seed, "pulsed.d2d", device); per-pulse noise from (seed, "pulsed.c2c", device, pulse number
/// of that device), so results do not depend on chunking, threads, or the order devices are pulsed.
/// </summary>
public sealed class PulsedDeviceArray : IConductanceArray
{
    private static readonly uint CompD2D = Philox.ComponentId("pulsed.d2d");
    private static readonly uint CompC2C = Philox.ComponentId("pulsed.c2c");
    private static readonly uint CompWrite = Philox.ComponentId("pulsed.write");
    private const int ChunkSize = 1 << 16;

    private readonly float[] _w, _dwUp, _dwDown, _wMin, _wMax, _gUp, _gDown;
    private readonly float[]? _visible;
    private readonly uint[] _pulses;
    private readonly byte[] _fault;   // 0 ok, 1 stuck-min, 2 stuck-max, 3 worn out
    private readonly float[] _tabUp, _tabDown;
    private readonly ulong _seed;
    private readonly bool _anyFault;

    /// <summary>Creates <paramref name="count"/> devices with parameters <paramref name="p"/>, drawing device-to-device variation from <paramref name="seed"/>.</summary>
    public PulsedDeviceArray(int count, PulsedDeviceParams p, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(p);
        DeviceGuard.Count(count, nameof(count));
        p.Validate();
        Params = p; _seed = seed;
        _w = new float[count]; _dwUp = new float[count]; _dwDown = new float[count];
        _wMin = new float[count]; _wMax = new float[count]; _gUp = new float[count]; _gDown = new float[count];
        _pulses = new uint[count]; _fault = new byte[count];
        _visible = p.WriteNoiseStd > 0 ? new float[count] : null;
        _tabUp = p.PiecewiseUp ?? []; _tabDown = p.PiecewiseDown ?? [];

        var z = new float[count];
        DeviceRandom.FillNormal(z, seed, CompD2D, 0, 0);
        for (int i = 0; i < count; i++) { float m = MathF.Max(0f, 1f + p.DwMinDtod * z[i]); _dwUp[i] = p.DwMin * m; _dwDown[i] = p.DwMin * m; }
        DeviceRandom.FillNormal(z, seed, CompD2D, 0, 1);
        for (int i = 0; i < count; i++)
        {
            float ud = Math.Clamp(p.UpDown + p.UpDownDtod * z[i], -1f, 1f);
            _dwUp[i] *= 1f + ud; _dwDown[i] *= 1f - ud;
        }
        DeviceRandom.FillNormal(z, seed, CompD2D, 0, 2);
        for (int i = 0; i < count; i++) _wMin[i] = p.WMin * MathF.Max(0.05f, 1f + p.WMinDtod * z[i]);
        DeviceRandom.FillNormal(z, seed, CompD2D, 0, 3);
        for (int i = 0; i < count; i++)
        {
            _wMax[i] = p.WMax * MathF.Max(0.05f, 1f + p.WMaxDtod * z[i]);
            if (!(_wMin[i] < _wMax[i])) { _wMin[i] = p.WMin; _wMax[i] = p.WMax; }
        }
        DeviceRandom.FillNormal(z, seed, CompD2D, 0, 4);
        for (int i = 0; i < count; i++)
        {
            float m = MathF.Max(0f, 1f + p.GammaDtod * z[i]);
            _gUp[i] = p.GammaUp * m; _gDown[i] = p.GammaDown * m;
        }
        DeviceRandom.FillUniform(z, seed, CompD2D, 0, 5);
        for (int i = 0; i < count; i++)
        {
            float u = z[i];
            if (u < p.StuckAtMinFraction) { _fault[i] = 1; _w[i] = _wMin[i]; }
            else if (u < p.StuckAtMinFraction + p.StuckAtMaxFraction) { _fault[i] = 2; _w[i] = _wMax[i]; }
            else _w[i] = Quantise(i, Math.Clamp(p.Initial, _wMin[i], _wMax[i]));
        }
        _anyFault = p.StuckAtMinFraction > 0 || p.StuckAtMaxFraction > 0 || p.Endurance > 0;
        if (_visible is not null) _w.CopyTo(_visible, 0);
    }

    /// <summary>The parameters the array was built with.</summary>
    public PulsedDeviceParams Params { get; }
    /// <inheritdoc/>
    public int Count => _w.Length;
    /// <inheritdoc/>
    public float Min => Params.WMin;
    /// <inheritdoc/>
    public float Max => Params.WMax;
    /// <inheritdoc/>
    public float NominalStep => MeanStepNominal(0.5f * (Params.WMin + Params.WMax), true);
    /// <inheritdoc/>
    public bool GradualDepression => true;
    /// <summary>Visible states: the hidden weight plus write noise when <see cref="PulsedDeviceParams.WriteNoiseStd"/> &gt; 0.</summary>
    public ReadOnlySpan<float> State => _visible ?? _w;
    /// <summary>Hidden (noise-free of write noise) device weights.</summary>
    public ReadOnlySpan<float> HiddenState => _w;
    /// <summary>
    /// Writable hidden states for a caller's per-pulse fast path (the crossbar tile): only for arrays
    /// without write noise, level quantisation, endurance or faults, where a pulse is exactly
    /// w ← clamp(w ± s, w_min, w_max); the caller keeps every state inside its device's bounds.
    /// </summary>
    internal Span<float> HiddenStateForPulses => _w;
    /// <summary>Per-device lower bounds (after device-to-device variation).</summary>
    public ReadOnlySpan<float> LowerBounds => _wMin;
    /// <summary>Per-device upper bounds.</summary>
    public ReadOnlySpan<float> UpperBounds => _wMax;
    /// <summary>Per-device potentiation step Δw↑_min.</summary>
    public ReadOnlySpan<float> StepUp => _dwUp;
    /// <summary>Per-device depression step Δw↓_min.</summary>
    public ReadOnlySpan<float> StepDown => _dwDown;
    /// <summary>Pulses applied to each device so far.</summary>
    public ReadOnlySpan<uint> PulseCounts => _pulses;
    /// <summary>True if device i is stuck or worn out.</summary>
    public bool IsFaulty(int i) => _fault[i] != 0;

    /// <summary>Noise-free mean step magnitude s(w) of device i for one pulse up or down (the step law of the model).</summary>
    public float MeanStep(int i, float w, bool up)
    {
        float lo = _wMin[i], hi = _wMax[i];
        float s;
        switch (Params.Model)
        {
            case PulsedModel.ConstantStep:
                s = up ? _dwUp[i] : _dwDown[i]; break;
            case PulsedModel.LinearStep:
                s = up ? _dwUp[i] * (1f - _gUp[i] * w / hi) : _dwDown[i] * (1f - _gDown[i] * w / lo); break;
            case PulsedModel.SoftBounds:
                s = up ? _dwUp[i] * (1f - w / hi) : _dwDown[i] * (1f - w / lo); break;
            case PulsedModel.ExpStep:
            {
                float zz = 2f * Params.ExpScale * w / (hi - lo) + Params.ExpOffset;
                s = up ? _dwUp[i] * MathF.Max(1f - Params.ExpAUp * MathF.Exp(_gUp[i] * zz), 0f)
                       : _dwDown[i] * MathF.Max(1f - Params.ExpADown * MathF.Exp(-_gDown[i] * zz), 0f);
                break;
            }
            case PulsedModel.PowStep:
            {
                float x = Math.Clamp((w - lo) / (hi - lo), 0f, 1f);
                s = up ? _dwUp[i] * MathF.Pow(1f - x, _gUp[i]) : _dwDown[i] * MathF.Pow(x, _gDown[i]);
                break;
            }
            default:
            {
                float x = Math.Clamp((w - lo) / (hi - lo), 0f, 1f);
                s = up ? _dwUp[i] * Interp(_tabUp, x) : _dwDown[i] * Interp(_tabDown, x);
                break;
            }
        }
        return MathF.Max(s, 0f);
    }

    private float MeanStepNominal(float w, bool up)
    {
        var p = Params;
        float lo = p.WMin, hi = p.WMax, dw = p.DwMin;
        float s = p.Model switch
        {
            PulsedModel.ConstantStep => dw,
            PulsedModel.LinearStep => up ? dw * (1f - p.GammaUp * w / hi) : dw * (1f - p.GammaDown * w / lo),
            PulsedModel.SoftBounds => up ? dw * (1f - w / hi) : dw * (1f - w / lo),
            PulsedModel.ExpStep => dw * MathF.Max(1f - p.ExpAUp * MathF.Exp(p.GammaUp * (2f * p.ExpScale * w / (hi - lo) + p.ExpOffset)), 0f),
            PulsedModel.PowStep => dw * MathF.Pow(1f - (w - lo) / (hi - lo), p.GammaUp),
            _ => dw * Interp(_tabUp, (w - lo) / (hi - lo)),
        };
        return MathF.Max(s, 1e-12f);
    }

    private static float Interp(float[] t, float x)
    {
        float pos = x * (t.Length - 1);
        int k = Math.Min((int)pos, t.Length - 2);
        float f = pos - k;
        return t[k] + f * (t[k + 1] - t[k]);
    }

    private float Quantise(int i, float w)
    {
        int levels = Params.Levels;
        if (levels < 2) return w;
        float lo = _wMin[i], q = (_wMax[i] - lo) / (levels - 1);
        return lo + MathF.Round((w - lo) / q) * q;
    }

    /// <summary>One pulse on device i with the standard normal ξ (cycle-to-cycle draw) already drawn.</summary>
    private void Step(int i, bool up, float xi)
    {
        if (_fault[i] != 0) return;
        long endurance = Params.Endurance;
        if (endurance > 0 && _pulses[i] >= endurance) { _fault[i] = 3; return; }
        float w = _w[i];
        float s = MeanStep(i, w, up);
        float d = Params.AdditiveNoise ? s + Params.DwMinStd * Params.DwMin * xi : s * (1f + Params.DwMinStd * xi);
        w = up ? w + d : w - d;
        w = Math.Clamp(w, _wMin[i], _wMax[i]);
        _w[i] = Quantise(i, w);
    }

    private void AfterPulse(int i, uint k)
    {
        if (_visible is not null)
            _visible[i] = _w[i] + Params.WriteNoiseStd * Params.DwMin * DeviceRandom.Normal(_seed, CompWrite, (uint)i, k);
    }

    /// <inheritdoc/>
    public void ApplyPulses(int device, int pulses)
    {
        bool up = pulses > 0;
        int n = Math.Abs(pulses);
        for (int k = 0; k < n; k++)
        {
            uint step = _pulses[device];
            float xi = Params.DwMinStd > 0 ? DeviceRandom.Normal(_seed, CompC2C, (uint)device, step) : 0f;
            Step(device, up, xi);
            _pulses[device] = step + 1;
            AfterPulse(device, step);
        }
    }

    /// <inheritdoc/>
    public float ExpectedChange(int device, int pulses)
    {
        if (_fault[device] != 0) return 0f;
        float w = _w[device], w0 = w;
        bool up = pulses > 0;
        for (int k = 0; k < Math.Abs(pulses); k++)
        {
            float s = MeanStep(device, w, up);
            w = Math.Clamp(up ? w + s : w - s, _wMin[device], _wMax[device]);
        }
        return w - w0;
    }

    /// <summary>Programs device i to <paramref name="target"/> (clipped to its bounds, quantised to its levels); stuck devices do not move.</summary>
    public void Program(int device, float target)
    {
        if (_fault[device] != 0) return;
        _w[device] = Quantise(device, Math.Clamp(target, _wMin[device], _wMax[device]));
        if (_visible is not null) _visible[device] = _w[device];
    }

    /// <summary>
    /// One pulse to every device in <paramref name="directions"/> (+1 up, −1 down, 0 none), in
    /// parallel chunks. The per-pulse draws are vectorised sixteen devices at a time.
    /// </summary>
    public void ApplyPulses(sbyte[] directions)
    {
        ArgumentNullException.ThrowIfNull(directions);
        if (directions.Length != Count) throw new ArgumentException($"directions has {directions.Length} entries, the array has {Count} devices", nameof(directions));
        RunChunks(directions, 0);
    }

    /// <summary>One pulse in direction <paramref name="direction"/> (+1 or −1) to every device, in parallel chunks.</summary>
    public void PulseAll(int direction)
    {
        if (direction is not (1 or -1)) throw new ArgumentOutOfRangeException(nameof(direction), direction, "direction must be +1 or −1");
        RunChunks(null, (sbyte)direction);
    }

    private void RunChunks(sbyte[]? dirs, sbyte all)
    {
        int n = Count;
        int chunks = (n + ChunkSize - 1) / ChunkSize;
        if (chunks <= 1) { PulseRange(0, n, dirs, all); return; }
        Parallel.For(0, chunks, Numerics.Parallelism.Options, c =>
        {
            int s = c * ChunkSize;
            PulseRange(s, Math.Min(n, s + ChunkSize), dirs, all);
        });
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void PulseRange(int start, int end, sbyte[]? dirs, sbyte all)
    {
        var lane = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        Span<float> z = stackalloc float[16];
        Span<uint> steps = stackalloc uint[16];
        bool noise = Params.DwMinStd > 0;
        bool fastConstant = Params.Model == PulsedModel.ConstantStep && !Params.AdditiveNoise && Params.Levels < 2 && Params.Endurance == 0 && _visible is null;
        float sig = Params.DwMinStd;
        for (int i = start; i < end; i += 16)
        {
            int m = Math.Min(16, end - i);
            if (noise)
            {
                Vector512<uint> st;
                if (m == 16) st = Vector512.Create<uint>(_pulses.AsSpan(i, 16));
                else { steps.Clear(); _pulses.AsSpan(i, m).CopyTo(steps); st = Vector512.Create<uint>(steps); }
                DeviceRandom.Normal16(_seed, CompC2C, Vector512.Create((uint)i) + lane, st).CopyTo(z);
            }
            else z.Clear();
            if (fastConstant && dirs is null && m == 16 && !_anyFault)
            {
                // Whole vector of healthy devices pulsed in one direction: the same float operations
                // as the scalar path, sixteen lanes at a time.
                var zv = Vector512.Create<float>(z);
                var f = Vector512<float>.One + Vector512.Create(sig) * zv;
                var w = Vector512.Create<float>(_w.AsSpan(i, 16));
                w = all > 0 ? w + Vector512.Create<float>(_dwUp.AsSpan(i, 16)) * f : w - Vector512.Create<float>(_dwDown.AsSpan(i, 16)) * f;
                w = Vector512.Min(Vector512.Max(w, Vector512.Create<float>(_wMin.AsSpan(i, 16))), Vector512.Create<float>(_wMax.AsSpan(i, 16)));
                w.CopyTo(_w.AsSpan(i, 16));
                (Vector512.Create<uint>(_pulses.AsSpan(i, 16)) + Vector512<uint>.One).CopyTo(_pulses.AsSpan(i, 16));
            }
            else if (fastConstant)
            {
                for (int j = 0; j < m; j++)
                {
                    int k = i + j;
                    int d = dirs is null ? all : dirs[k];
                    if (d == 0 || _fault[k] != 0) continue;
                    float w = _w[k];
                    w = d > 0 ? w + _dwUp[k] * (1f + sig * z[j]) : w - _dwDown[k] * (1f + sig * z[j]);
                    _w[k] = Math.Clamp(w, _wMin[k], _wMax[k]);
                    _pulses[k]++;
                }
            }
            else
            {
                for (int j = 0; j < m; j++)
                {
                    int k = i + j;
                    int d = dirs is null ? all : dirs[k];
                    if (d == 0) continue;
                    uint step = _pulses[k];
                    Step(k, d > 0, z[j]);
                    _pulses[k] = step + 1;
                    AfterPulse(k, step);
                }
            }
        }
    }

    /// <summary>
    /// Retention loss over <paramref name="dt"/> seconds: w ← w_r + (w − w_r)·e^(−dt/τ) toward
    /// <see cref="PulsedDeviceParams.RetentionLevel"/> (no-op when τ = 0, i.e. non-volatile).
    /// </summary>
    public void Relax(double dt)
    {
        DeviceGuard.NonNegative(dt, nameof(dt));
        if (Params.RetentionTau <= 0) return;
        float f = (float)Math.Exp(-dt / Params.RetentionTau), r = Params.RetentionLevel;
        for (int i = 0; i < _w.Length; i++)
        {
            if (_fault[i] is 1 or 2) continue;
            _w[i] = Math.Clamp(r + (_w[i] - r) * f, _wMin[i], _wMax[i]);
            if (_visible is not null) _visible[i] = _w[i];
        }
    }
}

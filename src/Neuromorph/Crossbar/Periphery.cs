using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
namespace Neuromorph.Crossbar;

/// <summary>How inputs are scaled into the DAC range before an analog MVM (aihwkit NoiseManagementType).</summary>
public enum NoiseManagement
{
    /// <summary>No scaling: inputs beyond the DAC bound are clipped.</summary>
    None,
    /// <summary>Divide each input vector by its max |x| (aihwkit ABS_MAX), rescale the output digitally.</summary>
    AbsMax,
}

/// <summary>What happens when an output saturates the ADC (aihwkit BoundManagementType).</summary>
public enum BoundManagement
{
    /// <summary>Saturated outputs stay clipped.</summary>
    None,
    /// <summary>Repeat the MVM with the input halved until no output saturates (aihwkit ITERATIVE).</summary>
    Iterative,
}

/// <summary>
/// Periphery of one analog matrix–vector product (aihwkit IOParameters): a DAC of
/// <see cref="InputBits"/> bits over [−<see cref="InputBound"/>, <see cref="InputBound"/>], the
/// array (ideal Kirchhoff sum y_j = Σ_i w_ij x_i plus weight read noise σ_w‖x‖₂ξ, the output-side
/// equivalent of independent N(0, σ_w²) noise on every weight), additive output noise σ_out ξ, and
/// an ADC of <see cref="OutputBits"/> bits over [−<see cref="OutputBound"/>, <see cref="OutputBound"/>].
/// A b-bit converter has resolution res = 1/(2^b − 2) of its full range (aihwkit inp_res/out_res),
/// i.e. a step of 2·bound·res. Defaults are aihwkit's PresetIOParameters: 7-bit DAC, 9-bit ADC,
/// output bound 20, output noise 0.1 (about one ADC step), ABS_MAX noise management, iterative
/// bound management. Units are normalised weight and input units; the physical scale (siemens,
/// volts) enters only the energy model.
/// </summary>
public sealed record IoParams
{
    /// <summary>DAC bits (0 = no input quantisation).</summary>
    public int InputBits { get; init; } = 7;
    /// <summary>DAC range bound (normalised input units).</summary>
    public float InputBound { get; init; } = 1f;
    /// <summary>Stochastic instead of nearest rounding in the DAC.</summary>
    public bool StochasticRounding { get; init; }
    /// <summary>ADC bits (0 = no output quantisation).</summary>
    public int OutputBits { get; init; } = 9;
    /// <summary>ADC saturation bound (normalised output units).</summary>
    public float OutputBound { get; init; } = 20f;
    /// <summary>σ of additive Gaussian output noise, before the ADC.</summary>
    public float OutputNoise { get; init; } = 0.1f;
    /// <summary>σ of additive Gaussian weight read noise (per weight and per MVM, normalised weight units).</summary>
    public float WeightNoise { get; init; }
    /// <summary>Input scaling.</summary>
    public NoiseManagement NoiseManagement { get; init; } = NoiseManagement.AbsMax;
    /// <summary>Saturation handling.</summary>
    public BoundManagement BoundManagement { get; init; } = BoundManagement.Iterative;
    /// <summary>Most halvings of the input bound management tries (2^10 ≈ aihwkit's max_bm_factor 1000).</summary>
    public int MaxBoundIterations { get; init; } = 10;
    /// <summary>When true the MVM is exact: no quantisation, noise or saturation (an ideal periphery).</summary>
    public bool IsPerfect { get; init; }

    /// <summary>aihwkit's PresetIOParameters (forward pass).</summary>
    public static IoParams Preset => new();
    /// <summary>The backward pass default: the same converters and noise, no bound management (aihwkit's backward IOParameters).</summary>
    public static IoParams PresetBackward => new() { BoundManagement = BoundManagement.None };
    /// <summary>An exact periphery.</summary>
    public static IoParams Perfect => new() { IsPerfect = true, InputBits = 0, OutputBits = 0, OutputNoise = 0, NoiseManagement = NoiseManagement.None, BoundManagement = BoundManagement.None };

    /// <summary>DAC step 2·bound/(2^bits − 2) (0 when not quantised).</summary>
    public float InputStep => InputBits > 0 ? 2f * InputBound / ((1 << InputBits) - 2) : 0f;
    /// <summary>ADC step 2·bound/(2^bits − 2) (0 when not quantised).</summary>
    public float OutputStep => OutputBits > 0 ? 2f * OutputBound / ((1 << OutputBits) - 2) : 0f;

    /// <summary>Throws naming the field when a value is out of range.</summary>
    public void Validate(string prefix = "io")
    {
        if (InputBits is < 0 or 1 or > 24) throw new ArgumentOutOfRangeException($"{prefix}.input_bits", InputBits, "DAC bits must be 0 (off) or 2…24");
        if (OutputBits is < 0 or 1 or > 24) throw new ArgumentOutOfRangeException($"{prefix}.output_bits", OutputBits, "ADC bits must be 0 (off) or 2…24");
        if (!(InputBound > 0)) throw new ArgumentOutOfRangeException($"{prefix}.input_bound", InputBound, "must be > 0");
        if (!(OutputBound > 0)) throw new ArgumentOutOfRangeException($"{prefix}.output_bound", OutputBound, "must be > 0");
        if (!(OutputNoise >= 0)) throw new ArgumentOutOfRangeException($"{prefix}.output_noise", OutputNoise, "must be ≥ 0");
        if (!(WeightNoise >= 0)) throw new ArgumentOutOfRangeException($"{prefix}.weight_noise", WeightNoise, "must be ≥ 0");
        if (MaxBoundIterations is < 0 or > 30) throw new ArgumentOutOfRangeException($"{prefix}.max_bound_iterations", MaxBoundIterations, "must be in 0…30");
    }

    /// <summary>DAC: clip to ±bound and round to the step (nearest, or stochastic with uniform <paramref name="u"/>).</summary>
    public float QuantizeInput(float x, float u = 0.5f)
    {
        float b = InputBound;
        x = Math.Clamp(x, -b, b);
        float s = InputStep;
        if (s == 0f) return x;
        return StochasticRounding ? MathF.Floor(x / s + u) * s : MathF.Round(x / s) * s;
    }

    /// <summary>ADC: clip to ±bound and round to the step.</summary>
    public float QuantizeOutput(float y)
    {
        float b = OutputBound;
        y = Math.Clamp(y, -b, b);
        float s = OutputStep;
        return s == 0f ? y : MathF.Round(y / s) * s;
    }

    /// <summary>DAC of a whole input vector with nearest rounding: dst_i = <see cref="QuantizeInput"/>(src_i / a), vectorised (same values as the scalar form).</summary>
    public void QuantizeInputs(ReadOnlySpan<float> src, float a, Span<float> dst)
    {
        int n = src.Length, i = 0;
        float b = InputBound, s = InputStep;
        if (Vector512.IsHardwareAccelerated && !StochasticRounding)
        {
            var va = Vector512.Create(a); var lo = Vector512.Create(-b); var hi = Vector512.Create(b); var vs = Vector512.Create(s);
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.Min(Vector512.Max(Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(src), (nuint)i) / va, lo), hi);
                if (s != 0f) v = Vector512.Round(v / vs) * vs;
                v.StoreUnsafe(ref MemoryMarshal.GetReference(dst), (nuint)i);
            }
        }
        for (; i < n; i++) dst[i] = QuantizeInput(src[i] / a);
    }

    /// <summary>ADC of a whole output vector in place (<see cref="QuantizeOutput"/>); returns true if any |y_j| reached the bound (before clipping).</summary>
    public bool QuantizeOutputs(Span<float> y)
    {
        int n = y.Length, j = 0;
        float b = OutputBound, s = OutputStep;
        bool sat = false;
        if (Vector512.IsHardwareAccelerated)
        {
            var lo = Vector512.Create(-b); var hi = Vector512.Create(b); var vs = Vector512.Create(s);
            var any = Vector512<float>.Zero;
            for (; j <= n - 16; j += 16)
            {
                var v = Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(y), (nuint)j);
                any |= Vector512.GreaterThanOrEqual(Vector512.Abs(v), hi);
                v = Vector512.Min(Vector512.Max(v, lo), hi);
                if (s != 0f) v = Vector512.Round(v / vs) * vs;
                v.StoreUnsafe(ref MemoryMarshal.GetReference(y), (nuint)j);
            }
            sat = any != Vector512<float>.Zero;
        }
        for (; j < n; j++)
        {
            if (MathF.Abs(y[j]) >= b) sat = true;
            y[j] = QuantizeOutput(y[j]);
        }
        return sat;
    }
}

/// <summary>How the devices of one weight form a signed value (see <see cref="CellMapping"/>).</summary>
public enum MappingKind
{
    /// <summary>
    /// One bidirectional device per weight; its normalised state is the weight (aihwkit's pulsed
    /// devices, whose [w_min, w_max] already stands for a device against an ideal reference).
    /// </summary>
    Single,
    /// <summary>
    /// One device per weight against a reference device per input row: w_ij = g_ij − g_ref,i. The
    /// reference of row i is programmed once to the middle of its own conductance window,
    /// g_ref,i = (g_min,i + g_max,i)/2 (so its device-to-device spread of the bounds, and its write
    /// noise if any, offsets the whole row) and is never updated; a weight w is programmed as
    /// g_ij = ḡ + w with ḡ = (w_min + w_max)/2 the nominal mid-range, so w spans
    /// ±(w_max − w_min)/2. The column current minus the reference current gives
    /// y_j = Σ_i (g_ij − g_ref,i) x_i = (W·x)_j − Σ_i (g_ref,i − ḡ) x_i.
    /// </summary>
    Reference,
    /// <summary>
    /// Differential pair w = g⁺ − g⁻ with potentiation-only updates (positive steps to g⁺, negative
    /// to g⁻) and a refresh that reprograms a pair when either device nears saturation (aihwkit
    /// OneSidedUnitCell; the scheme PCM needs, Nandakumar et al. 2020).
    /// </summary>
    Differential,
}

/// <summary>
/// How one signed weight is held by conductances: the <see cref="MappingKind"/> of its cell and the
/// number N of such cells per weight (multi-memristive synapse, Boybat et al. 2018, Nat. Commun.
/// 9:2514). With N cells the column current sums them, w = Σ_{k=1..N} w_k (w_k = g_k, g_k − g_ref,k
/// or g⁺_k − g⁻_k), so the weight range grows N-fold; a weight w is programmed as w/N on every cell.
/// At each update event only the cell pointed to by a global selection counter receives the
/// pulses, and the counter then advances by one (mod N) — Boybat's counter-based arbitration — so
/// one pulse still moves w by one device step, while the independent device-to-device spread of
/// the N cells averages out (the relative spread of programmed weights falls as 1/√N).
/// The default value is one single device per weight.
/// </summary>
public readonly record struct CellMapping
{
    private readonly int _extra;   // N − 1, so that default(CellMapping) is one device

    /// <summary>A mapping of <paramref name="kind"/> with <paramref name="devicesPerWeight"/> cells per weight.</summary>
    public CellMapping(MappingKind kind, int devicesPerWeight = 1)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown mapping kind");
        if (devicesPerWeight is < 1 or > MaxDevicesPerWeight) throw new ArgumentOutOfRangeException(nameof(devicesPerWeight), devicesPerWeight, $"devices per weight must be 1…{MaxDevicesPerWeight}");
        Kind = kind; _extra = devicesPerWeight - 1;
    }

    /// <summary>Largest N accepted.</summary>
    public const int MaxDevicesPerWeight = 64;
    /// <summary>The cell kind.</summary>
    public MappingKind Kind { get; }
    /// <summary>Cells (devices or pairs) per weight, N ≥ 1.</summary>
    public int DevicesPerWeight => _extra + 1;
    /// <summary>One device per weight.</summary>
    public static CellMapping Single => new(MappingKind.Single);
    /// <summary>One device per weight against a reference device per row.</summary>
    public static CellMapping Reference => new(MappingKind.Reference);
    /// <summary>One differential pair per weight.</summary>
    public static CellMapping Differential => new(MappingKind.Differential);
    /// <summary>The same kind with <paramref name="n"/> cells per weight.</summary>
    public CellMapping WithDevices(int n) => new(Kind, n);
    /// <summary>The configuration name: single, reference or differential, with ×N when N &gt; 1.</summary>
    public override string ToString() => Name(Kind) + (DevicesPerWeight > 1 ? $"×{DevicesPerWeight}" : "");
    /// <summary>The configuration name of a kind (single, reference, differential).</summary>
    public static string Name(MappingKind kind) => kind switch { MappingKind.Reference => "reference", MappingKind.Differential => "differential", _ => "single" };

    /// <summary>
    /// Sum over the N cells of each weight: w_i = Σ_k (g⁺[k·n + i] − g⁻[k·n + i]) with n =
    /// w.Length, or Σ_k g⁺[k·n + i] when <paramref name="minus"/> is empty (cell k of weight i at
    /// k·n + i). The terms are added in k order, w = (…(d₀ + d₁) + …) + d_{N−1}, the same rounding
    /// as a scalar running sum from zero.
    /// </summary>
    public static void SumCells(ReadOnlySpan<float> plus, ReadOnlySpan<float> minus, int devices, Span<float> w)
    {
        int n = w.Length;
        if (plus.Length < devices * n || (!minus.IsEmpty && minus.Length < devices * n)) throw new ArgumentException($"need {devices}·{n} device states");
        if (minus.IsEmpty) plus[..n].CopyTo(w);
        else System.Numerics.Tensors.TensorPrimitives.Subtract(plus[..n], minus[..n], w);
        for (int k = 1; k < devices; k++)
        {
            var p = plus.Slice(k * n, n);
            if (minus.IsEmpty) { System.Numerics.Tensors.TensorPrimitives.Add(w, p, w); continue; }
            var m = minus.Slice(k * n, n);
            int i = 0;
            ref float rw = ref MemoryMarshal.GetReference(w);
            if (Vector512.IsHardwareAccelerated)
                for (; i <= n - 16; i += 16)
                    (Vector512.LoadUnsafe(ref rw, (nuint)i) + (Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(p), (nuint)i) - Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(m), (nuint)i))).StoreUnsafe(ref rw, (nuint)i);
            for (; i < n; i++) w[i] += p[i] - m[i];
        }
    }
}

/// <summary>Pulse generation of the parallel outer-product update.</summary>
public enum PulseType
{
    /// <summary>Stochastic pulse trains of length BL; a device steps once per coincidence (Gokmen &amp; Vlasov 2016).</summary>
    Stochastic,
    /// <summary>Deterministic pulse counts: each device gets round(η|x_i δ_j|/Δw_min) pulses (the expected count, no coincidence noise).</summary>
    Deterministic,
    /// <summary>
    /// Mixed precision (Nandakumar et al. 2020, Front. Neurosci. 14:406): the gradient is
    /// accumulated digitally, χ ← χ − η·Σ_b x_b δ_bᵀ, and a device receives n = ⌊|χ_ij|/Δw_min⌋
    /// pulses of sign(χ_ij) when |χ_ij| ≥ Δw_min, after which χ_ij ← χ_ij − sign·n·Δw_min.
    /// </summary>
    MixedPrecision,
}

/// <summary>
/// Parallel pulsed update (Gokmen &amp; Vlasov 2016, Front. Neurosci. 10:333, Eqs. 2–4; aihwkit
/// PulsedUpdateMetaParameter). For the descent step ΔW = −η·x·δᵀ each row i fires a Bernoulli
/// train of BL slots with probability p_i = min(1, A·k·|x_i|) and each column with
/// q_j = min(1, A/k·|δ_j|), A = √(η/(BL·Δw_min)); a device pulses once (direction −sign(x_i δ_j))
/// for every slot where both fire, so E[Δw_ij] = Δw_min·BL·p_i q_j = −η x_i δ_j while unclipped.
/// Update management chooses k = √(max|δ|/max|x|) so the two largest probabilities are equal;
/// BL management shortens the train to BL = min(BL_desired, ⌈η·max|x|·max|δ|/Δw_min⌉).
/// </summary>
public sealed record UpdateParams
{
    /// <summary>Desired (maximal) pulse-train length BL (≤ 64).</summary>
    public int DesiredBL { get; init; } = 31;
    /// <summary>Balance row and column probabilities (aihwkit update_management).</summary>
    public bool UpdateManagement { get; init; } = true;
    /// <summary>Shorten trains to the need of the sample (aihwkit update_bl_management).</summary>
    public bool BLManagement { get; init; } = true;
    /// <summary>Stochastic trains or deterministic counts.</summary>
    public PulseType PulseType { get; init; } = PulseType.Stochastic;
    /// <summary>Differential pairs: refresh when a device exceeds this fraction of its upper bound.</summary>
    public float RefreshThreshold { get; init; } = 0.9f;

    /// <summary>Throws naming the field when a value is out of range.</summary>
    public void Validate(string prefix = "update")
    {
        if (DesiredBL is < 1 or > 64) throw new ArgumentOutOfRangeException($"{prefix}.bl", DesiredBL, "pulse-train length must be 1…64");
        if (!(RefreshThreshold > 0 && RefreshThreshold <= 1)) throw new ArgumentOutOfRangeException($"{prefix}.refresh_threshold", RefreshThreshold, "must be in (0, 1]");
    }
}

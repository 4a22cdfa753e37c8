using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Neuromorph.Spiking;

/// <summary>Whether synaptic inputs are currents (CUBA) or conductances (COBA).</summary>
public enum SynapseKind
{
    /// <summary>Current-based: I_syn = I_e + I_i, each decaying exponentially (A).</summary>
    Current,
    /// <summary>Conductance-based: I_syn = g_e (E_e − v) + g_i (E_i − v), g decaying exponentially (S).</summary>
    Conductance,
}

/// <summary>
/// Leaky integrate-and-fire parameters (SI units):
/// C dv/dt = −g_L (v − E_L) + I_syn + I_ext, g_L = C/τ_m; spike when v &gt; v_th + β·a, then
/// reset and hold for t_ref. Synaptic variables decay as dx/dt = −x/τ_syn and jump by the weight
/// on each arriving spike. Optional threshold adaptation (ALIF, Bellec et al. 2020, "A solution to
/// the learning dilemma for recurrent networks of spiking neurons", Nat. Commun. 11:3625):
/// da/dt = −a/τ_a, a ← a + Δa at each spike, effective threshold A = v_th + β·a. With Δa = 1 this is
/// Bellec's ALIF; with β = θ₊ and τ_a = τ_θ it is the homeostatic adaptive threshold of Diehl &amp;
/// Cook (2015).
/// </summary>
public readonly record struct LifParameters
{
    /// <summary>Defaults: C = 200 pF, τ_m = 20 ms, E_L = −70 mV, v_th = −50 mV, v_reset = −60 mV, t_ref = 2 ms, τ_e = 5 ms, τ_i = 10 ms, CUBA.</summary>
    public LifParameters() { }

    /// <summary>Membrane capacitance C (F).</summary>
    public double Capacitance { get; init; } = 200e-12;
    /// <summary>Membrane time constant τ_m = C/g_L (s).</summary>
    public double TauMembrane { get; init; } = 20e-3;
    /// <summary>Leak reversal (resting) potential E_L (V).</summary>
    public double RestingPotential { get; init; } = -70e-3;
    /// <summary>Spike threshold v_th (V).</summary>
    public double Threshold { get; init; } = -50e-3;
    /// <summary>Reset potential v_reset (V).</summary>
    public double Reset { get; init; } = -60e-3;
    /// <summary>Absolute refractory period t_ref (s); v is held, synapses keep decaying.</summary>
    public double Refractory { get; init; } = 2e-3;
    /// <summary>Excitatory synaptic time constant τ_e (s).</summary>
    public double TauExcitatory { get; init; } = 5e-3;
    /// <summary>Inhibitory synaptic time constant τ_i (s).</summary>
    public double TauInhibitory { get; init; } = 10e-3;
    /// <summary>Current- or conductance-based synapses.</summary>
    public SynapseKind Synapses { get; init; } = SynapseKind.Current;
    /// <summary>Excitatory reversal potential E_e (V), COBA only.</summary>
    public double ReversalExcitatory { get; init; } = 0.0;
    /// <summary>Inhibitory reversal potential E_i (V), COBA only.</summary>
    public double ReversalInhibitory { get; init; } = -80e-3;
    /// <summary>Reset to value or by subtraction.</summary>
    public ResetMode ResetMode { get; init; } = ResetMode.ToValue;
    /// <summary>Threshold adaptation strength β (V per unit of a); 0 disables adaptation.</summary>
    public double AdaptationStrength { get; init; } = 0.0;
    /// <summary>Adaptation time constant τ_a (s).</summary>
    public double TauAdaptation { get; init; } = 200e-3;
    /// <summary>Jump Δa of the adaptation variable per spike (dimensionless).</summary>
    public double AdaptationIncrement { get; init; } = 1.0;

    /// <summary>Membrane resistance R = τ_m / C (Ω).</summary>
    public double Resistance => TauMembrane / Capacitance;

    /// <summary>Throws an exception naming the first invalid parameter.</summary>
    public void Validate()
    {
        Population.Positive(Capacitance, nameof(Capacitance));
        Population.Positive(TauMembrane, nameof(TauMembrane));
        Population.Positive(TauExcitatory, nameof(TauExcitatory));
        Population.Positive(TauInhibitory, nameof(TauInhibitory));
        Population.Positive(TauAdaptation, nameof(TauAdaptation));
        Population.NonNegative(Refractory, nameof(Refractory));
        Population.Finite(RestingPotential, nameof(RestingPotential));
        Population.Finite(Threshold, nameof(Threshold));
        Population.Finite(Reset, nameof(Reset));
        Population.Finite(ReversalExcitatory, nameof(ReversalExcitatory));
        Population.Finite(ReversalInhibitory, nameof(ReversalInhibitory));
        Population.Finite(AdaptationStrength, nameof(AdaptationStrength));
        Population.Finite(AdaptationIncrement, nameof(AdaptationIncrement));
        if (!(Reset < Threshold)) throw new ArgumentException($"Reset ({Reset} V) must be below Threshold ({Threshold} V)", nameof(Reset));
    }
}

/// <summary>Literature presets for <see cref="LifParameters"/>.</summary>
public static class LifPresets
{
    /// <summary>
    /// CUBA benchmark (Brette et al. 2007, "Simulation of networks of spiking neurons: a review of
    /// tools and strategies", J. Comput. Neurosci. 23:349, benchmark 2; as in Brian2's
    /// examples/CUBA.py): τ_m = 20 ms, E_L = −49 mV, v_th = −50 mV, v_reset = −60 mV, t_ref = 5 ms,
    /// τ_e = 5 ms, τ_i = 10 ms. Brian expresses synaptic variables in volts (R·I); here C = 200 pF
    /// (R = 100 MΩ), so the paper's jumps of 1.62 mV and −9 mV become 16.2 pA and −90 pA.
    /// </summary>
    public static LifParameters BretteCuba2007 => new()
    {
        Capacitance = 200e-12, TauMembrane = 20e-3, RestingPotential = -49e-3, Threshold = -50e-3, Reset = -60e-3,
        Refractory = 5e-3, TauExcitatory = 5e-3, TauInhibitory = 10e-3, Synapses = SynapseKind.Current,
    };

    /// <summary>
    /// COBA benchmark (Brette et al. 2007 benchmark 1, after Vogels &amp; Abbott 2005, J. Neurosci.
    /// 25:10786): C = 200 pF, g_L = 10 nS (τ_m = 20 ms), E_L = −60 mV, v_th = −50 mV,
    /// v_reset = −60 mV, t_ref = 5 ms, τ_e = 5 ms, τ_i = 10 ms, E_e = 0 mV, E_i = −80 mV;
    /// weights Δg_e = 6 nS, Δg_i = 67 nS.
    /// </summary>
    public static LifParameters BretteCoba2007 => new()
    {
        Capacitance = 200e-12, TauMembrane = 20e-3, RestingPotential = -60e-3, Threshold = -50e-3, Reset = -60e-3,
        Refractory = 5e-3, TauExcitatory = 5e-3, TauInhibitory = 10e-3, Synapses = SynapseKind.Conductance,
        ReversalExcitatory = 0.0, ReversalInhibitory = -80e-3,
    };

    /// <summary>
    /// Brunel (2000, "Dynamics of sparsely connected networks of excitatory and inhibitory spiking
    /// neurons", J. Comput. Neurosci. 8:183) model A: τ_m = 20 ms, θ = 20 mV, V_r = 10 mV,
    /// τ_rp = 2 ms, potentials measured from rest (E_L = 0); synapses are voltage jumps
    /// (<see cref="Receptor.Voltage"/>).
    /// </summary>
    public static LifParameters Brunel2000 => new()
    {
        Capacitance = 250e-12, TauMembrane = 20e-3, RestingPotential = 0.0, Threshold = 20e-3, Reset = 10e-3,
        Refractory = 2e-3,
    };

    /// <summary>
    /// Adaptive LIF of the LSNN of Bellec et al. (2018, "Long short-term memory and learning-to-learn
    /// in networks of spiking neurons", NeurIPS): threshold A = b⁰ + β·b with b⁰ = 0.01 (here 10 mV
    /// above rest), β = 1.8 (V per unit of b), b decaying with τ_a = 200 ms and jumping by 1 − ρ
    /// (ρ = e^{−1 ms/τ_a}, their 1 ms step) at each spike; τ_m = 20 ms, reset by subtraction,
    /// t_ref = 2 ms. The same threshold form is the ALIF of Bellec et al. (2020).
    /// </summary>
    public static LifParameters Bellec2018Lsnn => new()
    {
        TauMembrane = 20e-3, RestingPotential = 0.0, Threshold = 10e-3, Reset = 0.0, Refractory = 2e-3,
        ResetMode = ResetMode.Subtract, AdaptationStrength = 1.8, TauAdaptation = 200e-3,
        AdaptationIncrement = 1 - Math.Exp(-1e-3 / 200e-3),
    };

    /// <summary>
    /// Homeostatic adaptive threshold of Diehl &amp; Cook (2015, "Unsupervised learning of digit
    /// recognition using spike-timing-dependent plasticity", Front. Comput. Neurosci. 9:99),
    /// excitatory neurons: E_L = −65 mV, v_th = −52 mV (+ θ), v_reset = −65 mV, τ_m = 100 ms,
    /// t_ref = 5 ms, θ₊ = 0.05 mV per spike, τ_θ = 10⁷ ms.
    /// </summary>
    public static LifParameters DiehlCook2015Excitatory => new()
    {
        TauMembrane = 100e-3, RestingPotential = -65e-3, Threshold = -52e-3, Reset = -65e-3, Refractory = 5e-3,
        TauExcitatory = 1e-3, TauInhibitory = 2e-3, Synapses = SynapseKind.Conductance,
        ReversalExcitatory = 0.0, ReversalInhibitory = -100e-3,
        AdaptationStrength = 0.05e-3, TauAdaptation = 1e4, AdaptationIncrement = 1.0,
    };
}

/// <summary>
/// A population of leaky integrate-and-fire neurons (<see cref="LifParameters"/>).
/// CUBA dynamics are linear between spikes and integrated exactly with precomputed propagators
/// (Rotter &amp; Diesmann 1999, "Exact digital simulation of time-invariant linear systems with
/// applications to neuronal modeling", Biol. Cybern. 81:381):
/// v(t+h) = E_L + (v − E_L) e^{−h/τ_m} + R·I_x·τ_x/(τ_x − τ_m)(e^{−h/τ_x} − e^{−h/τ_m}) + R·I_ext(1 − e^{−h/τ_m}),
/// I_x(t+h) = I_x e^{−h/τ_x}. COBA dynamics use exponential Euler with the conductances frozen over
/// the step: v(t+h) = v_∞ + (v − v_∞) e^{−h·g_tot/C}, v_∞ = (g_L E_L + g_e E_e + g_i E_i + I)/g_tot;
/// conductances decay exactly. The update is vectorised over Vector256 lanes.
/// </summary>
public sealed class LifPopulation : Population
{
    private static readonly string[] Vars = ["v", "ge", "gi", "a", "bias"];

    /// <summary>Membrane potential v (V).</summary>
    public float[] V { get; }
    /// <summary>Excitatory synaptic current (A, CUBA) or conductance (S, COBA).</summary>
    public float[] Ge { get; }
    /// <summary>Inhibitory synaptic current (A, CUBA, negative for inhibition) or conductance (S, COBA).</summary>
    public float[] Gi { get; }
    /// <summary>Threshold adaptation variable a (dimensionless).</summary>
    public float[] A { get; }
    /// <summary>Constant bias current per neuron (A); changes take effect at the next <see cref="Network.Run"/>.</summary>
    public float[] Bias { get; }
    /// <summary>Remaining refractory steps per neuron.</summary>
    public int[] RefractoryLeft { get; }

    /// <summary>The parameters.</summary>
    public LifParameters Parameters { get; }

    private float _pm, _pe, _pi, _pa, _ke, _ki, _kc, _el, _th, _reset, _sub, _beta, _da, _gl, _glEl, _ee, _ei, _hOverC;
    private int _nref;

    /// <summary>Creates <paramref name="count"/> neurons at v = E_L with zero synaptic input.</summary>
    public LifPopulation(string name, int count, LifParameters parameters) : base(name, count)
    {
        parameters.Validate();
        Parameters = parameters;
        V = new float[count]; Ge = new float[count]; Gi = new float[count]; A = new float[count]; Bias = new float[count];
        RefractoryLeft = new int[count];
        Array.Fill(V, (float)parameters.RestingPotential);
    }

    /// <inheritdoc/>
    public override bool Accepts(Receptor receptor) => true;
    /// <inheritdoc/>
    public override IReadOnlyList<string> StateVariables => Vars;
    /// <inheritdoc/>
    public override float[] State(string variable) => variable switch
    {
        "v" => V, "ge" => Ge, "gi" => Gi, "a" => A, "bias" => Bias,
        _ => throw new ArgumentException($"LIF population '{Name}' has no state variable '{variable}' (has {string.Join(", ", Vars)})", nameof(variable)),
    };
    /// <inheritdoc/>
    public override long StateBytes => 6L * 4 * Count;

    private bool _hasBias;

    internal override void BeginRun() => _hasBias = Bias.AsSpan().IndexOfAnyExcept(0f) >= 0;

    internal override void Prepare(double dt)
    {
        var p = Parameters;
        if (dt > p.TauMembrane / 2 || dt > p.TauExcitatory / 2 || dt > p.TauInhibitory / 2)
            throw new ArgumentOutOfRangeException(nameof(dt), dt, $"dt = {dt} s is too large for LIF population '{Name}': it must be at most half the shortest time constant (τ_m = {p.TauMembrane}, τ_e = {p.TauExcitatory}, τ_i = {p.TauInhibitory} s)");
        double pm = Math.Exp(-dt / p.TauMembrane), r = p.Resistance;
        _pm = (float)pm;
        _pe = (float)Math.Exp(-dt / p.TauExcitatory);
        _pi = (float)Math.Exp(-dt / p.TauInhibitory);
        _pa = (float)Math.Exp(-dt / p.TauAdaptation);
        _ke = (float)(r * Kernel(dt, p.TauExcitatory, p.TauMembrane));
        _ki = (float)(r * Kernel(dt, p.TauInhibitory, p.TauMembrane));
        _kc = (float)(r * (1 - pm));
        _el = (float)p.RestingPotential; _th = (float)p.Threshold; _reset = (float)p.Reset;
        _sub = (float)(p.Threshold - p.Reset);
        _beta = (float)p.AdaptationStrength; _da = (float)p.AdaptationIncrement;
        double gl = p.Capacitance / p.TauMembrane;
        _gl = (float)gl; _glEl = (float)(gl * p.RestingPotential);
        _ee = (float)p.ReversalExcitatory; _ei = (float)p.ReversalInhibitory;
        _hOverC = (float)(dt / p.Capacitance);
        _nref = (int)Math.Round(p.Refractory / dt);
    }

    /// <summary>∫₀ʰ e^{−(h−s)/τ_m} e^{−s/τ_x} ds / τ_m = τ_x/(τ_x − τ_m)(e^{−h/τ_x} − e^{−h/τ_m}); h/τ_m e^{−h/τ_m} if equal.</summary>
    internal static double Kernel(double h, double tauX, double tauM)
    {
        if (Math.Abs(tauX - tauM) < 1e-12 * tauM) return h / tauM * Math.Exp(-h / tauM);
        return tauX / (tauX - tauM) * (Math.Exp(-h / tauX) - Math.Exp(-h / tauM));
    }

    internal override int Update(long step, int slot, int start, int end, Span<int> spikes)
    {
        var p = Parameters;
        ApplyInjections(step, Owner!.Dt, slot, start, end);
        ApplyPoissonInputs(step, slot, start, end);
        int off = slot * Count;
        var ringE = Rings[0]!; var ringI = Rings[1]!;
        var ringV = Rings[2]; var ringC = Rings[3];
        bool cond = p.Synapses == SynapseKind.Conductance;
        bool alif = _beta != 0f;
        bool sub = p.ResetMode == ResetMode.Subtract;
        bool hasBias = _hasBias;
        int n = 0, i = start;

        ref float v = ref MemoryMarshal.GetArrayDataReference(V);
        ref float ge = ref MemoryMarshal.GetArrayDataReference(Ge);
        ref float gi = ref MemoryMarshal.GetArrayDataReference(Gi);
        ref float aa = ref MemoryMarshal.GetArrayDataReference(A);
        ref float bias = ref MemoryMarshal.GetArrayDataReference(Bias);
        ref int refr = ref MemoryMarshal.GetArrayDataReference(RefractoryLeft);
        ref float re = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(ringE), off);
        ref float ri = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(ringI), off);

        if (Vector256.IsHardwareAccelerated)
        {
            // One specialised loop per (COBA?, adaptation?, extra inputs?) so no invariant test is
            // left inside the hot loop, whatever the JIT's profile says.
            bool extra = hasBias || ringV != null || ringC != null;
            i = (cond, alif, extra) switch
            {
                (false, false, false) => VectorLoop<No, No, No>(start, end, off, spikes, ref n, hasBias, sub),
                (false, false, true) => VectorLoop<No, No, Yes>(start, end, off, spikes, ref n, hasBias, sub),
                (false, true, false) => VectorLoop<No, Yes, No>(start, end, off, spikes, ref n, hasBias, sub),
                (false, true, true) => VectorLoop<No, Yes, Yes>(start, end, off, spikes, ref n, hasBias, sub),
                (true, false, false) => VectorLoop<Yes, No, No>(start, end, off, spikes, ref n, hasBias, sub),
                (true, false, true) => VectorLoop<Yes, No, Yes>(start, end, off, spikes, ref n, hasBias, sub),
                (true, true, false) => VectorLoop<Yes, Yes, No>(start, end, off, spikes, ref n, hasBias, sub),
                _ => VectorLoop<Yes, Yes, Yes>(start, end, off, spikes, ref n, hasBias, sub),
            };
        }
        for (; i < end; i++)
        {
            float e = Unsafe.Add(ref ge, i) + Unsafe.Add(ref re, i); Unsafe.Add(ref re, i) = 0f;
            float h = Unsafe.Add(ref gi, i) + Unsafe.Add(ref ri, i); Unsafe.Add(ref ri, i) = 0f;
            float iext = Unsafe.Add(ref bias, i);
            if (ringC != null) { iext += ringC[off + i]; ringC[off + i] = 0f; }
            float vv = Unsafe.Add(ref v, i), vn;
            if (!cond) vn = _el + (vv - _el) * _pm + e * _ke + h * _ki + iext * _kc;
            else
            {
                float gt = _gl + e + h;
                float vinf = (_glEl + e * _ee + h * _ei + iext) / gt;
                vn = vinf + (vv - vinf) * MathF.Exp(-gt * _hOverC);
            }
            if (ringV != null) { vn += ringV[off + i]; ringV[off + i] = 0f; }
            int rr = Unsafe.Add(ref refr, i);
            bool free = rr == 0;
            if (free) vv = vn;
            Unsafe.Add(ref ge, i) = e * _pe;
            Unsafe.Add(ref gi, i) = h * _pi;
            Unsafe.Add(ref refr, i) = Math.Max(rr - 1, 0);
            float thr = _th;
            if (alif) { float av = Unsafe.Add(ref aa, i) * _pa; Unsafe.Add(ref aa, i) = av; thr += _beta * av; }
            Unsafe.Add(ref v, i) = vv;
            if (free && vv > thr) { Fire(i, sub); spikes[n++] = i; }
        }
        return n;
    }

    private int VectorLoop<TCond, TAlif, TExtra>(int start, int end, int off, Span<int> spikes, ref int n, bool hasBias, bool sub)
        where TCond : struct, IFlag where TAlif : struct, IFlag where TExtra : struct, IFlag
    {
        int i = start;
        var ringV = Rings[2]; var ringC = Rings[3];
        ref float v = ref MemoryMarshal.GetArrayDataReference(V);
        ref float ge = ref MemoryMarshal.GetArrayDataReference(Ge);
        ref float gi = ref MemoryMarshal.GetArrayDataReference(Gi);
        ref float aa = ref MemoryMarshal.GetArrayDataReference(A);
        ref float bias = ref MemoryMarshal.GetArrayDataReference(Bias);
        ref int refr = ref MemoryMarshal.GetArrayDataReference(RefractoryLeft);
        ref float re = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Rings[0]!), off);
        ref float ri = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Rings[1]!), off);
        var vPm = Vector256.Create(_pm); var vPe = Vector256.Create(_pe); var vPi = Vector256.Create(_pi);
        var vKe = Vector256.Create(_ke); var vKi = Vector256.Create(_ki); var vKc = Vector256.Create(_kc);
        var vEl = Vector256.Create(_el); var vTh = Vector256.Create(_th); var vPa = Vector256.Create(_pa);
        var vBeta = Vector256.Create(_beta); var vGl = Vector256.Create(_gl); var vGlEl = Vector256.Create(_glEl);
        var vEe = Vector256.Create(_ee); var vEi = Vector256.Create(_ei); var vMinusHc = Vector256.Create(-_hOverC);
        var one = Vector256<int>.One;
        for (; i <= end - 8; i += 8)
        {
            nuint u = (nuint)i;
            var e = Vector256.LoadUnsafe(ref ge, u) + Vector256.LoadUnsafe(ref re, u);
            var h = Vector256.LoadUnsafe(ref gi, u) + Vector256.LoadUnsafe(ref ri, u);
            Vector256<float>.Zero.StoreUnsafe(ref re, u);
            Vector256<float>.Zero.StoreUnsafe(ref ri, u);
            var iext = TExtra.On && hasBias ? Vector256.LoadUnsafe(ref bias, u) : Vector256<float>.Zero;
            if (TExtra.On && ringC != null)
            {
                ref float rc = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(ringC), off);
                iext += Vector256.LoadUnsafe(ref rc, u);
                Vector256<float>.Zero.StoreUnsafe(ref rc, u);
            }
            var vv = Vector256.LoadUnsafe(ref v, u);
            Vector256<float> vn;
            if (!TCond.On)
            {
                vn = vEl + (vv - vEl) * vPm + e * vKe + h * vKi + iext * vKc;
            }
            else
            {
                var gt = vGl + e + h;
                var vinf = (vGlEl + e * vEe + h * vEi + iext) / gt;
                vn = vinf + (vv - vinf) * Vector256.Exp(gt * vMinusHc);
            }
            if (TExtra.On && ringV != null)
            {
                ref float rv = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(ringV), off);
                vn += Vector256.LoadUnsafe(ref rv, u);
                Vector256<float>.Zero.StoreUnsafe(ref rv, u);
            }
            var rr = Vector256.LoadUnsafe(ref refr, u);
            var free = Vector256.Equals(rr, Vector256<int>.Zero).AsSingle();
            vv = Vector256.ConditionalSelect(free, vn, vv);
            (e * vPe).StoreUnsafe(ref ge, u);
            (h * vPi).StoreUnsafe(ref gi, u);
            Vector256.Max(rr - one, Vector256<int>.Zero).StoreUnsafe(ref refr, u);
            var thr = vTh;
            if (TAlif.On)
            {
                var av = Vector256.LoadUnsafe(ref aa, u) * vPa;
                av.StoreUnsafe(ref aa, u);
                thr += vBeta * av;
            }
            vv.StoreUnsafe(ref v, u);
            uint mask = Vector256.ExtractMostSignificantBits(Vector256.GreaterThan(vv, thr) & free);
            while (mask != 0)
            {
                int k = i + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                Fire(k, sub);
                spikes[n++] = k;
            }
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Fire(int k, bool sub)
    {
        V[k] = sub ? V[k] - _sub : _reset;
        RefractoryLeft[k] = _nref;
        if (_beta != 0f) A[k] += _da;
    }
}

/// <summary>A compile-time boolean for specialising generic kernels (the JIT removes dead branches per instantiation).</summary>
internal interface IFlag { static abstract bool On { get; } }
internal readonly struct Yes : IFlag { public static bool On => true; }
internal readonly struct No : IFlag { public static bool On => false; }

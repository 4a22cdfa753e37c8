using System.Runtime.Intrinsics;

namespace Neuromorph.Spiking;

/// <summary>
/// Adaptive exponential integrate-and-fire parameters (Brette &amp; Gerstner 2005, "Adaptive
/// exponential integrate-and-fire model as an effective description of neuronal activity",
/// J. Neurophysiol. 94:3637): C dV/dt = −g_L(V − E_L) + g_L Δ_T exp((V − V_T)/Δ_T) − w + I_syn + I,
/// τ_w dw/dt = a(V − E_L) − w; when V ≥ V_peak: V ← V_r, w ← w + b. Defaults are the paper's
/// Table 1 values for a regular-spiking pyramidal cell: C = 281 pF, g_L = 30 nS, E_L = −70.6 mV,
/// V_T = −50.4 mV, Δ_T = 2 mV, τ_w = 144 ms, a = 4 nS, b = 0.0805 nA, V_r = E_L; V_peak = V_T + 5Δ_T
/// (the cut-off used by Brian2's AdEx example).
/// </summary>
public readonly record struct AdExParameters
{
    /// <summary>Brette &amp; Gerstner (2005) defaults.</summary>
    public AdExParameters() { }
    /// <summary>Capacitance C (F).</summary>
    public double Capacitance { get; init; } = 281e-12;
    /// <summary>Leak conductance g_L (S).</summary>
    public double LeakConductance { get; init; } = 30e-9;
    /// <summary>Leak reversal E_L (V).</summary>
    public double RestingPotential { get; init; } = -70.6e-3;
    /// <summary>Threshold slope factor point V_T (V).</summary>
    public double ThresholdPotential { get; init; } = -50.4e-3;
    /// <summary>Slope factor Δ_T (V).</summary>
    public double SlopeFactor { get; init; } = 2e-3;
    /// <summary>Adaptation time constant τ_w (s).</summary>
    public double TauAdaptation { get; init; } = 144e-3;
    /// <summary>Subthreshold adaptation a (S).</summary>
    public double SubthresholdAdaptation { get; init; } = 4e-9;
    /// <summary>Spike-triggered adaptation b (A).</summary>
    public double SpikeAdaptation { get; init; } = 0.0805e-9;
    /// <summary>Reset V_r (V).</summary>
    public double Reset { get; init; } = -70.6e-3;
    /// <summary>Spike cut-off V_peak (V).</summary>
    public double PeakPotential { get; init; } = -40.4e-3;
    /// <summary>Refractory period (s).</summary>
    public double Refractory { get; init; } = 0.0;
    /// <summary>Current- or conductance-based synapses.</summary>
    public SynapseKind Synapses { get; init; } = SynapseKind.Current;
    /// <summary>Excitatory synaptic time constant (s).</summary>
    public double TauExcitatory { get; init; } = 5e-3;
    /// <summary>Inhibitory synaptic time constant (s).</summary>
    public double TauInhibitory { get; init; } = 10e-3;
    /// <summary>Excitatory reversal (V), COBA.</summary>
    public double ReversalExcitatory { get; init; } = 0.0;
    /// <summary>Inhibitory reversal (V), COBA.</summary>
    public double ReversalInhibitory { get; init; } = -80e-3;

    /// <summary>Throws naming an invalid parameter.</summary>
    public void Validate()
    {
        Population.Positive(Capacitance, nameof(Capacitance)); Population.Positive(LeakConductance, nameof(LeakConductance));
        Population.Positive(SlopeFactor, nameof(SlopeFactor)); Population.Positive(TauAdaptation, nameof(TauAdaptation));
        Population.Positive(TauExcitatory, nameof(TauExcitatory)); Population.Positive(TauInhibitory, nameof(TauInhibitory));
        Population.NonNegative(Refractory, nameof(Refractory));
        Population.Finite(SubthresholdAdaptation, nameof(SubthresholdAdaptation)); Population.Finite(SpikeAdaptation, nameof(SpikeAdaptation));
        Population.Finite(RestingPotential, nameof(RestingPotential)); Population.Finite(ThresholdPotential, nameof(ThresholdPotential));
        if (!(Reset < PeakPotential)) throw new ArgumentException($"Reset ({Reset} V) must be below PeakPotential ({PeakPotential} V)", nameof(Reset));
    }
}

/// <summary>
/// A population of AdEx neurons (<see cref="AdExParameters"/>), integrated with classical RK4 at the
/// network step with synaptic inputs held over the step (the exponential is capped at e^{20} inside a
/// step so a diverging upswing cannot overflow); synapses decay exactly between steps. Whole groups
/// of eight neurons run in float32 Vector256 lanes, the remainder of the population in double.
/// </summary>
public sealed class AdExPopulation : Population
{
    private static readonly string[] Vars = ["v", "w", "ge", "gi", "bias"];
    private double _h, _pe, _pi;
    private int _nref;

    /// <summary>Creates the population at V = E_L, w = 0.</summary>
    public AdExPopulation(string name, int count, AdExParameters parameters) : base(name, count)
    {
        parameters.Validate();
        Parameters = parameters;
        V = new float[count]; W = new float[count]; Ge = new float[count]; Gi = new float[count]; Bias = new float[count];
        RefractoryLeft = new int[count];
        Array.Fill(V, (float)parameters.RestingPotential);
    }

    /// <summary>Parameters.</summary>
    public AdExParameters Parameters { get; }
    /// <summary>Membrane potential (V).</summary>
    public float[] V { get; }
    /// <summary>Adaptation current w (A).</summary>
    public float[] W { get; }
    /// <summary>Excitatory current (A) or conductance (S).</summary>
    public float[] Ge { get; }
    /// <summary>Inhibitory current (A) or conductance (S).</summary>
    public float[] Gi { get; }
    /// <summary>Bias current (A).</summary>
    public float[] Bias { get; }
    /// <summary>Remaining refractory steps.</summary>
    public int[] RefractoryLeft { get; }

    /// <inheritdoc/>
    public override bool Accepts(Receptor receptor) => true;
    /// <inheritdoc/>
    public override IReadOnlyList<string> StateVariables => Vars;
    /// <inheritdoc/>
    public override float[] State(string variable) => variable switch
    {
        "v" => V, "w" => W, "ge" => Ge, "gi" => Gi, "bias" => Bias,
        _ => throw new ArgumentException($"AdEx population '{Name}' has no variable '{variable}'", nameof(variable)),
    };
    /// <inheritdoc/>
    public override long StateBytes => 24L * Count;

    internal override void Prepare(double dt)
    {
        var p = Parameters;
        double tauM = p.Capacitance / p.LeakConductance;
        if (dt > tauM / 10 || dt > p.TauExcitatory / 2 || dt > p.TauInhibitory / 2 || dt > 0.5e-3)
            throw new ArgumentOutOfRangeException(nameof(dt), dt, $"dt = {dt} s is too large for AdEx population '{Name}' (at most 0.5 ms, τ_m/10 and half the synaptic time constants)");
        _h = dt; _pe = Math.Exp(-dt / p.TauExcitatory); _pi = Math.Exp(-dt / p.TauInhibitory);
        _nref = (int)Math.Round(p.Refractory / dt);
    }

    /// <summary>Right-hand side (V/s, A/s) with total input current i (A).</summary>
    internal static (double Dv, double Dw) Rhs(in AdExParameters p, double v, double w, double i)
    {
        double ex = Math.Exp(Math.Min((v - p.ThresholdPotential) / p.SlopeFactor, 20.0));
        double dv = (-p.LeakConductance * (v - p.RestingPotential) + p.LeakConductance * p.SlopeFactor * ex - w + i) / p.Capacitance;
        double dw = (p.SubthresholdAdaptation * (v - p.RestingPotential) - w) / p.TauAdaptation;
        return (dv, dw);
    }

    /// <summary>One RK4 step of h seconds; <paramref name="gs"/> (total conductance) and <paramref name="gsE"/> (Σ g·E) give a conductance input Σg(E − v), zero for CUBA.</summary>
    internal static (double V, double W) Rk4(in AdExParameters p, double v, double w, double i, double gs, double gsE, double h)
    {
        var (a1, b1) = Rhs(p, v, w, i + gsE - gs * v);
        double v2 = v + 0.5 * h * a1, w2 = w + 0.5 * h * b1;
        var (a2, b2) = Rhs(p, v2, w2, i + gsE - gs * v2);
        double v3 = v + 0.5 * h * a2, w3 = w + 0.5 * h * b2;
        var (a3, b3) = Rhs(p, v3, w3, i + gsE - gs * v3);
        double v4 = v + h * a3, w4 = w + h * b3;
        var (a4, b4) = Rhs(p, v4, w4, i + gsE - gs * v4);
        return (v + h / 6 * (a1 + 2 * a2 + 2 * a3 + a4), w + h / 6 * (b1 + 2 * b2 + 2 * b3 + b4));
    }

    internal override int Update(long step, int slot, int start, int end, Span<int> spikes)
    {
        ApplyInjections(step, Owner!.Dt, slot, start, end);
        ApplyPoissonInputs(step, slot, start, end);
        var p = Parameters;
        bool cond = p.Synapses == SynapseKind.Conductance;
        int off = slot * Count, n = 0;
        var re = Rings[0]!; var ri = Rings[1]!; var rv = Rings[2]; var rc = Rings[3];
        int k0 = start;
        if (Vector256.IsHardwareAccelerated)
            for (; k0 <= end - 8; k0 += 8) n = UpdateVector(k0, off, re, ri, rv, rc, spikes, n, cond);
        for (int k = k0; k < end; k++)
        {
            double ge = Ge[k] + re[off + k]; re[off + k] = 0;
            double gi = Gi[k] + ri[off + k]; ri[off + k] = 0;
            double i = Bias[k];
            if (rc != null) { i += rc[off + k]; rc[off + k] = 0; }
            double v = V[k], w = W[k];
            double jump = 0;
            if (rv != null) { jump = rv[off + k]; rv[off + k] = 0; }
            Ge[k] = (float)(ge * _pe); Gi[k] = (float)(gi * _pi);
            if (RefractoryLeft[k] > 0)
            {
                RefractoryLeft[k]--;
                W[k] = (float)(w + _h * (p.SubthresholdAdaptation * (v - p.RestingPotential) - w) / p.TauAdaptation);
                continue;
            }
            double gs = 0, gsE = 0;
            if (cond) { gs = ge + gi; gsE = ge * p.ReversalExcitatory + gi * p.ReversalInhibitory; }
            else i += ge + gi;
            var (vn, wn) = Rk4(p, v + jump, w, i, gs, gsE, _h);
            if (!(vn < p.PeakPotential))
            {
                V[k] = (float)p.Reset;
                W[k] = (float)((double.IsFinite(wn) ? wn : w) + p.SpikeAdaptation);
                RefractoryLeft[k] = _nref;
                spikes[n++] = k;
            }
            else { V[k] = (float)vn; W[k] = (float)wn; }
        }
        return n;
    }

    private static (Vector256<float> Dv, Vector256<float> Dw) RhsV(in AdExParameters p, Vector256<float> v, Vector256<float> w, Vector256<float> i)
    {
        var ex = Vector256.Exp(Vector256.Min((v - Vector256.Create((float)p.ThresholdPotential)) * (float)(1 / p.SlopeFactor), Vector256.Create(20f)));
        var gl = (float)p.LeakConductance;
        var dv = (gl * (Vector256.Create((float)p.RestingPotential) - v) + (float)(p.LeakConductance * p.SlopeFactor) * ex - w + i) * (float)(1 / p.Capacitance);
        var dw = ((float)p.SubthresholdAdaptation * (v - Vector256.Create((float)p.RestingPotential)) - w) * (float)(1 / p.TauAdaptation);
        return (dv, dw);
    }

    private int UpdateVector(int k, int off, float[] re, float[] ri, float[]? rv, float[]? rc, Span<int> spikes, int n, bool cond)
    {
        var p = Parameters;
        var ge = Vector256.Create(Ge.AsSpan(k, 8)) + Vector256.Create(re.AsSpan(off + k, 8));
        var gi = Vector256.Create(Gi.AsSpan(k, 8)) + Vector256.Create(ri.AsSpan(off + k, 8));
        re.AsSpan(off + k, 8).Clear(); ri.AsSpan(off + k, 8).Clear();
        var i = Vector256.Create(Bias.AsSpan(k, 8));
        if (rc != null) { i += Vector256.Create(rc.AsSpan(off + k, 8)); rc.AsSpan(off + k, 8).Clear(); }
        var v = Vector256.Create(V.AsSpan(k, 8)); var w = Vector256.Create(W.AsSpan(k, 8));
        var jump = Vector256<float>.Zero;
        if (rv != null) { jump = Vector256.Create(rv.AsSpan(off + k, 8)); rv.AsSpan(off + k, 8).Clear(); }
        (ge * (float)_pe).CopyTo(Ge.AsSpan(k, 8)); (gi * (float)_pi).CopyTo(Gi.AsSpan(k, 8));
        var refr = Vector256.Create(RefractoryLeft.AsSpan(k, 8));
        var free = Vector256.Equals(refr, Vector256<int>.Zero);
        Vector256.Max(refr - Vector256<int>.One, Vector256<int>.Zero).CopyTo(RefractoryLeft.AsSpan(k, 8));
        // Refractory neurons: V held, w relaxes by one Euler step (as the scalar path).
        var wHeld = w + (float)_h * ((float)p.SubthresholdAdaptation * (v - Vector256.Create((float)p.RestingPotential)) - w) * (float)(1 / p.TauAdaptation);
        Vector256<float> gs = Vector256<float>.Zero, gsE = Vector256<float>.Zero;
        if (cond) { gs = ge + gi; gsE = ge * (float)p.ReversalExcitatory + gi * (float)p.ReversalInhibitory; }
        else i += ge + gi;
        float h = (float)_h, h2 = h / 2, h6 = h / 6;
        var v1 = v + jump;
        var (a1, b1) = RhsV(p, v1, w, i + gsE - gs * v1);
        var v2 = v1 + h2 * a1; var w2 = w + h2 * b1;
        var (a2, b2) = RhsV(p, v2, w2, i + gsE - gs * v2);
        var v3 = v1 + h2 * a2; var w3 = w + h2 * b2;
        var (a3, b3) = RhsV(p, v3, w3, i + gsE - gs * v3);
        var v4 = v1 + h * a3; var w4 = w + h * b3;
        var (a4, b4) = RhsV(p, v4, w4, i + gsE - gs * v4);
        var vn = v1 + h6 * (a1 + 2f * a2 + 2f * a3 + a4);
        var wn = w + h6 * (b1 + 2f * b2 + 2f * b3 + b4);
        var fired = ~Vector256.LessThan(vn, Vector256.Create((float)p.PeakPotential)) & free.AsSingle();
        var finiteW = Vector256.Equals(wn, wn) & Vector256.LessThan(Vector256.Abs(wn), Vector256.Create(float.PositiveInfinity));
        var wSpike = Vector256.ConditionalSelect(finiteW, wn, w) + Vector256.Create((float)p.SpikeAdaptation);
        var vOut = Vector256.ConditionalSelect(fired, Vector256.Create((float)p.Reset), Vector256.ConditionalSelect(free.AsSingle(), vn, v));
        var wOut = Vector256.ConditionalSelect(fired, wSpike, Vector256.ConditionalSelect(free.AsSingle(), wn, wHeld));
        vOut.CopyTo(V.AsSpan(k, 8)); wOut.CopyTo(W.AsSpan(k, 8));
        uint mask = Vector256.ExtractMostSignificantBits(fired);
        while (mask != 0)
        {
            int l = System.Numerics.BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            RefractoryLeft[k + l] = _nref;
            spikes[n++] = k + l;
        }
        return n;
    }
}

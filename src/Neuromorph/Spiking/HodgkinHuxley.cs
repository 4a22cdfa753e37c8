using System.Numerics;
using System.Runtime.Intrinsics;

namespace Neuromorph.Spiking;

/// <summary>
/// Hodgkin–Huxley neuron in the Traub &amp; Miles (1991) variant used by the COBAHH benchmark
/// (Brette et al. 2007 benchmark 3; Brian2 examples/COBAHH.py), for a membrane area of
/// 20,000 µm²: C dv/dt = g_L(E_L − v) − g_Na m³h(v − E_Na) − g_K n⁴(v − E_K) + g_e(E_e − v) + g_i(E_i − v) + I,
/// dx/dt = α_x(1 − x) − β_x x for x ∈ {m, h, n} with (v, V_T in mV, rates in 1/ms)
/// α_m = 0.32(13 − v + V_T)/(e^{(13 − v + V_T)/4} − 1), β_m = 0.28(v − V_T − 40)/(e^{(v − V_T − 40)/5} − 1),
/// α_h = 0.128 e^{(17 − v + V_T)/18}, β_h = 4/(1 + e^{(40 − v + V_T)/5}),
/// α_n = 0.032(15 − v + V_T)/(e^{(15 − v + V_T)/5} − 1), β_n = 0.5 e^{(10 − v + V_T)/40}.
/// A spike is an upward crossing of <see cref="SpikeThreshold"/> (−20 mV).
/// </summary>
public readonly record struct HodgkinHuxleyParameters
{
    /// <summary>COBAHH values: C = 200 pF, g_L = 10 nS, E_L = −60 mV, E_K = −90 mV, E_Na = 50 mV, g_Na = 20 µS, g_K = 6 µS, V_T = −63 mV, τ_e = 5 ms, τ_i = 10 ms, E_e = 0, E_i = −80 mV.</summary>
    public HodgkinHuxleyParameters() { }
    /// <summary>C (F).</summary>
    public double Capacitance { get; init; } = 200e-12;
    /// <summary>g_L (S).</summary>
    public double LeakConductance { get; init; } = 10e-9;
    /// <summary>E_L (V).</summary>
    public double LeakReversal { get; init; } = -60e-3;
    /// <summary>E_K (V).</summary>
    public double PotassiumReversal { get; init; } = -90e-3;
    /// <summary>E_Na (V).</summary>
    public double SodiumReversal { get; init; } = 50e-3;
    /// <summary>g_Na (S).</summary>
    public double SodiumConductance { get; init; } = 20e-6;
    /// <summary>g_K (S).</summary>
    public double PotassiumConductance { get; init; } = 6e-6;
    /// <summary>V_T (V), shifts all rate functions.</summary>
    public double VT { get; init; } = -63e-3;
    /// <summary>Spike detection threshold (V).</summary>
    public double SpikeThreshold { get; init; } = -20e-3;
    /// <summary>τ_e (s).</summary>
    public double TauExcitatory { get; init; } = 5e-3;
    /// <summary>τ_i (s).</summary>
    public double TauInhibitory { get; init; } = 10e-3;
    /// <summary>E_e (V).</summary>
    public double ReversalExcitatory { get; init; } = 0.0;
    /// <summary>E_i (V).</summary>
    public double ReversalInhibitory { get; init; } = -80e-3;

    /// <summary>Throws naming an invalid parameter.</summary>
    public void Validate()
    {
        Population.Positive(Capacitance, nameof(Capacitance)); Population.NonNegative(LeakConductance, nameof(LeakConductance));
        Population.NonNegative(SodiumConductance, nameof(SodiumConductance)); Population.NonNegative(PotassiumConductance, nameof(PotassiumConductance));
        Population.Positive(TauExcitatory, nameof(TauExcitatory)); Population.Positive(TauInhibitory, nameof(TauInhibitory));
        Population.Finite(VT, nameof(VT)); Population.Finite(SpikeThreshold, nameof(SpikeThreshold));
    }

    private static double Trap(double x, double k) => Math.Abs(x / k) < 1e-6 ? k * (1 - x / (2 * k)) : x / (Math.Exp(x / k) - 1);

    /// <summary>Rate functions (1/s) at v (V): (α_m, β_m, α_h, β_h, α_n, β_n).</summary>
    public (double Am, double Bm, double Ah, double Bh, double An, double Bn) Rates(double v)
    {
        double u = (v - VT) * 1e3;   // mV relative to V_T
        double am = 0.32 * Trap(13 - u, 4), bm = 0.28 * Trap(u - 40, 5);
        double ah = 0.128 * Math.Exp((17 - u) / 18), bh = 4 / (1 + Math.Exp((40 - u) / 5));
        double an = 0.032 * Trap(15 - u, 5), bn = 0.5 * Math.Exp((10 - u) / 40);
        return (am * 1e3, bm * 1e3, ah * 1e3, bh * 1e3, an * 1e3, bn * 1e3);
    }

    /// <summary>Full right-hand side (SI) for a reference integrator: (dv, dm, dh, dn).</summary>
    public (double Dv, double Dm, double Dh, double Dn) Derivatives(double v, double m, double h, double n, double ge, double gi, double i)
    {
        var (am, bm, ah, bh, an, bn) = Rates(v);
        double ion = LeakConductance * (LeakReversal - v) - SodiumConductance * m * m * m * h * (v - SodiumReversal)
                     - PotassiumConductance * n * n * n * n * (v - PotassiumReversal) + ge * (ReversalExcitatory - v) + gi * (ReversalInhibitory - v) + i;
        return (ion / Capacitance, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n);
    }
}

/// <summary>
/// A population of Traub–Miles Hodgkin–Huxley neurons (<see cref="HodgkinHuxleyParameters"/>),
/// integrated by exponential Euler (as Brian2's exponential_euler): every variable x with
/// dx/dt = A(x_others) − B(x_others)·x is advanced as x ← x_∞ + (x − x_∞)e^{−B·dt}, x_∞ = A/B, using
/// the other variables at the start of the step; conductances decay exactly. Whole groups of eight
/// neurons run in float32 Vector256 lanes (vectorised exp); the remainder of the population in
/// double precision.
/// </summary>
public sealed class HodgkinHuxleyPopulation : Population
{
    private static readonly string[] Vars = ["v", "m", "h", "n", "ge", "gi", "bias"];
    private double _dt, _pe, _pi;
    private readonly byte[] _above;

    /// <summary>Creates the population at v = E_L with gates at their steady state.</summary>
    public HodgkinHuxleyPopulation(string name, int count, HodgkinHuxleyParameters parameters) : base(name, count)
    {
        parameters.Validate();
        Parameters = parameters;
        V = new float[count]; M = new float[count]; H = new float[count]; N = new float[count];
        Ge = new float[count]; Gi = new float[count]; Bias = new float[count]; _above = new byte[count];
        var (am, bm, ah, bh, an, bn) = parameters.Rates(parameters.LeakReversal);
        Array.Fill(V, (float)parameters.LeakReversal);
        Array.Fill(M, (float)(am / (am + bm))); Array.Fill(H, (float)(ah / (ah + bh))); Array.Fill(N, (float)(an / (an + bn)));
    }

    /// <summary>Parameters.</summary>
    public HodgkinHuxleyParameters Parameters { get; }
    /// <summary>Membrane potential (V).</summary>
    public float[] V { get; }
    /// <summary>Na activation m.</summary>
    public float[] M { get; }
    /// <summary>Na inactivation h.</summary>
    public float[] H { get; }
    /// <summary>K activation n.</summary>
    public float[] N { get; }
    /// <summary>Excitatory conductance (S).</summary>
    public float[] Ge { get; }
    /// <summary>Inhibitory conductance (S).</summary>
    public float[] Gi { get; }
    /// <summary>Bias current (A).</summary>
    public float[] Bias { get; }

    /// <inheritdoc/>
    public override bool Accepts(Receptor receptor) => receptor != Receptor.Voltage;
    /// <inheritdoc/>
    public override IReadOnlyList<string> StateVariables => Vars;
    /// <inheritdoc/>
    public override float[] State(string variable) => variable switch
    {
        "v" => V, "m" => M, "h" => H, "n" => N, "ge" => Ge, "gi" => Gi, "bias" => Bias,
        _ => throw new ArgumentException($"Hodgkin–Huxley population '{Name}' has no variable '{variable}'", nameof(variable)),
    };
    /// <inheritdoc/>
    public override long StateBytes => 29L * Count;

    internal override void Prepare(double dt)
    {
        if (dt > 0.1e-3) throw new ArgumentOutOfRangeException(nameof(dt), dt, $"dt = {dt} s is too large for Hodgkin–Huxley population '{Name}' (at most 0.1 ms)");
        _dt = dt; _pe = Math.Exp(-dt / Parameters.TauExcitatory); _pi = Math.Exp(-dt / Parameters.TauInhibitory);
    }

    /// <summary>One exponential-Euler step of all variables (SI).</summary>
    internal static (double V, double M, double H, double N) ExpEulerStep(in HodgkinHuxleyParameters p, double v, double m, double h, double n, double ge, double gi, double i, double dt)
    {
        var (am, bm, ah, bh, an, bn) = p.Rates(v);
        double gna = p.SodiumConductance * m * m * m * h, gk = p.PotassiumConductance * n * n * n * n;
        double gt = p.LeakConductance + gna + gk + ge + gi;
        double vinf = (p.LeakConductance * p.LeakReversal + gna * p.SodiumReversal + gk * p.PotassiumReversal + ge * p.ReversalExcitatory + gi * p.ReversalInhibitory + i) / gt;
        double vn = vinf + (v - vinf) * Math.Exp(-dt * gt / p.Capacitance);
        static double Gate(double x, double a, double b, double dt) { double s = a + b, xinf = a / s; return xinf + (x - xinf) * Math.Exp(-dt * s); }
        return (vn, Gate(m, am, bm, dt), Gate(h, ah, bh, dt), Gate(n, an, bn, dt));
    }

    internal override int Update(long step, int slot, int start, int end, Span<int> spikes)
    {
        ApplyInjections(step, Owner!.Dt, slot, start, end);
        ApplyPoissonInputs(step, slot, start, end);
        var p = Parameters;
        int off = slot * Count, cnt = 0, k = start;
        var re = Rings[0]!; var ri = Rings[1]!; var rc = Rings[3];
        if (Vector256.IsHardwareAccelerated)
            for (; k <= end - 8; k += 8) cnt = UpdateVector(k, off, re, ri, rc, spikes, cnt);
        for (; k < end; k++)
        {
            double ge = Ge[k] + re[off + k]; re[off + k] = 0;
            double gi = Gi[k] + ri[off + k]; ri[off + k] = 0;
            double i = Bias[k];
            if (rc != null) { i += rc[off + k]; rc[off + k] = 0; }
            var (v, m, h, n) = ExpEulerStep(p, V[k], M[k], H[k], N[k], ge, gi, i, _dt);
            V[k] = (float)v; M[k] = (float)m; H[k] = (float)h; N[k] = (float)n;
            Ge[k] = (float)(ge * _pe); Gi[k] = (float)(gi * _pi);
            bool above = v > p.SpikeThreshold;
            if (above && _above[k] == 0) spikes[cnt++] = k;
            _above[k] = above ? (byte)1 : (byte)0;
        }
        return cnt;
    }

    private static Vector256<float> Trap(Vector256<float> x, float k)
    {
        var vk = Vector256.Create(k);
        var exact = x / (Vector256.Exp(x / vk) - Vector256<float>.One);
        var series = vk * (Vector256<float>.One - x / (2 * vk));
        return Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), Vector256.Create(1e-3f * k)), series, exact);
    }

    private static Vector256<float> Gate(Vector256<float> x, Vector256<float> a, Vector256<float> b, Vector256<float> minusDt)
    {
        var s = a + b;
        var xinf = a / s;
        return xinf + (x - xinf) * Vector256.Exp(s * minusDt);
    }

    private int UpdateVector(int k, int off, float[] re, float[] ri, float[]? rc, Span<int> spikes, int cnt)
    {
        var p = Parameters;
        var ge = Vector256.Create(Ge.AsSpan(k, 8)) + Vector256.Create(re.AsSpan(off + k, 8));
        var gi = Vector256.Create(Gi.AsSpan(k, 8)) + Vector256.Create(ri.AsSpan(off + k, 8));
        re.AsSpan(off + k, 8).Clear(); ri.AsSpan(off + k, 8).Clear();
        var i = Vector256.Create(Bias.AsSpan(k, 8));
        if (rc != null) { i += Vector256.Create(rc.AsSpan(off + k, 8)); rc.AsSpan(off + k, 8).Clear(); }
        var v = Vector256.Create(V.AsSpan(k, 8));
        var m = Vector256.Create(M.AsSpan(k, 8)); var h = Vector256.Create(H.AsSpan(k, 8)); var n = Vector256.Create(N.AsSpan(k, 8));
        var u = (v - Vector256.Create((float)p.VT)) * 1e3f;   // mV relative to V_T
        var am = 320f * Trap(Vector256.Create(13f) - u, 4f);
        var bm = 280f * Trap(u - Vector256.Create(40f), 5f);
        var ah = 128f * Vector256.Exp((Vector256.Create(17f) - u) * (1f / 18f));
        var bh = Vector256.Create(4000f) / (Vector256<float>.One + Vector256.Exp((Vector256.Create(40f) - u) * 0.2f));
        var an = 32f * Trap(Vector256.Create(15f) - u, 5f);
        var bn = 500f * Vector256.Exp((Vector256.Create(10f) - u) * (1f / 40f));
        var m2 = m * m; var n2 = n * n;
        var gna = (float)p.SodiumConductance * m2 * m * h;
        var gk = (float)p.PotassiumConductance * n2 * n2;
        var gl = Vector256.Create((float)p.LeakConductance);
        var gt = gl + gna + gk + ge + gi;
        var vinf = (gl * (float)p.LeakReversal + gna * (float)p.SodiumReversal + gk * (float)p.PotassiumReversal
                    + ge * (float)p.ReversalExcitatory + gi * (float)p.ReversalInhibitory + i) / gt;
        var minusDt = Vector256.Create((float)-_dt);
        var vn = vinf + (v - vinf) * Vector256.Exp(gt * (float)(-_dt / p.Capacitance));
        Gate(m, am, bm, minusDt).CopyTo(M.AsSpan(k, 8));
        Gate(h, ah, bh, minusDt).CopyTo(H.AsSpan(k, 8));
        Gate(n, an, bn, minusDt).CopyTo(N.AsSpan(k, 8));
        vn.CopyTo(V.AsSpan(k, 8));
        (ge * (float)_pe).CopyTo(Ge.AsSpan(k, 8));
        (gi * (float)_pi).CopyTo(Gi.AsSpan(k, 8));
        uint above = Vector256.ExtractMostSignificantBits(Vector256.GreaterThan(vn, Vector256.Create((float)p.SpikeThreshold)));
        for (int l = 0; l < 8; l++)
        {
            bool a = (above & (1u << l)) != 0;
            if (a && _above[k + l] == 0) spikes[cnt++] = k + l;
            _above[k + l] = a ? (byte)1 : (byte)0;
        }
        return cnt;
    }
}

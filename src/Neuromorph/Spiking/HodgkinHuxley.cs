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
/// the other variables at the start of the step; conductances decay exactly.
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
        int off = slot * Count, cnt = 0;
        var re = Rings[0]!; var ri = Rings[1]!; var rc = Rings[3];
        for (int k = start; k < end; k++)
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
}

using System.Runtime.Intrinsics;

namespace Neuromorph.Spiking;

/// <summary>
/// Izhikevich (2003, "Simple model of spiking neurons", IEEE Trans. Neural Netw. 14:1569) in the
/// paper's units (v in mV, t in ms): dv/dt = k₂v² + k₁v + k₀ − u + I, du/dt = a(b·v − u); if
/// v ≥ v_peak then v ← c, u ← u + d. Defaults k₂ = 0.04, k₁ = 5, k₀ = 140, v_peak = 30 mV. The
/// dimensionless I is the injected SI current divided by <see cref="CurrentUnit"/> (default 1 pA).
/// </summary>
public readonly record struct IzhikevichParameters
{
    /// <summary>Regular spiking defaults (a = 0.02, b = 0.2, c = −65, d = 8).</summary>
    public IzhikevichParameters() { }
    /// <summary>Recovery time scale a (1/ms).</summary>
    public double A { get; init; } = 0.02;
    /// <summary>Recovery sensitivity b.</summary>
    public double B { get; init; } = 0.2;
    /// <summary>Reset potential c (mV).</summary>
    public double C { get; init; } = -65;
    /// <summary>Recovery jump d.</summary>
    public double D { get; init; } = 8;
    /// <summary>Quadratic coefficient k₂ (1/(mV·ms)).</summary>
    public double K2 { get; init; } = 0.04;
    /// <summary>Linear coefficient k₁ (1/ms).</summary>
    public double K1 { get; init; } = 5;
    /// <summary>Constant k₀ (mV/ms).</summary>
    public double K0 { get; init; } = 140;
    /// <summary>Spike cut-off v_peak (mV).</summary>
    public double VPeak { get; init; } = 30;
    /// <summary>If true, du/dt = a(b(v + 65)) as in the accommodation example of Izhikevich (2004).</summary>
    public bool AccommodationForm { get; init; }
    /// <summary>SI current per unit of the model's I (A).</summary>
    public double CurrentUnit { get; init; } = 1e-12;
    /// <summary>Excitatory synaptic current time constant (s) for the Excitatory receptor.</summary>
    public double TauExcitatory { get; init; } = 5e-3;
    /// <summary>Inhibitory synaptic current time constant (s).</summary>
    public double TauInhibitory { get; init; } = 10e-3;

    /// <summary>Throws naming an invalid parameter.</summary>
    public void Validate()
    {
        Population.Finite(A, nameof(A)); Population.Finite(B, nameof(B)); Population.Finite(C, nameof(C)); Population.Finite(D, nameof(D));
        Population.Finite(K2, nameof(K2)); Population.Finite(K1, nameof(K1)); Population.Finite(K0, nameof(K0)); Population.Finite(VPeak, nameof(VPeak));
        Population.Positive(CurrentUnit, nameof(CurrentUnit));
        Population.Positive(TauExcitatory, nameof(TauExcitatory)); Population.Positive(TauInhibitory, nameof(TauInhibitory));
        if (!(C < VPeak)) throw new ArgumentException($"C ({C} mV) must be below VPeak ({VPeak} mV)", nameof(C));
    }
}

/// <summary>One of the 20 neuro-computational features of Izhikevich (2004), with its stimulus protocol.</summary>
/// <param name="Name">Feature name.</param>
/// <param name="Parameters">(a, b, c, d) and equation variant.</param>
/// <param name="InitialV">Initial v (mV).</param>
/// <param name="Current">Protocol current I(t) in model units, t in ms.</param>
/// <param name="DurationMs">Protocol duration (ms).</param>
public sealed record IzhikevichPreset(string Name, IzhikevichParameters Parameters, double InitialV, Func<double, double> Current, double DurationMs);

/// <summary>
/// Presets of Izhikevich (2004, "Which model to use for cortical spiking neurons?", IEEE Trans.
/// Neural Netw. 15:1063), Fig. 1 (parameters and protocols from the author's figure1.m): (a, b, c, d),
/// initial v and the injected current of each panel.
/// </summary>
public static class IzhikevichPresets
{
    private static IzhikevichParameters P(double a, double b, double c, double d) => new() { A = a, B = b, C = c, D = d };
    private static Func<double, double> StepAt(double t0, double i) => t => t > t0 ? i : 0;

    /// <summary>(A) tonic spiking: a = 0.02, b = 0.2, c = −65, d = 6, I = 14 after 10 ms.</summary>
    public static IzhikevichPreset TonicSpiking => new("tonic spiking", P(0.02, 0.2, -65, 6), -70, StepAt(10, 14), 100);
    /// <summary>(B) phasic spiking: 0.02, 0.25, −65, 6, I = 0.5 after 20 ms.</summary>
    public static IzhikevichPreset PhasicSpiking => new("phasic spiking", P(0.02, 0.25, -65, 6), -64, StepAt(20, 0.5), 200);
    /// <summary>(C) tonic bursting: 0.02, 0.2, −50, 2, I = 15 after 22 ms.</summary>
    public static IzhikevichPreset TonicBursting => new("tonic bursting", P(0.02, 0.2, -50, 2), -70, StepAt(22, 15), 220);
    /// <summary>(D) phasic bursting: 0.02, 0.25, −55, 0.05, I = 0.6 after 20 ms.</summary>
    public static IzhikevichPreset PhasicBursting => new("phasic bursting", P(0.02, 0.25, -55, 0.05), -64, StepAt(20, 0.6), 200);
    /// <summary>(E) mixed mode: 0.02, 0.2, −55, 4, I = 10 after 16 ms.</summary>
    public static IzhikevichPreset MixedMode => new("mixed mode", P(0.02, 0.2, -55, 4), -70, StepAt(16, 10), 160);
    /// <summary>(F) spike frequency adaptation: 0.01, 0.2, −65, 8, I = 30 after 8.5 ms.</summary>
    public static IzhikevichPreset SpikeFrequencyAdaptation => new("spike frequency adaptation", P(0.01, 0.2, -65, 8), -70, StepAt(8.5, 30), 85);
    /// <summary>(G) class 1 excitability: 0.02, −0.1, −55, 6 with k₁ = 4.1, k₀ = 108; ramp I = 0.075(t − 30).</summary>
    public static IzhikevichPreset Class1 => new("class 1 excitable", P(0.02, -0.1, -55, 6) with { K1 = 4.1, K0 = 108 }, -60, t => t > 30 ? 0.075 * (t - 30) : 0, 300);
    /// <summary>(H) class 2 excitability: 0.2, 0.26, −65, 0; ramp I = −0.5 + 0.015(t − 30).</summary>
    public static IzhikevichPreset Class2 => new("class 2 excitable", P(0.2, 0.26, -65, 0), -64, t => t > 30 ? -0.5 + 0.015 * (t - 30) : -0.5, 300);
    /// <summary>(I) spike latency: 0.02, 0.2, −65, 6; pulse I = 7.04 for 3 ms at 10 ms.</summary>
    public static IzhikevichPreset SpikeLatency => new("spike latency", P(0.02, 0.2, -65, 6), -70, t => t > 10 && t < 13 ? 7.04 : 0, 100);
    /// <summary>(J) subthreshold oscillations: 0.05, 0.26, −60, 0; pulse I = 2 for 5 ms at 20 ms.</summary>
    public static IzhikevichPreset SubthresholdOscillations => new("subthreshold oscillations", P(0.05, 0.26, -60, 0), -62, t => t > 20 && t < 25 ? 2 : 0, 200);
    /// <summary>(K) resonator: 0.1, 0.26, −60, −1; paired pulses of 0.65.</summary>
    public static IzhikevichPreset Resonator => new("resonator", P(0.1, 0.26, -60, -1), -62,
        t => (t > 40 && t < 44) || (t > 60 && t < 64) || (t > 280 && t < 284) || (t > 320 && t < 324) ? 0.65 : 0, 400);
    /// <summary>(L) integrator: 0.02, −0.1, −55, 6 with k₁ = 4.1, k₀ = 108; pulses of 9.</summary>
    public static IzhikevichPreset Integrator => new("integrator", P(0.02, -0.1, -55, 6) with { K1 = 4.1, K0 = 108 }, -60,
        t => (t > 9.09 && t < 11.09) || (t > 14.09 && t < 16.09) || (t > 70 && t < 72) || (t > 80 && t < 82) ? 9 : 0, 100);
    /// <summary>(M) rebound spike: 0.03, 0.25, −60, 4; I = −15 for 5 ms at 20 ms.</summary>
    public static IzhikevichPreset ReboundSpike => new("rebound spike", P(0.03, 0.25, -60, 4), -64, t => t > 20 && t < 25 ? -15 : 0, 200);
    /// <summary>(N) rebound burst: 0.03, 0.25, −52, 0; I = −15 for 5 ms at 20 ms.</summary>
    public static IzhikevichPreset ReboundBurst => new("rebound burst", P(0.03, 0.25, -52, 0), -64, t => t > 20 && t < 25 ? -15 : 0, 200);
    /// <summary>(O) threshold variability: 0.03, 0.25, −60, 4; pulses of 1 and −6.</summary>
    public static IzhikevichPreset ThresholdVariability => new("threshold variability", P(0.03, 0.25, -60, 4), -64,
        t => (t > 10 && t < 15) || (t > 80 && t < 85) ? 1 : (t > 70 && t < 75) ? -6 : 0, 100);
    /// <summary>(P) bistability: 0.1, 0.26, −60, 0; I = 0.24 with pulses of 1.24.</summary>
    public static IzhikevichPreset Bistability => new("bistability", P(0.1, 0.26, -60, 0), -61,
        t => (t > 37.5 && t < 42.5) || (t > 216 && t < 221) ? 1.24 : 0.24, 300);
    /// <summary>(Q) depolarising after-potential: 1, 0.2, −60, −21; I = 20 for 2 ms at 9 ms.</summary>
    public static IzhikevichPreset DepolarizingAfterPotential => new("DAP", P(1, 0.2, -60, -21), -70, t => Math.Abs(t - 10) < 1 ? 20 : 0, 50);
    /// <summary>(R) accommodation: 0.02, 1, −55, 4 with du/dt = a(b(v + 65)); slow and fast ramps.</summary>
    public static IzhikevichPreset Accommodation => new("accommodation", P(0.02, 1, -55, 4) with { AccommodationForm = true }, -65,
        t => t < 200 ? t / 25 : t < 300 ? 0 : t < 312.5 ? (t - 300) / 12.5 * 4 : 0, 400);
    /// <summary>(S) inhibition-induced spiking: −0.02, −1, −60, 8; I = 80 except 75 during 50–250 ms.</summary>
    public static IzhikevichPreset InhibitionInducedSpiking => new("inhibition-induced spiking", P(-0.02, -1, -60, 8), -63.8,
        t => t < 50 || t > 250 ? 80 : 75, 350);
    /// <summary>(T) inhibition-induced bursting: −0.026, −1, −45, −2; I = 80 except 75 during 50–250 ms.</summary>
    public static IzhikevichPreset InhibitionInducedBursting => new("inhibition-induced bursting", P(-0.026, -1, -45, -2), -63.8,
        t => t < 50 || t > 250 ? 80 : 75, 350);

    /// <summary>All 20 presets in the order of the figure (A–T).</summary>
    public static IReadOnlyList<IzhikevichPreset> All =>
    [
        TonicSpiking, PhasicSpiking, TonicBursting, PhasicBursting, MixedMode, SpikeFrequencyAdaptation, Class1, Class2,
        SpikeLatency, SubthresholdOscillations, Resonator, Integrator, ReboundSpike, ReboundBurst, ThresholdVariability,
        Bistability, DepolarizingAfterPotential, Accommodation, InhibitionInducedSpiking, InhibitionInducedBursting,
    ];
}

/// <summary>
/// A population of Izhikevich neurons (<see cref="IzhikevichParameters"/>). State in SI (v in V,
/// u stored in the model's mV/ms units). Integrated with classical fourth-order Runge–Kutta at the
/// network step, input held constant over the step; a spike is detected when v reaches v_peak at
/// the end of a step (or the step diverges). Whole groups of eight neurons run in float32
/// Vector256 lanes, the remainder of the population in double precision. Receptors: Excitatory/Inhibitory (exponential
/// currents, A), Voltage (jump, V), Current (one step, A).
/// </summary>
public sealed class IzhikevichPopulation : Population
{
    private static readonly string[] Vars = ["v", "u", "ie", "ii", "bias"];
    private double _hMs, _pe, _pi;

    /// <summary>Creates the population at v = c, u = b·c.</summary>
    public IzhikevichPopulation(string name, int count, IzhikevichParameters parameters) : base(name, count)
    {
        parameters.Validate();
        Parameters = parameters;
        V = new float[count]; U = new float[count]; Ie = new float[count]; Ii = new float[count]; Bias = new float[count];
        Array.Fill(V, (float)(parameters.C * 1e-3));
        Array.Fill(U, (float)(parameters.B * parameters.C));
    }

    /// <summary>Parameters.</summary>
    public IzhikevichParameters Parameters { get; }
    /// <summary>Membrane potential (V).</summary>
    public float[] V { get; }
    /// <summary>Recovery variable u (model units, mV/ms).</summary>
    public float[] U { get; }
    /// <summary>Excitatory synaptic current (A).</summary>
    public float[] Ie { get; }
    /// <summary>Inhibitory synaptic current (A).</summary>
    public float[] Ii { get; }
    /// <summary>Constant bias current (A).</summary>
    public float[] Bias { get; }

    /// <inheritdoc/>
    public override bool Accepts(Receptor receptor) => true;
    /// <inheritdoc/>
    public override IReadOnlyList<string> StateVariables => Vars;
    /// <inheritdoc/>
    public override float[] State(string variable) => variable switch
    {
        "v" => V, "u" => U, "ie" => Ie, "ii" => Ii, "bias" => Bias,
        _ => throw new ArgumentException($"Izhikevich population '{Name}' has no variable '{variable}'", nameof(variable)),
    };
    /// <inheritdoc/>
    public override long StateBytes => 20L * Count;

    internal override void Prepare(double dt)
    {
        if (dt > 1e-3) throw new ArgumentOutOfRangeException(nameof(dt), dt, $"dt = {dt} s is too large for Izhikevich population '{Name}' (at most 1 ms; 0.1 ms recommended)");
        _hMs = dt * 1e3;
        _pe = Math.Exp(-dt / Parameters.TauExcitatory); _pi = Math.Exp(-dt / Parameters.TauInhibitory);
    }

    /// <summary>Right-hand side (mV/ms): dv/dt and du/dt.</summary>
    internal static (double Dv, double Du) Rhs(in IzhikevichParameters p, double v, double u, double i)
    {
        double dv = p.K2 * v * v + p.K1 * v + p.K0 - u + i;
        double du = p.AccommodationForm ? p.A * (p.B * (v + 65)) : p.A * (p.B * v - u);
        return (dv, du);
    }

    /// <summary>One RK4 step of h ms with constant input.</summary>
    internal static (double V, double U) Rk4(in IzhikevichParameters p, double v, double u, double i, double h)
    {
        var (a1, b1) = Rhs(p, v, u, i);
        var (a2, b2) = Rhs(p, v + 0.5 * h * a1, u + 0.5 * h * b1, i);
        var (a3, b3) = Rhs(p, v + 0.5 * h * a2, u + 0.5 * h * b2, i);
        var (a4, b4) = Rhs(p, v + h * a3, u + h * b3, i);
        return (v + h / 6 * (a1 + 2 * a2 + 2 * a3 + a4), u + h / 6 * (b1 + 2 * b2 + 2 * b3 + b4));
    }

    internal override int Update(long step, int slot, int start, int end, Span<int> spikes)
    {
        ApplyInjections(step, Owner!.Dt, slot, start, end);
        ApplyPoissonInputs(step, slot, start, end);
        var p = Parameters;
        int off = slot * Count, n = 0;
        var re = Rings[0]!; var ri = Rings[1]!; var rv = Rings[2]; var rc = Rings[3];
        double unit = 1 / p.CurrentUnit;
        int k0 = start;
        if (Vector256.IsHardwareAccelerated)
            for (; k0 <= end - 8; k0 += 8) n = UpdateVector(k0, off, re, ri, rv, rc, spikes, n);
        for (int k = k0; k < end; k++)
        {
            double ie = Ie[k] + re[off + k]; re[off + k] = 0;
            double ii = Ii[k] + ri[off + k]; ri[off + k] = 0;
            double iext = Bias[k];
            if (rc != null) { iext += rc[off + k]; rc[off + k] = 0; }
            double v = V[k] * 1e3, u = U[k];
            if (rv != null) { v += rv[off + k] * 1e3; rv[off + k] = 0; }
            var (vn, un) = Rk4(p, v, u, (ie + ii + iext) * unit, _hMs);
            Ie[k] = (float)(ie * _pe); Ii[k] = (float)(ii * _pi);
            if (!(vn < p.VPeak))
            {
                V[k] = (float)(p.C * 1e-3);
                U[k] = (float)((double.IsFinite(un) ? un : u) + p.D);
                spikes[n++] = k;
            }
            else { V[k] = (float)(vn * 1e-3); U[k] = (float)un; }
        }
        return n;
    }

    private static (Vector256<float> Dv, Vector256<float> Du) RhsV(in IzhikevichParameters p, Vector256<float> v, Vector256<float> u, Vector256<float> i)
    {
        var dv = ((float)p.K2 * v + Vector256.Create((float)p.K1)) * v + Vector256.Create((float)p.K0) - u + i;
        var du = p.AccommodationForm
            ? (float)(p.A * p.B) * (v + Vector256.Create(65f))
            : (float)p.A * ((float)p.B * v - u);
        return (dv, du);
    }

    private int UpdateVector(int k, int off, float[] re, float[] ri, float[]? rv, float[]? rc, Span<int> spikes, int n)
    {
        var p = Parameters;
        var ie = Vector256.Create(Ie.AsSpan(k, 8)) + Vector256.Create(re.AsSpan(off + k, 8));
        var ii = Vector256.Create(Ii.AsSpan(k, 8)) + Vector256.Create(ri.AsSpan(off + k, 8));
        re.AsSpan(off + k, 8).Clear(); ri.AsSpan(off + k, 8).Clear();
        var iext = Vector256.Create(Bias.AsSpan(k, 8));
        if (rc != null) { iext += Vector256.Create(rc.AsSpan(off + k, 8)); rc.AsSpan(off + k, 8).Clear(); }
        var v = Vector256.Create(V.AsSpan(k, 8)) * 1e3f;
        var u = Vector256.Create(U.AsSpan(k, 8));
        if (rv != null) { v += Vector256.Create(rv.AsSpan(off + k, 8)) * 1e3f; rv.AsSpan(off + k, 8).Clear(); }
        var i = (ie + ii + iext) * (float)(1 / p.CurrentUnit);
        float h = (float)_hMs, h2 = h / 2, h6 = h / 6;
        var (a1, b1) = RhsV(p, v, u, i);
        var (a2, b2) = RhsV(p, v + h2 * a1, u + h2 * b1, i);
        var (a3, b3) = RhsV(p, v + h2 * a2, u + h2 * b2, i);
        var (a4, b4) = RhsV(p, v + h * a3, u + h * b3, i);
        var vn = v + h6 * (a1 + 2f * a2 + 2f * a3 + a4);
        var un = u + h6 * (b1 + 2f * b2 + 2f * b3 + b4);
        (ie * (float)_pe).CopyTo(Ie.AsSpan(k, 8));
        (ii * (float)_pi).CopyTo(Ii.AsSpan(k, 8));
        // A spike where v reached the peak or the step diverged (NaN compares false).
        var fired = ~Vector256.LessThan(vn, Vector256.Create((float)p.VPeak));
        var finiteU = Vector256.Equals(un, un) & Vector256.LessThan(Vector256.Abs(un), Vector256.Create(float.PositiveInfinity));
        var uAfter = Vector256.ConditionalSelect(finiteU, un, u) + Vector256.Create((float)p.D);
        Vector256.ConditionalSelect(fired, Vector256.Create((float)(p.C * 1e-3)), vn * 1e-3f).CopyTo(V.AsSpan(k, 8));
        Vector256.ConditionalSelect(fired, uAfter, un).CopyTo(U.AsSpan(k, 8));
        uint mask = Vector256.ExtractMostSignificantBits(fired);
        while (mask != 0)
        {
            spikes[n++] = k + System.Numerics.BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
        }
        return n;
    }
}

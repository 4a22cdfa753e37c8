using Neuromorph.Figures;
using System.Globalization;
using System.Text;

namespace Neuromorph.Devices;

/// <summary>Options of a characterisation run.</summary>
/// <param name="Devices">Number of devices simulated (for means and spreads).</param>
/// <param name="Pulses">Potentiating pulses (then as many depressing ones) in the <c>pulses</c> protocol.</param>
/// <param name="Time">Longest time (s) of the <c>drift</c> protocol.</param>
/// <param name="Seed">Seed of every random draw.</param>
public readonly record struct CharacterizationOptions(int Devices = 100, int Pulses = 200, double Time = 365.25 * 86400, ulong Seed = 1)
{
    /// <summary>100 devices, 200 pulses, one year, seed 1.</summary>
    public static CharacterizationOptions Default => new(Devices: 100);

    /// <summary>Throws with the option's name when invalid.</summary>
    public void Validate()
    {
        DeviceGuard.Positive(Devices, nameof(Devices));
        DeviceGuard.Positive(Pulses, nameof(Pulses));
        DeviceGuard.Positive(Time, nameof(Time));
    }
}

/// <summary>Figures and CSV of one characterisation run.</summary>
/// <param name="Preset">Preset name.</param>
/// <param name="Protocol">Protocol name.</param>
/// <param name="Figures">Figures for the report.</param>
/// <param name="Csv">The main curve as CSV text (header line, invariant culture).</param>
public sealed record CharacterizationResult(string Preset, string Protocol, IReadOnlyList<Figure> Figures, string Csv);

/// <summary>
/// Library API behind <c>neuromorph device PRESET --protocol P</c>: runs a standard measurement on a
/// preset and returns figures and CSV. Protocols: <c>pulses</c> (potentiation/depression curves,
/// mean ± σ over devices), <c>drift</c> (PCM conductance vs time), <c>iv</c> (memristor loops,
/// oscillator power/frequency vs current), <c>switching</c> (switching probability vs pulse width),
/// <c>spikes</c> (neuron rate vs drive and interspike statistics), <c>telegraph</c> (telegraph
/// traces, dwell times, p-bit transfer).
/// </summary>
public static class DeviceCharacterization
{
    /// <summary>Every protocol name.</summary>
    public static readonly string[] Protocols = ["pulses", "drift", "iv", "switching", "spikes", "telegraph"];

    /// <summary>Runs <paramref name="protocol"/> on the named preset.</summary>
    public static CharacterizationResult Run(string preset, string protocol, CharacterizationOptions options)
        => Run(DevicePresets.Get(preset), protocol, options);

    /// <summary>Runs <paramref name="protocol"/> on <paramref name="preset"/>; throws naming the supported protocols if it does not apply.</summary>
    public static CharacterizationResult Run(DevicePreset preset, string protocol, CharacterizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(preset);
        options.Validate();
        protocol = protocol.Trim().ToLowerInvariant();
        if (!preset.Protocols.Contains(protocol))
            throw new ArgumentException($"protocol '{protocol}' does not apply to preset '{preset.Name}' ({preset.Kind}); supported: {string.Join(", ", preset.Protocols)}", nameof(protocol));
        var (figs, csv) = (preset.Kind, protocol) switch
        {
            (DeviceKind.VolatileRram, "pulses") => VolatilePulses((VolatileRramParams)preset.Parameters),
            (_, "pulses") => Pulses(preset, options),
            (DeviceKind.PcmSynapse, "drift") => Drift((PcmParams)preset.Parameters, options),
            (DeviceKind.Memristor, "iv") => MemristorIv((VteamParams)preset.Parameters),
            (DeviceKind.Oscillator, "iv") => OscillatorIv((StnoParams)preset.Parameters),
            (DeviceKind.MtjSynapse, "switching") => MtjSwitching((MtjParams)preset.Parameters, options),
            (DeviceKind.FtjSynapse, "switching") => FtjSwitching((FtjParams)preset.Parameters),
            (DeviceKind.MottNeuron, "spikes") => MottSpikes((MottNeuronParams)preset.Parameters),
            (DeviceKind.JosephsonNeuron, "spikes") => JosephsonSpikes((JosephsonParams)preset.Parameters),
            (DeviceKind.PhaseChangeNeuron, "spikes") => PcmNeuronSpikes((PhaseChangeNeuronParams)preset.Parameters, options),
            (DeviceKind.TelegraphJunction, "telegraph") => Telegraph((MtjParams)preset.Parameters, options),
            (DeviceKind.PBit, "telegraph") => PBitTransfer(options),
            _ => throw new ArgumentException($"protocol '{protocol}' is not implemented for {preset.Kind}", nameof(protocol)),
        };
        var named = figs.Select(f => f with { Name = $"{preset.Name}-{f.Name}" }).ToArray();
        return new CharacterizationResult(preset.Name, protocol, named, csv);
    }

    /// <summary>Builds the conductance array of a synapse preset with <paramref name="count"/> devices.</summary>
    public static IConductanceArray CreateArray(DevicePreset preset, int count, ulong seed) => preset.Parameters switch
    {
        PulsedDeviceParams p => new PulsedDeviceArray(count, p, seed),
        NeuroSimParams p => new NeuroSimDeviceArray(count, p, seed),
        PcmParams p => new PcmDeviceArray(count, p, seed),
        MtjParams p when preset.Kind == DeviceKind.MtjSynapse => new MtjArray(count, p, p.CriticalCurrent, 2e-9, seed),
        FtjParams p => new FtjArray(count, p, 3, 10e-9),
        _ => throw new ArgumentException($"preset '{preset.Name}' ({preset.Kind}) is not a conductance synapse", nameof(preset)),
    };

    private static string Csv(string header, params double[][] cols)
    {
        var sb = new StringBuilder(header).Append('\n');
        int n = cols[0].Length;
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < cols.Length; c++)
            {
                if (c > 0) sb.Append(',');
                sb.Append(cols[c][i].ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static (double Mean, double Std) Stats(ReadOnlySpan<float> x)
    {
        double m = 0, s = 0;
        foreach (var v in x) m += v;
        m /= x.Length;
        foreach (var v in x) s += (v - m) * (v - m);
        return (m, Math.Sqrt(s / x.Length));
    }

    private static (Figure[], string) Pulses(DevicePreset preset, CharacterizationOptions o)
    {
        var a = CreateArray(preset, o.Devices, o.Seed);
        for (int i = 0; i < a.Count; i++) a.Program(i, a.Min);
        int total = 2 * o.Pulses;
        var x = new double[total + 1]; var mean = new double[total + 1]; var sd = new double[total + 1];
        (mean[0], sd[0]) = Stats(a.State);
        var steps = new List<double>();
        var prev = a.State.ToArray();
        for (int k = 1; k <= total; k++)
        {
            int dir = k <= o.Pulses ? 1 : -1;
            for (int i = 0; i < a.Count; i++) a.ApplyPulses(i, dir);
            if (k <= o.Pulses) for (int i = 0; i < a.Count; i++) steps.Add(a.State[i] - prev[i]);
            a.State.CopyTo(prev);
            x[k] = k; (mean[k], sd[k]) = Stats(a.State);
        }
        string unit = preset.Kind == DeviceKind.PulsedSynapse ? "weight (normalised)" : "conductance (S)";
        Figure line = new LineFigure
        {
            Name = "pulses", Title = $"{preset.Name}: {o.Pulses} potentiating then {o.Pulses} depressing pulses",
            Caption = $"Mean ± σ over {o.Devices} devices ({preset.Source}).", XLabel = "pulse number", YLabel = unit,
            Series = [new Series("mean ± σ", x, mean, sd)],
        };
        Figure hist = new HistogramFigure
        {
            Name = "steps", Title = $"{preset.Name}: potentiation step sizes", XLabel = "step", YLabel = "count",
            Caption = "Device-to-device and cycle-to-cycle spread of single-pulse changes.", Values = [steps.ToArray()],
        };
        return ([line, hist], Csv("pulse,mean,std", x, mean, sd));
    }

    private static (Figure[], string) VolatilePulses(VolatileRramParams p)
    {
        double[] intervals = [p.CriticalInterval * 0.5, p.CriticalInterval * 5];
        var series = new List<Series>();
        var cols = new List<double[]>();
        double[]? tt = null;
        foreach (var T in intervals)
        {
            var a = new VolatileRramArray(1, p);
            int n = 400; double dt = T / 10, t = 0;
            var ts = new double[n]; var g = new double[n];
            for (int k = 0; k < n; k++)
            {
                if (k % 10 == 0 && k < 200) a.Pulse(0);
                ts[k] = t; g[k] = a.Conductance(0);
                a.Advance(dt); t += dt;
            }
            series.Add(new Series($"interval {T:G3} s", ts, g));
            tt ??= Enumerable.Range(0, n).Select(k => (double)k).ToArray();
            cols.Add(g);
        }
        Figure f = new LineFigure
        {
            Name = "stp-ltp", Title = "Short-term vs long-term memory", XLabel = "time (s)", YLabel = "conductance (S)",
            Caption = $"20 pulses at intervals below and above T_c = {p.CriticalInterval:G3} s (Ohno et al. 2011).", Series = series.ToArray(),
        };
        return ([f], Csv("sample,g_fast,g_slow", tt!, cols[0], cols[1]));
    }

    private static (Figure[], string) Drift(PcmParams p, CharacterizationOptions o)
    {
        double[] levels = [0.1, 0.3, 0.6, 0.9];
        int nt = 40;
        var times = Enumerable.Range(0, nt).Select(k => Math.Exp(Math.Log(1) + (Math.Log(o.Time) - Math.Log(1)) * k / (nt - 1))).ToArray();
        var series = new List<Series>();
        var cols = new List<double[]> { times };
        var header = new StringBuilder("time");
        foreach (var level in levels)
        {
            var a = new PcmDeviceArray(o.Devices, p, o.Seed);
            for (int i = 0; i < a.Count; i++) a.Program(i, (float)(level * p.GMax));
            var m = new double[nt]; var s = new double[nt];
            var buf = new float[a.Count];
            for (int k = 0; k < nt; k++)
            {
                a.Read(times[k], buf, (uint)k);
                (m[k], s[k]) = Stats(buf);
            }
            series.Add(new Series($"G_T = {level * p.GMax * 1e6:G3} µS", times, m, s));
            cols.Add(m); cols.Add(s);
            header.Append($",mean_{level:G2},std_{level:G2}");
        }
        Figure f = new LineFigure
        {
            Name = "drift", Title = "PCM conductance drift and read noise", XLabel = "time after programming (s)", YLabel = "conductance (S)",
            LogX = true, Series = series.ToArray(),
            Caption = "Mean ± σ of one read per device: programming noise, drift (t/t_c)^−ν and 1/f read noise (Joshi et al. 2020).",
        };
        return ([f], Csv(header.ToString(), cols.ToArray()));
    }

    private static (Figure[], string) MemristorIv(VteamParams p)
    {
        var series = new List<Series>();
        var cols = new List<double[]>();
        foreach (var f in new[] { 100.0, 1000.0 })
        {
            var a = new VteamArray(1, p, 0.5);
            int n = 2000; double dt = 1 / (f * n);
            var v = new double[1]; var i = new double[1];
            var vs = new double[n]; var cs = new double[n];
            for (int cycle = 0; cycle < 2; cycle++)
                for (int k = 0; k < n; k++)
                {
                    v[0] = Math.Sin(2 * Math.PI * k / n);
                    a.Step(v, dt, i);
                    if (cycle == 1) { vs[k] = v[0]; cs[k] = i[0]; }
                }
            series.Add(new Series($"{f:G3} Hz", vs, cs));
            cols.Add(vs); cols.Add(cs);
        }
        Figure fig = new LineFigure
        {
            Name = "iv", Title = "VTEAM pinched hysteresis", XLabel = "voltage (V)", YLabel = "current (A)", Series = series.ToArray(),
            Caption = "1 V sine; the loop is pinched at the origin and narrows as the frequency rises (Kvatinsky et al. 2015).",
        };
        return ([fig], Csv("v_100Hz,i_100Hz,v_1kHz,i_1kHz", cols.ToArray()));
    }

    private static (Figure[], string) OscillatorIv(StnoParams p)
    {
        int n = 30;
        var cur = Enumerable.Range(0, n).Select(k => p.ThresholdCurrent * (0.5 + 2.5 * k / (n - 1))).ToArray();
        var power = new double[n]; var freq = new double[n]; var theory = new double[n];
        var a = new StnoArray(n, p);
        double dt = 0.02 / p.Omega0 * 2 * Math.PI / 10, relax = 20 / p.GammaG;
        int steps = (int)Math.Min(2_000_000, relax / dt);
        for (int k = 0; k < steps; k++) a.Step(cur, dt);
        for (int i = 0; i < n; i++) { power[i] = a.Power(i); freq[i] = p.Frequency(cur[i]) / (2 * Math.PI); theory[i] = p.SteadyPower(cur[i]); }
        Figure f1 = new LineFigure
        {
            Name = "power", Title = "STNO power vs current", XLabel = "current (A)", YLabel = "normalised power p",
            Series = [new Series("simulated", cur, power, Markers: true, LineVisible: false), new Series("(ζ − 1)/(ζ + Q)", cur, theory)],
            Caption = "Stationary power of the universal auto-oscillator (Slavin & Tiberkevich 2009).",
        };
        Figure f2 = new LineFigure
        {
            Name = "frequency", Title = "STNO frequency vs current", XLabel = "current (A)", YLabel = "frequency (Hz)",
            Series = [new Series("ω(p₀)/2π", cur, freq)], Caption = "Nonlinear frequency shift ω = ω₀ + Np₀.",
        };
        return ([f1, f2], Csv("current,power,power_theory,frequency", cur, power, theory, freq));
    }

    private static (Figure[], string) MtjSwitching(MtjParams p, CharacterizationOptions o)
    {
        int n = 25;
        var widths = Enumerable.Range(0, n).Select(k => 1e-10 * Math.Pow(1e3, k / (double)(n - 1))).ToArray();
        var series = new List<Series>();
        var cols = new List<double[]> { widths };
        foreach (var r in new[] { 0.8, 0.9, 1.0 })
        {
            var sim = new double[n]; var th = new double[n];
            for (int k = 0; k < n; k++)
            {
                var a = new MtjArray(o.Devices, p, r * p.CriticalCurrent, widths[k], o.Seed + (ulong)k);
                for (int d = 0; d < a.Count; d++) a.ApplyPulses(d, 1);
                sim[k] = Enumerable.Range(0, a.Count).Count(a.IsParallel) / (double)a.Count;
                th[k] = p.SwitchingProbability(r * p.CriticalCurrent, widths[k]);
            }
            series.Add(new Series($"I = {r:G2} I_c (sim)", widths, sim, Markers: true, LineVisible: false));
            series.Add(new Series($"I = {r:G2} I_c: 1 − e^(−t/τ)", widths, th));
            cols.Add(sim); cols.Add(th);
        }
        Figure f = new LineFigure
        {
            Name = "switching", Title = "MTJ switching probability", XLabel = "pulse width (s)", YLabel = "P(switch)", LogX = true,
            Series = series.ToArray(), Caption = $"{o.Devices} junctions per point; τ = τ₀ exp(Δ(1 − I/I_c)).",
        };
        return ([f], Csv("width,sim_0.8,th_0.8,sim_0.9,th_0.9,sim_1.0,th_1.0", cols.ToArray()));
    }

    private static (Figure[], string) FtjSwitching(FtjParams p)
    {
        int n = 30;
        var widths = Enumerable.Range(0, n).Select(k => 1e-9 * Math.Pow(1e4, k / (double)(n - 1))).ToArray();
        var series = new List<Series>();
        var cols = new List<double[]> { widths };
        foreach (var v in new[] { 2.0, 2.5, 3.0 })
        {
            var s = widths.Select(w => p.Advance(0, v, w)).ToArray();
            series.Add(new Series($"{v:G2} V", widths, s));
            cols.Add(s);
        }
        Figure f = new LineFigure
        {
            Name = "switching", Title = "FTJ switched-domain fraction", XLabel = "pulse width (s)", YLabel = "switched fraction s", LogX = true,
            Series = series.ToArray(), Caption = "Nucleation-limited switching with Merz's law τ(V) = τ∞ exp(V_a/V) (Boyn et al. 2017).",
        };
        return ([f], Csv("width,s_2V,s_2.5V,s_3V", cols.ToArray()));
    }

    private static (Figure[], string) MottSpikes(MottNeuronParams p)
    {
        int n = 30;
        var cur = Enumerable.Range(0, n).Select(k => p.ThresholdCurrent * (0.5 + 3.0 * k / (n - 1))).ToArray();
        var a = new MottNeuronArray(n, p);
        var spikes = new int[n]; var total = new int[n];
        double tEnd = 2000 * p.RInsulating * p.Capacitance, dt = tEnd / 20000;
        for (int k = 0; k < 20000; k++) { a.Step(cur, dt, spikes); for (int i = 0; i < n; i++) total[i] += spikes[i]; }
        var rate = total.Select(c => c / tEnd).ToArray();
        var theory = cur.Select(p.Rate).ToArray();
        Figure f = new LineFigure
        {
            Name = "rate", Title = "Mott neuron firing rate", XLabel = "input current (A)", YLabel = "rate (Hz)",
            Series = [new Series("simulated", cur, rate, Markers: true, LineVisible: false), new Series("closed form", cur, theory)],
            Caption = "Relaxation oscillator (Pickett et al. 2013; Yi et al. 2018): silent below V_th/R_ins, the rate rises with current, and stops again once I·R_met ≥ V_hold (the metallic state cannot discharge).",
        };
        return ([f], Csv("current,rate,rate_theory", cur, rate, theory));
    }

    private static (Figure[], string) JosephsonSpikes(JosephsonParams p)
    {
        int n = 20;
        var cur = Enumerable.Range(0, n).Select(k => p.CriticalCurrent * (0.5 + 2.0 * k / (n - 1))).ToArray();
        var a = new JosephsonArray(n, p);
        var spikes = new int[n]; var total = new int[n];
        double dt = 0.02 / p.OmegaC; int steps = 100_000;
        for (int k = 0; k < steps; k++) { a.Step(cur, dt, spikes); for (int i = 0; i < n; i++) total[i] += spikes[i]; }
        var rate = total.Select(c => c / (steps * dt)).ToArray();
        var over = cur.Select(p.OverdampedRate).ToArray();
        var trace = new JosephsonArray(1, p);
        double[] c1 = [1.5 * p.CriticalCurrent]; var s1 = new int[1];
        var tt = new double[2000]; var vv = new double[2000];
        for (int k = 0; k < 2000; k++) { trace.Step(c1, dt, s1); tt[k] = k * dt; vv[k] = trace.Voltage(0); }
        Figure f1 = new LineFigure
        {
            Name = "rate", Title = "Josephson junction fluxon rate", XLabel = "bias current (A)", YLabel = "rate (Hz)",
            Series = [new Series("RCSJ", cur, rate, Markers: true, LineVisible: false), new Series("overdamped (2e/h)R√(I² − I_c²)", cur, over)],
            Caption = $"β_c = {p.BetaC:G3}; each pulse carries Φ₀ = h/2e.",
        };
        Figure f2 = new LineFigure { Name = "trace", Title = "Voltage pulses at 1.5 I_c", XLabel = "time (s)", YLabel = "voltage (V)", Series = [new Series("V(t)", tt, vv)] };
        return ([f1, f2], Csv("current,rate,rate_overdamped", cur, rate, over));
    }

    private static (Figure[], string) PcmNeuronSpikes(PhaseChangeNeuronParams p, CharacterizationOptions o)
    {
        var amps = new[] { 0.5, 0.75, 1.0, 1.5, 2.0 };
        var rate = new double[amps.Length];
        var isis = new List<double>();
        for (int j = 0; j < amps.Length; j++)
        {
            var a = new PhaseChangeNeuronArray(o.Devices, p, o.Seed);
            int fired = 0, pulses = 200;
            var since = new int[a.Count];
            for (int k = 0; k < pulses; k++)
                for (int i = 0; i < a.Count; i++)
                {
                    since[i]++;
                    if (a.Pulse(i, amps[j])) { fired++; if (amps[j] == 1.0) isis.Add(since[i]); since[i] = 0; }
                }
            rate[j] = fired / (double)(pulses * a.Count);
        }
        Figure f1 = new LineFigure
        {
            Name = "rate", Title = "Phase-change neuron firing probability per input pulse", XLabel = "pulse amplitude factor", YLabel = "spikes per pulse",
            Series = [new Series("mean over neurons", amps, rate, Markers: true)], Caption = "Integrate-and-fire by crystallisation (Tuma et al. 2016).",
        };
        Figure f2 = new HistogramFigure { Name = "isi", Title = "Interspike intervals (pulses), amplitude 1", Values = [isis.ToArray()], Bins = 20, Caption = "Stochasticity from melt-quench variability." };
        return ([f1, f2], Csv("amplitude,spikes_per_pulse", amps, rate));
    }

    private static (Figure[], string) Telegraph(MtjParams p, CharacterizationOptions o)
    {
        var a = new TelegraphJunctionArray(1, p, o.Seed);
        double tau0 = a.DwellParallel(0), dt = tau0 / 50;
        int n = 5000;
        var t = new double[n]; var r = new double[n];
        double rp = p.ResistanceParallel, rap = p.ResistanceParallel * (1 + p.Tmr);
        for (int k = 0; k < n; k++) { a.Step(0, dt); t[k] = k * dt; r[k] = a.IsParallel(0) ? rp : rap; }
        int nc = 21;
        var cur = Enumerable.Range(0, nc).Select(k => p.CriticalCurrent * (-0.3 + 0.6 * k / (nc - 1))).ToArray();
        var frac = new double[nc]; var th = new double[nc];
        for (int j = 0; j < nc; j++)
        {
            var b = new TelegraphJunctionArray(o.Devices, p, o.Seed + (ulong)j);
            double dtj = Math.Min(b.DwellParallel(cur[j]), b.DwellAntiparallel(cur[j])) / 20;
            int count = 0, samples = 0;
            for (int k = 0; k < 2000; k++)
            {
                b.Step(cur[j], dtj);
                if (k >= 200) { for (int i = 0; i < b.Count; i++) if (b.IsParallel(i)) count++; samples += b.Count; }
            }
            frac[j] = count / (double)samples; th[j] = b.ParallelProbability(cur[j]);
        }
        Figure f1 = new LineFigure { Name = "trace", Title = "Telegraph noise at I = 0", XLabel = "time (s)", YLabel = "resistance (Ω)", Series = [new Series("R(t)", t, r)] };
        Figure f2 = new LineFigure
        {
            Name = "sigmoid", Title = "Time in the parallel state vs current", XLabel = "current (A)", YLabel = "P(parallel)",
            Series = [new Series("simulated", cur, frac, Markers: true, LineVisible: false), new Series("τ_P/(τ_P + τ_AP)", cur, th)],
            Caption = "Current tunes the dwell times exponentially (Mizrahi et al. 2018).",
        };
        return ([f1, f2], Csv("current,p_parallel,p_parallel_theory", cur, frac, th));
    }

    private static (Figure[], string) PBitTransfer(CharacterizationOptions o)
    {
        int n = 41, samples = Math.Max(1000, o.Devices * 10);
        var input = Enumerable.Range(0, n).Select(k => -3 + 6.0 * k / (n - 1)).ToArray();
        var mean = new double[n]; var th = input.Select(Math.Tanh).ToArray();
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int k = 0; k < samples; k++) s += PBit.Sample(input[j], o.Seed, (uint)j, (ulong)k);
            mean[j] = s / samples;
        }
        Figure f = new LineFigure
        {
            Name = "transfer", Title = "p-bit mean output", XLabel = "input I", YLabel = "⟨m⟩",
            Series = [new Series("simulated", input, mean, Markers: true, LineVisible: false), new Series("tanh(I)", input, th)],
            Caption = $"{samples} samples per point (Camsari et al. 2017).",
        };
        return ([f], Csv("input,mean,tanh", input, mean, th));
    }
}

using Neuromorph.Figures;
using System.Diagnostics;
using System.Globalization;
using Neuromorph.Spiking;
using Neuromorph.Units;

namespace Neuromorph.Experiments;

/// <summary>
/// <c>experiment: spiking-network</c> — a spiking network written declaratively: populations
/// (LIF with any preset and per-parameter overrides, Traub–Miles Hodgkin–Huxley, Poisson groups),
/// projections (connection rule, receptor, weight and delay distributions, Tsodyks–Markram
/// short-term plasticity, stochastic release, pair or triplet STDP), Poisson drives and injected
/// currents, simulated at a fixed dt on the spiking engine. Reports per-population mean rate and
/// CV of inter-spike intervals (the statistics the Brette et al. 2007 benchmarks are judged by),
/// rasters, population rates, ISI histograms, membrane traces, weight distributions of plastic
/// projections, and the operation counts priced on each technology.
/// </summary>
public sealed class SpikingNetworkExperiment : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("spiking-network",
        "A spiking network described declaratively (populations, projections, inputs, plasticity), simulated and measured",
        section => new SpikingNetworkExperiment(section));

    private static readonly string[] LifPresetNames = ["default", "brette-cuba-2007", "brette-coba-2007", "brunel-2000", "bellec-2018-lsnn", "diehl-cook-2015-excitatory"];

    private readonly SimulationSettings _sim;
    private readonly List<PopSpec> _pops = [];
    private readonly List<ProjSpec> _projs = [];
    private readonly List<DriveSpec> _drives = [];
    private readonly List<StimSpec> _stims = [];
    private readonly int _rasterNeurons, _cvMinSpikes;
    private readonly bool _exportSpikes;
    private readonly double _rateBin;
    private readonly (string Pop, string Var, int[] Neurons)? _trace;

    private sealed record PopSpec(string Name, string Model, int Size, LifParameters Lif, HodgkinHuxleyParameters Hh, double Rate, List<InitSpec> Init);
    private sealed record InitSpec(string Variable, string Distribution, double A, double B);
    private sealed record ProjSpec(string Name, string Source, int SrcStart, int SrcCount, string Target, int TgtStart, int TgtCount,
        string Rule, double P, int K, Receptor Receptor, string WeightDist, double W, double W2, double Delay, double Delay2,
        double WMin, double WMax, TsodyksMarkram? Stp, double Release, string Plasticity, double APlus, double AMinus, double TauPlus, double TauMinus,
        StdpBounds Bounds, string TripletPreset, double TripletScale);
    private sealed record DriveSpec(string Target, Receptor Receptor, int Sources, double Rate, double Weight);
    private sealed record StimSpec(string Target, string Kind, double Amplitude, double Onset, double Offset, double Frequency, double Slope);

    private SpikingNetworkExperiment(ConfigSection root)
    {
        _sim = SimulationSettings.Read(root);

        var net = root.Section("network");
        var names = new HashSet<string>();
        foreach (var p in net.SectionList("populations"))
        {
            var name = p.RequireString("name");
            if (!names.Add(name)) p.Error("name", $"population '{name}' is defined twice");
            var model = p.GetString("model", "lif", "lif", "hh", "poisson");
            int size = p.GetInt("size", 1, 1, 100_000_000);
            var lif = model == "lif" ? ReadLif(p) : default;
            var hh = model == "hh" ? ReadHh(p) : default;
            double rate = model == "poisson" ? p.GetQuantity("rate", Dimension.Frequency, 10, 0, 1e4) : 0;
            var inits = new List<InitSpec>();
            if (model != "poisson" && p.Has("init"))
            {
                // init: { v: {distribution: uniform, low: -60 mV, high: -50 mV}, ge: {distribution: normal, mean: 40 nS, sd: 15 nS} }
                var init = p.Section("init");
                string[] vars = model == "hh" ? ["v", "m", "h", "n", "ge", "gi"] : ["v", "ge", "gi", "a"];
                bool conductance = model == "hh" || lif.Synapses == SynapseKind.Conductance;
                foreach (var v in vars)
                {
                    if (!init.Has(v)) continue;
                    var vs = init.Section(v);
                    var dim = v switch { "v" => Dimension.Voltage, "ge" or "gi" => conductance ? Dimension.Conductance : Dimension.Current, _ => Dimension.Dimensionless };
                    var dist = vs.GetString("distribution", "uniform", "uniform", "normal", "constant");
                    double a = dist switch { "uniform" => vs.GetQuantity("low", dim, 0), "normal" => vs.GetQuantity("mean", dim, 0), _ => vs.GetQuantity("value", dim, 0) };
                    double b = dist switch { "uniform" => vs.GetQuantity("high", dim, a), "normal" => vs.GetQuantity("sd", dim, 0, 0), _ => a };
                    if (dist == "uniform" && b < a) vs.Error("high", "must be ≥ low");
                    inits.Add(new InitSpec(v, dist, a, b));
                }
            }
            _pops.Add(new PopSpec(name, model, size, lif, hh, rate, inits));
        }
        if (_pops.Count == 0) net.Error("populations", "define at least one population");

        foreach (var s in net.SectionList("projections"))
        {
            var name = s.GetString("name", $"projection-{_projs.Count}");
            var (src, s0, sc) = ReadRange(s, "source");
            var (tgt, t0, tc) = ReadRange(s, "target");
            var rule = s.GetString("rule", "fixed-probability", "fixed-probability", "fixed-in-degree", "fixed-out-degree", "one-to-one", "all-to-all");
            double p = rule == "fixed-probability" ? s.GetDouble("p", 0.02, 0, 1) : 0;
            int k = rule is "fixed-in-degree" or "fixed-out-degree" ? s.GetInt("k", 80, 1) : 0;
            var receptor = s.GetString("receptor", "excitatory", "excitatory", "inhibitory", "voltage") switch
            { "inhibitory" => Receptor.Inhibitory, "voltage" => Receptor.Voltage, _ => Receptor.Excitatory };
            var dim = WeightDimension(tgt, receptor);
            var wdist = s.GetString("weight_distribution", "constant", "constant", "uniform", "normal");
            double w = wdist == "uniform" ? s.GetQuantity("weight_low", dim, 0) : s.GetQuantity("weight", dim, 0);
            double w2 = wdist switch { "uniform" => s.GetQuantity("weight_high", dim, w), "normal" => s.GetQuantity("weight_sd", dim, 0, 0), _ => 0 };
            double d = s.GetQuantity("delay", Dimension.Time, 0, 0, 1);
            double d2 = s.GetQuantity("delay_high", Dimension.Time, d, 0, 1);
            double wmin = s.GetQuantity("weight_min", dim, double.NegativeInfinity);
            double wmax = s.GetQuantity("weight_max", dim, double.PositiveInfinity);
            TsodyksMarkram? stp = null;
            if (s.Has("short_term_plasticity"))
            {
                var t = s.Section("short_term_plasticity");
                stp = new TsodyksMarkram(t.GetDouble("u", 0.5, 0, 1), t.GetQuantity("tau_depression", Dimension.Time, 0.8, 0, 100, minExclusive: true),
                    t.GetQuantity("tau_facilitation", Dimension.Time, 0, 0, 100));
            }
            double release = s.GetDouble("release_probability", 1, 0, 1);
            string plast = "none"; double ap = 0, am = 0, tp = 0.02, tm = 0.02, tscale = 1; var bounds = StdpBounds.Additive; string tpreset = "visual-cortex";
            if (s.Has("plasticity"))
            {
                var pl = s.Section("plasticity");
                plast = pl.GetString("rule", "pair-stdp", "pair-stdp", "triplet-stdp");
                if (plast == "pair-stdp")
                {
                    ap = pl.GetQuantity("a_plus", dim, 0.01 * (double.IsFinite(wmax) ? wmax : 1), 0);
                    am = pl.GetQuantity("a_minus", dim, 1.05 * ap, 0);
                    tp = pl.GetQuantity("tau_plus", Dimension.Time, 20e-3, 0, 10, minExclusive: true);
                    tm = pl.GetQuantity("tau_minus", Dimension.Time, 20e-3, 0, 10, minExclusive: true);
                    bounds = pl.GetString("bounds", "additive", "additive", "multiplicative") == "multiplicative" ? StdpBounds.Multiplicative : StdpBounds.Additive;
                }
                else
                {
                    tpreset = pl.GetString("preset", "visual-cortex", "visual-cortex", "hippocampal");
                    tscale = pl.GetQuantity("weight_scale", dim, 1, 0, double.PositiveInfinity, minExclusive: true);
                }
                if (!double.IsFinite(wmin) || !double.IsFinite(wmax)) s.Error("plasticity", "plastic projections need finite weight_min and weight_max");
            }
            _projs.Add(new ProjSpec(name, src, s0, sc, tgt, t0, tc, rule, p, k, receptor, wdist, w, w2, d, d2, wmin, wmax, stp, release, plast, ap, am, tp, tm, bounds, tpreset, tscale));
        }

        foreach (var s in net.SectionList("poisson_inputs"))
        {
            var target = s.RequireString("target");
            CheckPopulation(s, "target", target);
            var receptor = s.GetString("receptor", "excitatory", "excitatory", "inhibitory", "voltage") switch
            { "inhibitory" => Receptor.Inhibitory, "voltage" => Receptor.Voltage, _ => Receptor.Excitatory };
            _drives.Add(new DriveSpec(target, receptor, s.GetInt("sources", 1, 1), s.GetQuantity("rate", Dimension.Frequency, 10, 0, 1e5),
                s.GetQuantity("weight", WeightDimension(target, receptor), 0)));
        }
        foreach (var s in net.SectionList("currents"))
        {
            var target = s.RequireString("target");
            CheckPopulation(s, "target", target);
            var kind = s.GetString("kind", "step", "constant", "step", "ramp", "sine");
            _stims.Add(new StimSpec(target, kind, s.GetQuantity("amplitude", Dimension.Current, 0), s.GetQuantity("onset", Dimension.Time, 0, 0),
                s.GetQuantity("offset", Dimension.Time, double.PositiveInfinity, 0), kind == "sine" ? s.GetQuantity("frequency", Dimension.Frequency, 10, 0) : 0,
                kind == "ramp" ? s.GetDouble("slope_amperes_per_second", 0) : 0));
        }

        var report = root.Section("report");
        _rasterNeurons = report.GetInt("raster_neurons", 400, 1);
        _rateBin = report.GetQuantity("rate_bin", Dimension.Time, 5e-3, 0, 10, minExclusive: true);
        _cvMinSpikes = report.GetInt("cv_min_spikes", 5, 2);
        _exportSpikes = report.GetBool("export_spikes", false);
        if (report.Has("trace"))
        {
            var t = report.Section("trace");
            var pop = t.RequireString("population");
            CheckPopulation(t, "population", pop);
            var ids = t.GetDoubleList("neurons", [0], 0).Select(x => (int)x).ToArray();
            _trace = (pop, t.GetString("variable", "v"), ids);
        }
    }

    private void CheckPopulation(ConfigSection s, string key, string name)
    {
        if (_pops.All(p => p.Name != name)) s.Error(key, $"no population named '{name}' (defined: {string.Join(", ", _pops.Select(p => p.Name))})");
    }

    /// <summary>"P" or "P[0:3200]" → (name, start, count); count −1 means the whole population.</summary>
    private (string Name, int Start, int Count) ReadRange(ConfigSection s, string key)
    {
        var text = s.RequireString(key);
        string name = text; int start = 0, count = -1;
        int br = text.IndexOf('[');
        if (br > 0)
        {
            name = text[..br];
            var inner = text[(br + 1)..].TrimEnd(']').Split(':');
            if (inner.Length != 2 || !int.TryParse(inner[0], out start) || !int.TryParse(inner[1], out int end) || end <= start || start < 0)
            { s.Error(key, $"'{text}': write a slice as NAME[start:end] with 0 ≤ start < end"); return (name, 0, -1); }
            count = end - start;
        }
        var pop = _pops.FirstOrDefault(p => p.Name == name);
        if (pop == null) s.Error(key, $"no population named '{name}' (defined: {string.Join(", ", _pops.Select(p => p.Name))})");
        else if (count > 0 && start + count > pop.Size) s.Error(key, $"'{text}' exceeds population '{name}' of size {pop.Size}");
        return (name, start, count);
    }

    private Dimension WeightDimension(string target, Receptor receptor)
    {
        if (receptor == Receptor.Voltage) return Dimension.Voltage;
        var pop = _pops.FirstOrDefault(p => p.Name == target);
        if (pop == null) return Dimension.Current;
        return pop.Model == "hh" || (pop.Model == "lif" && pop.Lif.Synapses == SynapseKind.Conductance) ? Dimension.Conductance : Dimension.Current;
    }

    private static LifParameters ReadLif(ConfigSection p)
    {
        var preset = p.GetString("preset", "default", LifPresetNames);
        var b = preset switch
        {
            "brette-cuba-2007" => LifPresets.BretteCuba2007,
            "brette-coba-2007" => LifPresets.BretteCoba2007,
            "brunel-2000" => LifPresets.Brunel2000,
            "bellec-2018-lsnn" => LifPresets.Bellec2018Lsnn,
            "diehl-cook-2015-excitatory" => LifPresets.DiehlCook2015Excitatory,
            _ => new LifParameters(),
        };
        var lif = b with
        {
            Capacitance = p.GetQuantity("capacitance", Dimension.Capacitance, b.Capacitance, 0, 1, minExclusive: true),
            TauMembrane = p.GetQuantity("tau_m", Dimension.Time, b.TauMembrane, 0, 10, minExclusive: true),
            RestingPotential = p.GetQuantity("v_rest", Dimension.Voltage, b.RestingPotential, -0.2, 0.1),
            Threshold = p.GetQuantity("v_threshold", Dimension.Voltage, b.Threshold, -0.2, 0.1),
            Reset = p.GetQuantity("v_reset", Dimension.Voltage, b.Reset, -0.2, 0.1),
            Refractory = p.GetQuantity("refractory", Dimension.Time, b.Refractory, 0, 1),
            TauExcitatory = p.GetQuantity("tau_e", Dimension.Time, b.TauExcitatory, 0, 10, minExclusive: true),
            TauInhibitory = p.GetQuantity("tau_i", Dimension.Time, b.TauInhibitory, 0, 10, minExclusive: true),
            Synapses = p.GetString("synapses", b.Synapses == SynapseKind.Conductance ? "conductance" : "current", "current", "conductance") == "conductance" ? SynapseKind.Conductance : SynapseKind.Current,
            ReversalExcitatory = p.GetQuantity("e_e", Dimension.Voltage, b.ReversalExcitatory, -0.2, 0.2),
            ReversalInhibitory = p.GetQuantity("e_i", Dimension.Voltage, b.ReversalInhibitory, -0.2, 0.2),
            ResetMode = p.GetString("reset", b.ResetMode == ResetMode.Subtract ? "subtract" : "value", "value", "subtract") == "subtract" ? ResetMode.Subtract : ResetMode.ToValue,
            AdaptationStrength = p.GetQuantity("adaptation_strength", Dimension.Voltage, b.AdaptationStrength),
            TauAdaptation = p.GetQuantity("tau_adaptation", Dimension.Time, b.TauAdaptation, 0, 1e6, minExclusive: true),
            AdaptationIncrement = p.GetDouble("adaptation_increment", b.AdaptationIncrement),
        };
        if (!(lif.Reset < lif.Threshold)) p.Error("v_reset", $"must be below v_threshold ({Quantity.Format(lif.Threshold, "V")})");
        return lif;
    }

    private static HodgkinHuxleyParameters ReadHh(ConfigSection p)
    {
        p.GetString("preset", "traub-miles-cobahh", "traub-miles-cobahh");
        var b = new HodgkinHuxleyParameters();
        return b with
        {
            Capacitance = p.GetQuantity("capacitance", Dimension.Capacitance, b.Capacitance, 0, 1, minExclusive: true),
            LeakConductance = p.GetQuantity("g_leak", Dimension.Conductance, b.LeakConductance, 0),
            SodiumConductance = p.GetQuantity("g_na", Dimension.Conductance, b.SodiumConductance, 0),
            PotassiumConductance = p.GetQuantity("g_k", Dimension.Conductance, b.PotassiumConductance, 0),
            VT = p.GetQuantity("v_t", Dimension.Voltage, b.VT, -0.2, 0.1),
            TauExcitatory = p.GetQuantity("tau_e", Dimension.Time, b.TauExcitatory, 0, 10, minExclusive: true),
            TauInhibitory = p.GetQuantity("tau_i", Dimension.Time, b.TauInhibitory, 0, 10, minExclusive: true),
        };
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        var sw = Stopwatch.StartNew();
        var net = new Network(_sim.Dt, ctx.Seed, _sim.Threads);
        var pops = new Dictionary<string, Population>();
        foreach (var p in _pops)
        {
            Population pop = p.Model switch
            {
                "lif" => net.AddLif(p.Name, p.Size, p.Lif),
                "hh" => net.Add(new HodgkinHuxleyPopulation(p.Name, p.Size, p.Hh)),
                _ => net.Add(new PoissonGroup(p.Name, p.Size, p.Rate)),
            };
            foreach (var init in p.Init)
            {
                var x = pop.State(init.Variable);
                var comp = Numerics.Philox.ComponentId($"init/{p.Name}/{init.Variable}");
                for (int i = 0; i < p.Size; i++)
                {
                    var rng = new Numerics.RandomStream(ctx.Seed, comp, (uint)i);
                    x[i] = (float)(init.Distribution switch
                    {
                        "uniform" => init.A + rng.NextDouble() * (init.B - init.A),
                        "normal" => init.A + init.B * rng.NextNormal(),
                        _ => init.A,
                    });
                }
            }
            pops[p.Name] = pop;
        }
        var plastic = new List<(ProjSpec Spec, Projection Proj)>();
        foreach (var s in _projs)
        {
            var src = pops[s.Source]; var tgt = pops[s.Target];
            var conn = s.Rule switch
            {
                "fixed-in-degree" => Connectivity.FixedInDegree(s.K),
                "fixed-out-degree" => Connectivity.FixedOutDegree(s.K),
                "one-to-one" => Connectivity.OneToOne(),
                "all-to-all" => Connectivity.AllToAll(),
                _ => Connectivity.FixedProbability(s.P),
            };
            var spec = new SynapseSpec
            {
                Receptor = s.Receptor,
                Weight = s.WeightDist switch { "uniform" => WeightInit.Uniform(s.W, s.W2), "normal" => WeightInit.Normal(s.W, s.W2), _ => WeightInit.Constant(s.W) },
                Delay = s.Delay2 > s.Delay ? DelayInit.Uniform(s.Delay, s.Delay2) : DelayInit.Constant(s.Delay),
                MinWeight = (float)s.WMin, MaxWeight = (float)s.WMax,
                ShortTermPlasticity = s.Stp, ReleaseProbability = s.Release,
            };
            var proj = net.Connect(new NeuronRange(src, s.SrcStart, s.SrcCount < 0 ? src.Count : s.SrcCount),
                new NeuronRange(tgt, s.TgtStart, s.TgtCount < 0 ? tgt.Count : s.TgtCount), conn, spec, s.Name);
            if (s.Plasticity == "pair-stdp") { net.AddPlasticity(new PairStdp(proj, s.APlus, s.AMinus, s.TauPlus, s.TauMinus, s.Bounds)); plastic.Add((s, proj)); }
            else if (s.Plasticity == "triplet-stdp")
            {
                var tp = s.TripletPreset == "hippocampal" ? TripletParameters.HippocampalAllToAll : TripletParameters.VisualCortexAllToAll;
                net.AddPlasticity(new TripletStdp(proj, tp, s.TripletScale)); plastic.Add((s, proj));
            }
        }
        foreach (var d in _drives) net.AddPoissonInput(pops[d.Target], d.Receptor, d.Sources, d.Rate, d.Weight);
        foreach (var st in _stims)
        {
            var stim = st.Kind switch
            {
                "constant" => Stimulus.Constant(st.Amplitude),
                "ramp" => Stimulus.Ramp(st.Slope, st.Onset, st.Offset),
                "sine" => Stimulus.Sine(st.Amplitude, st.Frequency),
                _ => Stimulus.Step(st.Amplitude, st.Onset, st.Offset),
            };
            net.Inject(pops[st.Target], stim);
        }
        var spikeMon = _pops.ToDictionary(p => p.Name, p => net.MonitorSpikes(pops[p.Name]));
        var rateMon = _pops.Where(p => p.Model != "poisson").ToDictionary(p => p.Name, p => net.MonitorRate(pops[p.Name], _rateBin));
        StateMonitor? traceMon = null;
        if (_trace is { } tr)
        {
            var ids = tr.Neurons.Where(i => i < pops[tr.Pop].Count).ToArray();
            traceMon = net.MonitorState(pops[tr.Pop], tr.Var, ids, Math.Max(1, (int)Math.Round(1e-4 / _sim.Dt)));
        }

        long bytes = net.EstimateMemoryBytes();
        ctx.Log($"building: {_pops.Sum(p => p.Size):N0} neurons, estimated {bytes / 1e6:F0} MB");
        net.Build();
        double build = sw.Elapsed.TotalSeconds;
        ctx.Log($"built {net.Projections.Sum(p => (long)p.SynapseCount):N0} synapses in {build:F2} s");

        var simClock = Stopwatch.StartNew();
        _sim.Run(net, ctx, "simulate");
        double simulate = simClock.Elapsed.TotalSeconds;

        ctx.Counters.Add(net.Counters);
        ctx.Inferences = 1;
        ctx.Metric("build_seconds", build);
        ctx.Metric("simulate_seconds", simulate);
        ctx.Metric("real_time_factor", simulate / _sim.Duration);
        ctx.Metric("spikes", spikeMon.Values.Sum(m => m.Count));
        ctx.Metric("synaptic_events", net.Counters[Energy.Op.SynapticEvent]);
        foreach (var p in _pops)
        {
            var m = spikeMon[p.Name];
            var (rate, cv) = _sim.RateAndCv(m, _cvMinSpikes);
            ctx.Metric($"mean_rate_hz/{p.Name}", rate);
            if (p.Model != "poisson") ctx.Metric($"cv_isi/{p.Name}", cv);
            ctx.Summary.Add($"{p.Name}: {p.Size:N0} {p.Model} neurons, mean rate {rate:F2} Hz, CV of ISI {cv:F2} (from {Quantity.Format(_sim.StatisticsFrom, "s")}).");
        }
        ctx.Summary.Add($"Simulated {Quantity.Format(_sim.Duration, "s")} at dt = {Quantity.Format(_sim.Dt, "s")} in {simulate:F2} s on {_sim.Threads} thread(s) (build {build:F2} s).");

        if (_exportSpikes)
            foreach (var p in _pops)
            {
                // spikes-<pop>.csv (time, neuron) and spikes-<pop>.bin (per-step CSR, SpikeMonitor.ReadBinary reads it back).
                spikeMon[p.Name].WriteCsv(Path.Combine(ctx.RunDirectory, $"spikes-{p.Name}.csv"));
                spikeMon[p.Name].WriteBinary(Path.Combine(ctx.RunDirectory, $"spikes-{p.Name}.bin"));
            }
        foreach (var p in _pops)
        {
            var m = spikeMon[p.Name];
            ctx.Figures.Add(Raster(m, p.Name, Math.Min(_rasterNeurons, p.Size)));
            if (p.Model != "poisson")
            {
                ctx.Figures.Add(rateMon[p.Name].ToFigure($"rate-{p.Name}", $"Population rate of {p.Name} ({Quantity.Format(_rateBin, "s")} bins)"));
                if (m.Count > 1) ctx.Figures.Add(m.IsiHistogram($"isi-{p.Name}", $"Inter-spike intervals of {p.Name}"));
            }
        }
        if (traceMon != null && traceMon.SampleCount > 0)
            ctx.Figures.Add(traceMon.ToFigure("trace", $"{_trace!.Value.Var} of {_trace.Value.Pop}", _trace.Value.Var == "v" ? "v (V)" : _trace.Value.Var));
        foreach (var (s, proj) in plastic)
        {
            var w = proj.Store.Weights;
            double range = s.WMax - s.WMin;
            int near = 0;
            foreach (var x in w) if (x <= s.WMin + 0.1 * range || x >= s.WMax - 0.1 * range) near++;
            double nearFrac = w.Length > 0 ? (double)near / w.Length : 0;
            ctx.Metric($"weights_near_bounds/{s.Name}", nearFrac);
            ctx.Metric($"weight_mean/{s.Name}", w.Length > 0 ? Average(w) / s.WMax : 0);
            ctx.Figures.Add(new HistogramFigure
            {
                Name = $"weights-{s.Name}", Title = $"Final weights of {s.Name} (relative to weight_max)", XLabel = "w / w_max", YLabel = "synapses",
                Values = [w.ToArray().Select(x => (double)(x / s.WMax)).ToArray()], Bins = 40,
                Caption = $"{100 * nearFrac:F1} % of the weights lie within 10 % of a bound.",
            });
            ctx.Summary.Add($"{s.Name}: {100 * nearFrac:F1} % of {w.Length:N0} plastic weights end within 10 % of a bound.");
        }
    }

    private static double Average(ReadOnlySpan<float> w) { double s = 0; foreach (var x in w) s += x; return s / w.Length; }

    private static RasterFigure Raster(SpikeMonitor m, string pop, int neurons)
    {
        var times = m.Times();
        var ids = m.NeuronIndices;
        var t = new List<double>(); var n = new List<int>();
        for (int i = 0; i < times.Length && t.Count < 200_000; i++)
            if (ids[i] < neurons) { t.Add(times[i]); n.Add(ids[i]); }
        return new RasterFigure
        {
            Name = $"raster-{pop}", Title = $"Spikes of {pop} (first {neurons.ToString(CultureInfo.InvariantCulture)} neurons)",
            XLabel = "time (s)", YLabel = "neuron", Times = [.. t], Neurons = [.. n],
        };
    }
}

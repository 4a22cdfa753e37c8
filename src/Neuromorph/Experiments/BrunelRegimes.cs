using Neuromorph.Figures;
using System.Globalization;
using Neuromorph.Spiking;
using Neuromorph.Units;

namespace Neuromorph.Experiments;

/// <summary>
/// <c>experiment: brunel-regimes</c> — Brunel (2000, "Dynamics of sparsely connected networks of
/// excitatory and inhibitory spiking neurons", J. Comput. Neurosci. 8:183) model A: N_E
/// excitatory and N_I = N_E/4 inhibitory LIF neurons (τ = 20 ms, θ = 20 mV, V_r = 10 mV,
/// τ_rp = 2 ms), each receiving C_E = ε·N_E excitatory and C_I = ε·N_I inhibitory connections
/// (ε = 0.1) with delta synapses J and −g·J after a delay D = 1.5 ms, plus C_E external Poisson
/// inputs at ν_ext = η·ν_thr, ν_thr = θ/(J·C_E·τ). As the relative inhibition g and the drive η
/// vary the network is synchronous regular (SR), asynchronous irregular (AI) or synchronous
/// irregular (SI, fast or slow); the defaults are the four points of the paper's figure 8.
/// Each point reports the mean rate, the mean CV of inter-spike intervals (irregularity) and the
/// synchrony index χ (Golomb 2007, Scholarpedia 2:1347) on 1 ms bins of spike counts s_i(t):
/// χ² = Var_t[A(t)] / mean_i Var_t[s_i(t)] with A(t) = mean_i s_i(t); χ ≈ 1/√N for independent
/// neurons and → 1 when all fire together.
/// </summary>
public sealed class BrunelRegimes : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("brunel-regimes",
        "Brunel 2000 model A at several (g, η): synchronous/asynchronous, regular/irregular regimes", s => new BrunelRegimes(s));

    private readonly int _ne;
    private readonly double _epsilon, _j, _delay;
    private readonly SimulationSettings _sim;
    private readonly List<(string Label, double G, double Eta)> _points = [];

    private BrunelRegimes(ConfigSection root)
    {
        var net = root.Section("network");
        _ne = net.GetInt("excitatory", 10000, 10, 1_000_000);
        _epsilon = net.GetDouble("connection_probability", 0.1, 0, 1);
        _j = net.GetQuantity("j", Dimension.Voltage, 0.1e-3, 0, 0.02, minExclusive: true);
        _delay = net.GetQuantity("delay", Dimension.Time, 1.5e-3, 0, 0.1);
        if (_epsilon * _ne < 1) net.Error("connection_probability", "gives fewer than one excitatory input per neuron");
        _sim = SimulationSettings.Read(root, duration: 0.4, statisticsFrom: 0.1);
        if (_delay < _sim.Dt) root.Section("network").Error("delay", "must be at least one time step");
        foreach (var p in root.SectionList("regimes"))
            _points.Add((p.RequireString("label"), p.GetDouble("g", 5, 0, 20), p.GetDouble("eta", 2, 0, 20)));
        if (_points.Count == 0)
            _points.AddRange([("A: SR (g=3, η=2)", 3, 2), ("B: SI fast (g=6, η=4)", 6, 4), ("C: AI (g=5, η=2)", 5, 2), ("D: SI slow (g=4.5, η=0.9)", 4.5, 0.9)]);
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        int ni = _ne / 4, n = _ne + ni;
        int ce = Math.Max(1, (int)Math.Round(_epsilon * _ne)), ci = Math.Max(1, (int)Math.Round(_epsilon * ni));
        var prm = LifPresets.Brunel2000;
        double nuThr = prm.Threshold / (_j * ce * prm.TauMembrane);
        ctx.Log($"N_E = {_ne}, N_I = {ni}, C_E = {ce}, C_I = {ci}, J = {Quantity.Format(_j, "V")}, ν_thr = {nuThr:F1} Hz");
        var rows = new List<string[]>();
        var labels = new List<string>(); var rates = new List<double>(); var cvs = new List<double>(); var chis = new List<double>();
        for (int r = 0; r < _points.Count; r++)
        {
            var (label, g, eta) = _points[r];
            ctx.Cancellation.ThrowIfCancellationRequested();
            var net = new Network(_sim.Dt, ctx.Seed, _sim.Threads);
            var pop = net.AddLif("neurons", n, prm);
            var comp = Numerics.Philox.ComponentId("init/v");
            for (int i = 0; i < n; i++)
            {
                var rng = new Numerics.RandomStream(ctx.Seed, comp, (uint)i);
                pop.V[i] = (float)(prm.Reset + rng.NextDouble() * (prm.Threshold - prm.Reset));
            }
            net.Connect(new NeuronRange(pop, 0, _ne), pop, Connectivity.FixedInDegree(ce),
                new SynapseSpec { Receptor = Receptor.Voltage, Weight = WeightInit.Constant(_j), Delay = DelayInit.Constant(_delay) }, "E");
            net.Connect(new NeuronRange(pop, _ne, ni), pop, Connectivity.FixedInDegree(ci),
                new SynapseSpec { Receptor = Receptor.Voltage, Weight = WeightInit.Constant(-g * _j), Delay = DelayInit.Constant(_delay) }, "I");
            net.AddPoissonInput(pop, Receptor.Voltage, ce, eta * nuThr, _j);
            var mon = net.MonitorSpikes(pop);
            net.Build();
            _sim.Run(net, ctx, $"regime {label}", chunk: 0.02);
            ctx.Counters.Add(net.Counters);
            var (rate, cv) = _sim.RateAndCv(mon);
            double chi = Synchrony(mon, n, 1e-3), chiSlow = Synchrony(mon, n, 10e-3);
            
            labels.Add(label); rates.Add(rate); cvs.Add(cv); chis.Add(chi);
            string key = Slug(label);
            ctx.Metric($"synchrony_chi_10ms/{key}", chiSlow);
            ctx.Metric($"mean_rate_hz/{key}", rate);
            ctx.Metric($"cv_isi/{key}", cv);
            ctx.Metric($"synchrony_chi/{key}", chi);
            ctx.Log($"{label}: rate {rate:F1} Hz, CV {cv:F2}, synchrony χ {chi:F3} (1 ms bins), {chiSlow:F3} (10 ms bins)");
            rows.Add([label, g.ToString("G3", CultureInfo.InvariantCulture), eta.ToString("G3", CultureInfo.InvariantCulture),
                rate.ToString("F1", CultureInfo.InvariantCulture), cv.ToString("F2", CultureInfo.InvariantCulture), chi.ToString("F3", CultureInfo.InvariantCulture), chiSlow.ToString("F3", CultureInfo.InvariantCulture)]);
            ctx.Figures.Add(Raster(mon, label, key));
        }
        ctx.Inferences = _points.Count;
        ctx.Tables.Add(new ReportTable("Regimes", ["regime", "g", "η", "rate (Hz)", "CV of ISI", "χ (1 ms bins)", "χ (10 ms bins)"], [.. rows],
            $"Irregularity: CV ≈ 1 for Poisson-like firing, ≪ 1 for regular firing. Synchrony χ: ≈ 1/√N (here {1.0 / Math.Sqrt(n):F3}) for independent neurons, → 1 when all fire together."));
        var cats = labels.ToArray();
        ctx.Figures.Add(new BarFigure { Name = "rates", Title = "Mean firing rate per regime", YLabel = "rate (Hz)", Categories = cats, Values = [[.. rates]] });
        ctx.Figures.Add(new BarFigure { Name = "irregularity", Title = "Irregularity: mean CV of inter-spike intervals", YLabel = "CV", Categories = cats, Values = [[.. cvs]] });
        ctx.Figures.Add(new BarFigure { Name = "synchrony", Title = "Synchrony index χ (Golomb 2007), 1 ms bins", YLabel = "χ", Categories = cats, Values = [[.. chis]] });
        for (int i = 0; i < labels.Count; i++)
            ctx.Summary.Add($"{labels[i]}: {rates[i]:F1} Hz, CV {cvs[i]:F2}, synchrony χ {chis[i]:F3} (1 ms bins).");
    }

    /// <summary>Golomb's synchrony index χ on spike counts in bins of <paramref name="bin"/> seconds.</summary>
    private double Synchrony(SpikeMonitor mon, int n, double bin)
    {
        var times = mon.Times();
        var ids = mon.NeuronIndices;
        double t0 = _sim.StatisticsFrom;
        int bins = Math.Max(2, (int)Math.Floor((_sim.Duration - t0) / bin));
        var counts = new double[bins];
        var perNeuron = new long[n];
        var cells = new Dictionary<long, int>();
        for (int k = 0; k < times.Length; k++)
        {
            if (times[k] < t0) continue;
            int b = (int)((times[k] - t0) / bin);
            if (b >= bins) continue;
            counts[b]++;
            perNeuron[ids[k]]++;
            long cell = (long)ids[k] * bins + b;
            cells[cell] = cells.GetValueOrDefault(cell) + 1;
        }
        // χ² = Var_t[A] / mean_i Var_t[s_i], A(t) = mean_i s_i(t); Var_t[s_i] = E[s_i²] − E[s_i]².
        double meanA = counts.Average() / n;
        double varA = counts.Sum(c => (c / n - meanA) * (c / n - meanA)) / bins;
        var sq = new double[n];
        foreach (var (cell, c) in cells) sq[(int)(cell / bins)] += (double)c * c;
        double meanVar = 0;
        for (int i = 0; i < n; i++) { double m = (double)perNeuron[i] / bins; meanVar += sq[i] / bins - m * m; }
        meanVar /= n;
        return meanVar > 0 ? Math.Sqrt(varA / meanVar) : double.NaN;
    }

    private RasterFigure Raster(SpikeMonitor mon, string label, string key)
    {
        var times = mon.Times(); var ids = mon.NeuronIndices;
        double from = Math.Max(_sim.StatisticsFrom, _sim.Duration - 0.1);
        var t = new List<double>(); var id = new List<int>();
        for (int k = 0; k < times.Length; k++)
            if (times[k] >= from && ids[k] < 200) { t.Add(times[k]); id.Add(ids[k]); }
        return new RasterFigure
        {
            Name = $"raster-{key}", Title = $"{label}: last 100 ms, first 200 excitatory neurons", XLabel = "time (s)", YLabel = "neuron",
            Times = [.. t], Neurons = [.. id],
        };
    }

    private static string Slug(string label)
    {
        var head = label.Split(':')[0].Trim();
        var chars = head.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray();
        return new string(chars).Trim('-');
    }
}

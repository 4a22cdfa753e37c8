using Neuromorph.Figures;
using System.Globalization;
using Neuromorph.Spiking;
using Neuromorph.Units;

namespace Neuromorph.Experiments;

/// <summary>
/// <c>experiment: izhikevich-patterns</c> — the 20 neuro-computational features of Izhikevich
/// (2004, "Which model to use for cortical spiking neurons?", IEEE Trans. Neural Netw. 15:1063,
/// figure 1), each produced by one neuron of the simple model (Izhikevich 2003):
/// v' = 0.04v² + 5v + 140 − u + I, u' = a(bv − u), v ≥ 30 mV ⇒ v ← c, u ← u + d, with the
/// published (a, b, c, d) and input protocol of each panel. Voltage traces are drawn in panels of
/// five with their input currents, and a table lists each pattern's spike statistics.
/// </summary>
public sealed class IzhikevichPatterns : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("izhikevich-patterns",
        "The 20 firing patterns of Izhikevich 2004 (figure 1) from the simple model's published presets", s => new IzhikevichPatterns(s));

    private readonly double _dt;
    private readonly string[] _names;

    private IzhikevichPatterns(ConfigSection root)
    {
        var sim = root.Section("simulation");
        _dt = sim.GetQuantity("dt", Dimension.Time, 1e-4, 1e-6, 1e-3);
        var all = IzhikevichPresets.All.Select(p => p.Name).ToArray();
        _names = root.Section("network").GetStringList("patterns", all, all);
        if (_names.Length == 0) root.Section("network").Error("patterns", "name at least one pattern");
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        var presets = IzhikevichPresets.All.Where(p => _names.Contains(p.Name)).ToList();
        var rows = new List<string[]>();
        var panels = new List<Series>(); var currents = new List<Series>();
        int panel = 0;
        for (int k = 0; k < presets.Count; k++)
        {
            var preset = presets[k];
            var prm = preset.Parameters;
            var net = new Network(_dt, ctx.Seed, 1);
            var pop = net.Add(new IzhikevichPopulation("n", 1, prm));
            pop.V[0] = (float)(preset.InitialV * 1e-3);
            pop.U[0] = (float)(prm.B * preset.InitialV);
            int n = (int)Math.Ceiling(preset.DurationMs / (_dt * 1e3)) + 1;
            var samples = new double[n];
            for (int i = 0; i < n; i++) samples[i] = preset.Current(i * _dt * 1e3) * prm.CurrentUnit;
            net.Inject(pop, Stimulus.Trace(samples, _dt));
            var spikes = net.MonitorSpikes(pop);
            int every = Math.Max(1, (int)Math.Round(1e-4 / _dt));
            var trace = net.MonitorState(pop, "v", [0], every);
            net.Run(preset.DurationMs * 1e-3);
            ctx.Counters.Add(net.Counters);

            var t = spikes.TimesOf(0);
            string slug = preset.Name.Replace(' ', '-').ToLowerInvariant();
            ctx.Metric($"spikes/{slug}", t.Length);
            var isi = t.Zip(t.Skip(1), (a, b) => b - a).ToArray();
            rows.Add([((char)('A' + IzhikevichPresets.All.ToList().FindIndex(p => p.Name == preset.Name))).ToString(), preset.Name,
                F(prm.A), F(prm.B), F(prm.C), F(prm.D), t.Length.ToString(CultureInfo.InvariantCulture),
                t.Length > 0 ? (t[0] * 1e3).ToString("F1", CultureInfo.InvariantCulture) : "—",
                isi.Length > 0 ? (isi.Min() * 1e3).ToString("F1", CultureInfo.InvariantCulture) + "–" + (isi.Max() * 1e3).ToString("F1", CultureInfo.InvariantCulture) : "—"]);

            // Traces in panels of five, each offset by 120 mV; time in ms from the pattern's start.
            double offset = -120 * (k % 5);
            var times = trace.Times().Select(x => x * 1e3).ToArray();
            var v = trace.Trace(0).Select(x => x * 1e3 + offset).ToArray();
            panels.Add(new Series(preset.Name, times, v));
            var it = times.Select(x => preset.Current(x) + offset / 6).ToArray();
            currents.Add(new Series(preset.Name, times, it));
            if (k % 5 == 4 || k == presets.Count - 1)
            {
                panel++;
                ctx.Figures.Add(new LineFigure
                {
                    Name = $"patterns-{panel}", Title = $"Izhikevich 2004 patterns, panel {panel}", XLabel = "time (ms)", YLabel = "v (mV), traces offset by −120 mV",
                    Series = [.. panels],
                    Caption = string.Join("; ", panels.Select(s => s.Label)) + ", top to bottom.",
                });
                ctx.Figures.Add(new LineFigure
                {
                    Name = $"inputs-{panel}", Title = $"Input current of panel {panel} (model units, offset)", XLabel = "time (ms)", YLabel = "I",
                    Series = [.. currents],
                });
                panels.Clear(); currents.Clear();
            }
        }
        ctx.Inferences = presets.Count;
        ctx.Tables.Add(new ReportTable("Patterns", ["panel", "pattern", "a", "b", "c (mV)", "d", "spikes", "first spike (ms)", "ISI range (ms)"], [.. rows],
            "Parameters and input protocols as published (Izhikevich 2004, figure 1 and its MATLAB script); RK4 at the network step."));
        ctx.Summary.Add($"{presets.Count} patterns simulated at dt = {Quantity.Format(_dt, "s")}; {rows.Count(r => r[6] != "0")} of them spike.");
    }

    private static string F(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
}

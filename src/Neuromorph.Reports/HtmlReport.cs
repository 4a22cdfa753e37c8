using System.Buffers.Binary;
using System.Globalization;
using System.Reflection;
using System.Text;
using Neuromorph.Experiments;

namespace Neuromorph.Reports;

/// <summary>Builds the self-contained report.html: inline CSS, images as data URIs, everything escaped.</summary>
internal static class HtmlReport
{
    internal sealed record Inputs(RunRecord Record, IReadOnlyList<RenderedFigure> Figures, string? Config, LogTail? Log, string RunDir);

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Escapes text for HTML content and attribute values; other characters stay as UTF-8.</summary>
    internal static string E(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        if (s.AsSpan().IndexOfAny("&<>\"'") < 0) return s;
        var sb = new StringBuilder(s.Length + 16);
        foreach (var c in s)
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    public static string Build(Inputs input)
    {
        var r = input.Record;
        var sb = new StringBuilder(1 << 16);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<title>").Append(E(r.Experiment)).Append(" — Neuromorph report</title>\n");
        sb.Append("<style>").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n");

        Header(sb, input);
        Nav(sb, input);
        if (r.Summary is { Count: > 0 }) Summary(sb, r);
        Metrics(sb, r);
        if (r.Energy.Count > 0 || r.Counts.Count > 0) EnergySection(sb, r);
        if (r.Tables is { Count: > 0 }) Tables(sb, r);
        if (input.Figures.Count > 0) Figures(sb, input.Figures);
        Config(sb, input.Config);
        Log(sb, input.Log);
        ProvenanceSection(sb, r.Provenance);

        var version = typeof(HtmlReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        int plus = version.IndexOf('+');
        if (plus > 0) version = version[..plus];
        sb.Append("<footer>Report written by Neuromorph ").Append(E(version)).Append(" from <code>")
          .Append(E(input.RunDir)).Append("</code>.</footer>\n");
        sb.Append("</main>\n</body>\n</html>\n");
        return sb.ToString();
    }

    // ------------------------------------------------------------------ sections

    private static void Header(StringBuilder sb, Inputs input)
    {
        var r = input.Record;
        var p = r.Provenance;
        sb.Append("<header>\n<div class=\"kicker\">Neuromorph run report</div>\n<h1>").Append(E(r.Experiment)).Append("</h1>\n");
        if (!string.IsNullOrWhiteSpace(r.Description)) sb.Append("<p class=\"lead\">").Append(E(r.Description)).Append("</p>\n");
        sb.Append("<p class=\"meta\">");
        sb.Append("started ").Append(E(Utc(p.StartedUtc))).Append(" UTC");
        sb.Append(" · ran ").Append(E(NumberFormat.Duration(p.DurationSeconds)));
        sb.Append(" · seed ").Append(p.Seed.ToString(Inv));
        if (!string.IsNullOrWhiteSpace(p.GitCommit)) sb.Append(" · commit <code>").Append(E(ShortCommit(p.GitCommit))).Append("</code>");
        sb.Append("</p>\n");

        var cards = HeadlineMetrics(r).ToList();
        if (cards.Count > 0)
        {
            sb.Append("<div class=\"cards\">\n");
            foreach (var (label, value) in cards)
                sb.Append("<div class=\"card\"><div class=\"v\">").Append(E(value)).Append("</div><div class=\"k\">").Append(E(label)).Append("</div></div>\n");
            sb.Append("</div>\n");
        }
        sb.Append("</header>\n");
    }

    /// <summary>Up to four numbers worth seeing first: accuracies and errors, then energy per inference on the primary technology.</summary>
    private static IEnumerable<(string Label, string Value)> HeadlineMetrics(RunRecord r)
    {
        var picked = r.Metrics
            .Where(m => m.Key.Contains("accuracy", StringComparison.OrdinalIgnoreCase)
                     || m.Key.Contains("nrmse", StringComparison.OrdinalIgnoreCase)
                     || m.Key.Contains("error", StringComparison.OrdinalIgnoreCase))
            .Take(3)
            .Select(m => (Human(m.Key), NumberFormat.Metric(m.Key, m.Value)))
            .ToList();
        // The experiment's primary technology (what energy_joules_per_inference reports), else the first table.
        var firstEnergy = r.PrimaryTechnology is { } primary && r.Energy.TryGetValue(primary, out var pe)
            ? new KeyValuePair<string, EnergyRecord>(primary, pe) : r.Energy.FirstOrDefault();
        if (firstEnergy.Value is not null && r.Inferences > 0 && double.IsFinite(firstEnergy.Value.JoulesPerInference))
            picked.Add(($"energy per inference ({firstEnergy.Key})", NumberFormat.Engineering(firstEnergy.Value.JoulesPerInference, "J")));
        return picked.Take(4);
    }

    private static void Nav(StringBuilder sb, Inputs input)
    {
        var r = input.Record;
        var items = new List<(string Id, string Label)>();
        if (r.Summary is { Count: > 0 }) items.Add(("summary", "Summary"));
        items.Add(("metrics", "Metrics"));
        if (r.Energy.Count > 0 || r.Counts.Count > 0) items.Add(("energy", "Energy"));
        if (r.Tables is { Count: > 0 }) items.Add(("tables", "Tables"));
        if (input.Figures.Count > 0) items.Add(("figures", $"Figures ({input.Figures.Count})"));
        items.Add(("config", "Configuration"));
        items.Add(("log", "Log"));
        items.Add(("provenance", "Provenance"));
        sb.Append("<nav>");
        sb.AppendJoin(" ", items.Select(i => $"<a href=\"#{i.Id}\">{E(i.Label)}</a>"));
        sb.Append("</nav>\n");
    }

    private static void Summary(StringBuilder sb, RunRecord r)
    {
        sb.Append("<section id=\"summary\">\n<h2>Summary</h2>\n<ul class=\"summary\">\n");
        foreach (var line in r.Summary.Where(l => !string.IsNullOrWhiteSpace(l)))
            sb.Append("<li>").Append(E(line)).Append("</li>\n");
        sb.Append("</ul>\n</section>\n");
    }

    private static void Metrics(StringBuilder sb, RunRecord r)
    {
        sb.Append("<section id=\"metrics\">\n<h2>Metrics</h2>\n");
        if (r.Metrics.Count == 0) { sb.Append("<p class=\"muted\">The run recorded no metrics.</p>\n</section>\n"); return; }
        sb.Append("<table class=\"metrics\">\n<thead><tr><th>metric</th><th class=\"num\">value</th><th>key</th></tr></thead>\n<tbody>\n");
        foreach (var (key, value) in r.Metrics)
            sb.Append("<tr><td>").Append(E(Human(key))).Append("</td><td class=\"num\">").Append(E(NumberFormat.Metric(key, value)))
              .Append("</td><td><code>").Append(E(key)).Append("</code></td></tr>\n");
        sb.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void EnergySection(StringBuilder sb, RunRecord r)
    {
        bool perInf = r.Inferences > 0;
        sb.Append("<section id=\"energy\">\n<h2>Energy</h2>\n");
        sb.Append("<p class=\"muted\">Operation counts priced by each technology's energy table")
          .Append(perInf ? $"; per-inference figures divide by {E(ReportWriter.InferenceCount(r.Inferences))} inferences." : "; the run counted no inferences, so only totals are given.")
          .Append(" Operations a table does not price are listed as <em>not modelled</em>: they are not counted as zero.</p>\n");

        if (r.Energy.Count > 0)
        {
            sb.Append("<table class=\"energy\">\n<thead><tr><th>technology</th><th class=\"num\">per inference</th><th class=\"num\">total</th><th>largest share</th><th>not modelled</th><th>source</th></tr></thead>\n<tbody>\n");
            foreach (var (tech, e) in r.Energy)
            {
                var breakdown = e.Breakdown ?? [];
                string largest = "—";
                if (breakdown.Count > 0 && e.TotalJoules > 0)
                {
                    var top = breakdown.MaxBy(kv => kv.Value);
                    largest = $"{ReportWriter.HumanOp(top.Key)} ({(top.Value / e.TotalJoules * 100).ToString("0", Inv)} %)";
                }
                var notModelled = e.NotModelled is { Length: > 0 }
                    ? string.Join(", ", e.NotModelled.Select(op => $"<span class=\"warn\">{E(ReportWriter.HumanOp(op))}</span>"))
                    : "<span class=\"muted\">none</span>";
                sb.Append("<tr><td><strong>").Append(E(tech)).Append("</strong>");
                if (!string.IsNullOrWhiteSpace(e.Description)) sb.Append("<div class=\"sub\">").Append(E(e.Description)).Append("</div>");
                sb.Append("</td><td class=\"num\">").Append(perInf ? E(NumberFormat.Engineering(e.JoulesPerInference, "J")) : "—")
                  .Append("</td><td class=\"num\">").Append(E(NumberFormat.Engineering(e.TotalJoules, "J")))
                  .Append("</td><td>").Append(E(largest))
                  .Append("</td><td>").Append(notModelled)
                  .Append("</td><td class=\"sub\">").Append(E(e.Source)).Append("</td></tr>\n");
            }
            sb.Append("</tbody>\n</table>\n");
        }

        // Operations × technologies: counts and energy of each operation.
        var ops = ReportWriter.OrderedOps(r.Counts.Keys.Concat(r.Energy.Values.SelectMany(e => (e.Breakdown ?? []).Keys)));
        if (ops.Length == 0) { sb.Append("</section>\n"); return; }
        var techs = r.Energy.Keys.ToArray();
        double div = perInf ? r.Inferences : 1;
        sb.Append("<h3>By operation").Append(perInf ? " (per inference)" : " (whole run)").Append("</h3>\n");
        sb.Append("<table class=\"ops\">\n<thead><tr><th>operation</th><th class=\"num\">count</th>");
        if (perInf) sb.Append("<th class=\"num\">per inference</th>");
        foreach (var t in techs) sb.Append("<th class=\"num\">").Append(E(t)).Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var op in ops)
        {
            sb.Append("<tr><td>").Append(E(ReportWriter.HumanOp(op))).Append("</td><td class=\"num\">");
            sb.Append(r.Counts.TryGetValue(op, out var n) ? E(NumberFormat.Count(n)) : "—").Append("</td>");
            if (perInf) sb.Append("<td class=\"num\">").Append(r.Counts.TryGetValue(op, out var m) ? E(NumberFormat.Metric("per_inference", m / r.Inferences)) : "—").Append("</td>");
            foreach (var t in techs)
            {
                var e = r.Energy[t];
                sb.Append("<td class=\"num\">");
                if (e.Breakdown is not null && e.Breakdown.TryGetValue(op, out var j)) sb.Append(E(NumberFormat.Engineering(j / div, "J")));
                else if (e.NotModelled is not null && e.NotModelled.Contains(op)) sb.Append("<span class=\"warn\">not modelled</span>");
                else sb.Append("<span class=\"muted\">—</span>");
                sb.Append("</td>");
            }
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void Tables(StringBuilder sb, RunRecord r)
    {
        sb.Append("<section id=\"tables\">\n<h2>Tables</h2>\n");
        foreach (var t in r.Tables)
        {
            sb.Append("<h3>").Append(E(t.Title)).Append("</h3>\n<table>\n<thead><tr>");
            var cols = t.Columns ?? [];
            var rows = t.Rows ?? [];
            var numeric = Enumerable.Range(0, cols.Length)
                .Select(c => rows.Length > 0 && rows.All(row => row is null || c >= row.Length || LooksNumeric(row[c]))).ToArray();
            for (int c = 0; c < cols.Length; c++)
                sb.Append(numeric[c] ? "<th class=\"num\">" : "<th>").Append(E(cols[c])).Append("</th>");
            sb.Append("</tr></thead>\n<tbody>\n");
            foreach (var row in rows)
            {
                sb.Append("<tr>");
                var cells = row ?? [];
                for (int c = 0; c < Math.Max(cols.Length, cells.Length); c++)
                {
                    bool num = c < numeric.Length && numeric[c];
                    sb.Append(num ? "<td class=\"num\">" : "<td>").Append(E(c < cells.Length ? cells[c] : "")).Append("</td>");
                }
                sb.Append("</tr>\n");
            }
            sb.Append("</tbody>\n</table>\n");
            if (!string.IsNullOrWhiteSpace(t.Caption)) sb.Append("<p class=\"caption\">").Append(E(t.Caption)).Append("</p>\n");
        }
        sb.Append("</section>\n");
    }

    private static bool LooksNumeric(string? s)
    {
        if (string.IsNullOrWhiteSpace(s)) return true;
        var t = s.Trim().TrimEnd('%').Trim();
        int space = t.IndexOf(' ');
        if (space > 0) t = t[..space]; // "3.2 nJ"
        return double.TryParse(t.Replace('−', '-'), NumberStyles.Float, Inv, out _);
    }

    private static void Figures(StringBuilder sb, IReadOnlyList<RenderedFigure> figures)
    {
        sb.Append("<section id=\"figures\">\n<h2>Figures</h2>\n");
        int k = 1;
        foreach (var f in figures)
        {
            var (w, h) = PngSize(f.Png);
            sb.Append("<figure id=\"fig-").Append(E(f.Figure.Name)).Append("\">\n<img alt=\"").Append(E(f.Figure.Title))
              .Append("\" width=\"").Append(w.ToString(Inv)).Append("\" height=\"").Append(h.ToString(Inv))
              .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(f.Png)).Append("\">\n");
            sb.Append("<figcaption><strong>Figure ").Append(k.ToString(Inv)).Append(".</strong> ").Append(E(f.Figure.Title));
            if (!string.IsNullOrWhiteSpace(f.Figure.Caption)) sb.Append(" — ").Append(E(f.Figure.Caption));
            sb.Append(" <span class=\"file\">plots/").Append(E(f.Figure.Name)).Append(".png</span></figcaption>\n</figure>\n");
            k++;
        }
        sb.Append("</section>\n");
    }

    private static void Config(StringBuilder sb, string? config)
    {
        sb.Append("<section id=\"config\">\n<h2>Configuration</h2>\n");
        if (config is null) sb.Append("<p class=\"muted\">").Append(RunFiles.Config).Append(" was not found in the run directory.</p>\n");
        else sb.Append("<p class=\"muted\">The resolved configuration (<code>").Append(RunFiles.Config).Append("</code>): every default filled in, every <code>--set</code> applied.</p>\n<pre class=\"code\">").Append(E(config.TrimEnd())).Append("</pre>\n");
        sb.Append("</section>\n");
    }

    private static void Log(StringBuilder sb, LogTail? log)
    {
        sb.Append("<section id=\"log\">\n<h2>Log</h2>\n");
        if (log is null) sb.Append("<p class=\"muted\">").Append(RunFiles.Log).Append(" was not found in the run directory.</p>\n");
        else
        {
            sb.Append("<p class=\"muted\">");
            sb.Append(log.Truncated ? $"The last {log.Lines.Count} lines of <code>{RunFiles.Log}</code> ({E(NumberFormat.Engineering(log.FileBytes, "B"))})." : $"<code>{RunFiles.Log}</code>, {log.Lines.Count} lines.");
            sb.Append("</p>\n<pre class=\"log\">").Append(E(string.Join('\n', log.Lines))).Append("</pre>\n");
        }
        sb.Append("</section>\n");
    }

    private static void ProvenanceSection(StringBuilder sb, Provenance p)
    {
        sb.Append("<section id=\"provenance\">\n<h2>Provenance</h2>\n<table class=\"kv\">\n<tbody>\n");
        void Row(string k, string? v, bool code = false)
        {
            if (string.IsNullOrWhiteSpace(v)) return;
            sb.Append("<tr><th>").Append(E(k)).Append("</th><td>").Append(code ? "<code>" : "").Append(E(v)).Append(code ? "</code>" : "").Append("</td></tr>\n");
        }
        Row("Neuromorph version", p.Version);
        Row("git commit", p.GitCommit, code: true);
        Row("seed", p.Seed.ToString(Inv), code: true);
        Row("machine", p.Machine);
        Row("operating system", p.Os);
        Row("cores", p.Cores.ToString(Inv));
        Row("runtime", p.Runtime);
        Row("started", Utc(p.StartedUtc) + " UTC");
        Row("duration", $"{NumberFormat.Duration(p.DurationSeconds)} ({NumberFormat.Significant(p.DurationSeconds, 6)} s)");
        Row("command", p.Command, code: true);
        Row("experiment file", p.ConfigFile, code: true);
        sb.Append("</tbody>\n</table>\n</section>\n");
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>A timestamp as UTC; one without a kind is taken to be UTC already (as the field name says).</summary>
    private static string Utc(DateTime t) =>
        (t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime()).ToString("yyyy-MM-dd HH:mm:ss", Inv);

    private static string Human(string key) => key.Replace('_', ' ');

    private static string ShortCommit(string commit) => commit.Length > 12 && commit.All(Uri.IsHexDigit) ? commit[..12] : commit;

    /// <summary>Width and height from a PNG's IHDR chunk.</summary>
    internal static (int Width, int Height) PngSize(ReadOnlySpan<byte> png) =>
        png.Length >= 24 ? (BinaryPrimitives.ReadInt32BigEndian(png[16..]), BinaryPrimitives.ReadInt32BigEndian(png[20..])) : (0, 0);

    private const string Css = """

:root { --ink:#1f2328; --muted:#656d76; --line:#d8dee4; --soft:#f6f8fa; --accent:#0a5cad; --warn:#9a6700; }
* { box-sizing: border-box; }
html { background: #eef1f4; }
body { margin: 0; color: var(--ink); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 24px auto; padding: 36px 48px 48px; background: #fff; border: 1px solid var(--line); border-radius: 10px; }
header .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--accent); font-weight: 600; }
h1 { font-size: 30px; line-height: 1.2; margin: 4px 0 8px; }
h2 { font-size: 20px; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 24px 0 8px; }
.lead { font-size: 17px; margin: 0 0 8px; max-width: 80ch; }
.meta, .muted, .sub, .caption, figcaption, footer { color: var(--muted); }
.meta { font-size: 14px; margin: 0 0 16px; }
.sub { font-size: 12.5px; font-weight: normal; }
code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0 4px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 18px; min-width: 170px; background: var(--soft); }
.card .v { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .k { font-size: 12.5px; color: var(--muted); }
nav { position: sticky; top: 0; background: #fff; padding: 10px 0; margin: 16px 0 0; border-bottom: 1px solid var(--line); font-size: 14px; z-index: 1; }
nav a { color: var(--accent); text-decoration: none; margin-right: 14px; }
nav a:hover { text-decoration: underline; }
ul.summary { margin: 0; padding-left: 20px; }
ul.summary li { white-space: pre-wrap; margin: 2px 0; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 14px; }
th, td { padding: 6px 14px 6px 0; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
thead th { font-weight: 600; border-bottom: 2px solid var(--line); font-size: 13px; color: var(--muted); }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; padding-left: 18px; }
table.kv th { font-weight: 600; color: var(--muted); width: 180px; }
.warn { color: var(--warn); }
figure { margin: 28px 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
figcaption { font-size: 14px; margin-top: 8px; max-width: 90ch; }
figcaption strong { color: var(--ink); }
figcaption .file { font-family: ui-monospace, monospace; font-size: 12px; margin-left: 6px; opacity: .8; }
.caption { font-size: 14px; margin: 0 0 16px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; overflow: auto; line-height: 1.45; margin: 8px 0; }
pre.log { max-height: 560px; }
footer { margin-top: 40px; font-size: 12.5px; }
@media print { html { background: #fff; } main { border: 0; margin: 0; } nav { display: none; } }

""";
}

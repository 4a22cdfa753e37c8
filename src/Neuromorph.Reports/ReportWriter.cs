using Neuromorph.Storage;
using Neuromorph.Figures;
using System.Text;
using System.Text.Json;
using Neuromorph.Energy;
using Neuromorph.Experiments;

namespace Neuromorph.Reports;

/// <summary>What <see cref="ReportWriter.Write"/> produced.</summary>
/// <param name="ReportPath">Full path of the written <c>report.html</c>.</param>
/// <param name="PlotPaths">Full paths of the PNGs written under <c>plots/</c>, in report order.</param>
public sealed record ReportOutput(string ReportPath, IReadOnlyList<string> PlotPaths);

/// <summary>
/// Turns a run directory (<c>metrics.json</c>, <c>figures.json</c>, <c>config.yaml</c>,
/// <c>log.txt</c>) into <c>plots/&lt;name&gt;.png</c> and one self-contained <c>report.html</c>
/// (images embedded as data URIs, no external CSS, scripts or fonts). Called by the CLI after
/// every run and by <c>neuromorph report RUN_DIR</c>.
/// </summary>
public static partial class ReportWriter
{
    /// <summary>
    /// Name (PNG stem) of the energy figure the report adds from metrics.json's energy section;
    /// a figure of that name in figures.json takes its place.
    /// </summary>
    public const string EnergyFigureName = "energy-breakdown";

    /// <summary>How many trailing lines of <c>log.txt</c> the report shows.</summary>
    public const int LogTailLines = 200;

    /// <summary>
    /// Renders every figure of the run to <c>plots/&lt;name&gt;.png</c>, adds the energy
    /// breakdown figure, and writes <c>report.html</c>, all atomically. Running it again
    /// overwrites the previous report and removes plots no longer in figures.json.
    /// </summary>
    /// <param name="runDir">The run directory.</param>
    /// <exception cref="DirectoryNotFoundException"><paramref name="runDir"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">metrics.json is missing (the message names the file).</exception>
    /// <exception cref="InvalidDataException">metrics.json or figures.json is malformed, or a figure's data do not fit together (the message names the file and the field).</exception>
    public static ReportOutput Write(string runDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runDir);
        var dir = Path.GetFullPath(runDir);
        var record = LoadRecord(dir);
        var figures = LoadFigures(dir);

        var all = new List<Figure>(figures);
        var energy = EnergyBreakdownFigure(record);
        if (energy is not null && !all.Any(f => f.Name == energy.Name)) all.Add(energy);

        var plotsDir = Path.Combine(dir, RunFiles.PlotsFolder);
        var rendered = new List<RenderedFigure>(all.Count);
        foreach (var fig in all)
        {
            byte[] png;
            try { png = FigureRenderer.RenderPng(fig); }
            catch (ArgumentException e) { throw new InvalidDataException($"{Path.Combine(dir, RunFiles.Figures)}: {e.Message}", e); }
            var path = Path.Combine(plotsDir, fig.Name + ".png");
            AtomicFile.WriteAllBytes(path, png);
            rendered.Add(new RenderedFigure(fig, png, path));
        }
        RemoveStalePlots(plotsDir, rendered.Select(r => r.Path));

        var html = HtmlReport.Build(new HtmlReport.Inputs(
            record,
            rendered,
            ReadOptional(Path.Combine(dir, RunFiles.Config)),
            Tail(Path.Combine(dir, RunFiles.Log), LogTailLines),
            dir));
        var reportPath = Path.Combine(dir, RunFiles.Report);
        AtomicFile.WriteAllText(reportPath, html);
        return new ReportOutput(reportPath, rendered.Select(r => r.Path).ToArray());
    }

    /// <summary>
    /// Grouped bars of energy per inference (total energy when the run counted no inferences)
    /// on every technology in <paramref name="record"/>'s energy section, one bar per operation,
    /// on a log axis. Null when the run has no priced energy.
    /// </summary>
    public static BarFigure? EnergyBreakdownFigure(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Energy is null || record.Energy.Count == 0) return null;
        var techs = record.Energy.Keys.ToArray();
        var ops = OrderedOps(record.Energy.Values.SelectMany(e => e.Breakdown?.Keys ?? Enumerable.Empty<string>()));
        bool perInference = record.Inferences > 0;
        double divisor = perInference ? record.Inferences : 1;
        var values = ops.Select(op => techs.Select(t =>
            record.Energy[t].Breakdown is { } b && b.TryGetValue(op, out var j) ? j / divisor : double.NaN).ToArray()).ToArray();
        if (!values.Any(g => g.Any(v => v > 0 && double.IsFinite(v)))) return null;
        return new BarFigure
        {
            Name = EnergyFigureName,
            Title = perInference ? "Energy per inference by operation" : "Energy by operation",
            Caption = (perInference ? $"Energy per inference ({InferenceCount(record.Inferences)} inferences)" : "Total energy of the run")
                + " on each technology, split by operation (log scale). Operations a technology's table does not price are missing from its bars; the energy table lists them.",
            YLabel = perInference ? "energy per inference (J)" : "energy (J)",
            Categories = techs,
            Values = values,
            GroupLabels = ops.Select(HumanOp).ToArray(),
            LogY = true,
        };
    }

    /// <summary>"10 000" for whole numbers of inferences, significant digits otherwise.</summary>
    internal static string InferenceCount(double n) =>
        n == Math.Round(n) && Math.Abs(n) < 1e15 ? NumberFormat.Count((long)n) : NumberFormat.Significant(n);

    /// <summary>Operation keys in <see cref="OpCounters.All"/> order, unknown keys after them alphabetically.</summary>
    internal static string[] OrderedOps(IEnumerable<string> keys)
    {
        var set = new HashSet<string>(keys);
        var known = OpCounters.All.Select(OpCounters.Key).Where(set.Contains).ToList();
        known.AddRange(set.Except(known).Order(StringComparer.Ordinal));
        return known.ToArray();
    }

    /// <summary>"synaptic_event" → "synaptic event".</summary>
    internal static string HumanOp(string key) => key.Replace('_', ' ');

    private static RunRecord LoadRecord(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"run directory '{dir}' not found");
        var path = Path.Combine(dir, RunFiles.Metrics);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} not found: '{dir}' is not a run directory (a run writes {RunFiles.Metrics}, {RunFiles.Figures}, {RunFiles.Config} and {RunFiles.Log})", path);
        RunRecord record;
        try { record = RunRecord.Load(dir); }
        catch (JsonException e) { throw new InvalidDataException($"{path} is malformed: {e.Message}", e); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path} is malformed: {e.Message}", e); }
        if (record.Metrics is null || record.Counts is null || record.Energy is null || record.Provenance is null)
            throw new InvalidDataException($"{path} is malformed: 'metrics', 'counts', 'energy' and 'provenance' must not be null");
        return record;
    }

    private static List<Figure> LoadFigures(string dir)
    {
        var path = Path.Combine(dir, RunFiles.Figures);
        List<Figure> figures;
        try { figures = RunRecord.LoadFigures(dir); }
        catch (JsonException e) { throw new InvalidDataException($"{path} is malformed: {e.Message}", e); }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < figures.Count; i++)
        {
            var f = figures[i] ?? throw new InvalidDataException($"{path}: figure [{i}] is null");
            if (!FigureRenderer.IsValidName(f.Name))
                throw new InvalidDataException($"{path}: figure [{i}] name '{f.Name}' is not a valid file stem (letters, digits, '-', '_')");
            if (!seen.Add(f.Name))
                throw new InvalidDataException($"{path}: two figures are named '{f.Name}' (names must be unique, ignoring case: they become plots/{f.Name}.png)");
        }
        return figures;
    }

    private static void RemoveStalePlots(string plotsDir, IEnumerable<string> keep)
    {
        if (!Directory.Exists(plotsDir)) return;
        var wanted = new HashSet<string>(keep.Select(Path.GetFullPath), StringComparer.Ordinal);
        foreach (var png in Directory.GetFiles(plotsDir, "*.png"))
            if (!wanted.Contains(Path.GetFullPath(png)))
                File.Delete(png);
    }

    /// <summary>
    /// A log line as a terminal showed it: ANSI colour codes removed, and of a line redrawn
    /// with carriage returns (progress bars) only the last state kept.
    /// </summary>
    internal static string AsTerminalShowsIt(string line)
    {
        line = AnsiEscape().Replace(line.TrimEnd('\r'), "");
        int cr = line.LastIndexOf('\r');
        return cr >= 0 ? line[(cr + 1)..] : line;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)")]
    private static partial System.Text.RegularExpressions.Regex AnsiEscape();

    private static string? ReadOptional(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    /// <summary>The last <paramref name="maxLines"/> lines of a text file, reading only its end.</summary>
    internal static LogTail? Tail(string path, int maxLines)
    {
        if (!File.Exists(path)) return null;
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long length = fs.Length;
        const int chunk = 1 << 16;
        const long maxBytes = 4L << 20;
        long pos = length;
        int newlines = 0;
        var parts = new List<byte[]>();
        while (pos > 0 && newlines <= maxLines && length - pos < maxBytes)
        {
            int size = (int)Math.Min(chunk, pos);
            pos -= size;
            var buf = new byte[size];
            fs.Seek(pos, SeekOrigin.Begin);
            fs.ReadExactly(buf);
            parts.Insert(0, buf);
            newlines += buf.AsSpan().Count((byte)'\n');
        }
        var bytes = parts.SelectMany(p => p).ToArray();
        var lines = Encoding.UTF8.GetString(bytes).Split('\n').Select(AsTerminalShowsIt).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        bool cut = pos > 0;
        if (cut && lines.Count > 0) lines.RemoveAt(0); // partial first line
        if (lines.Count > maxLines) { lines.RemoveRange(0, lines.Count - maxLines); cut = true; }
        return new LogTail(lines, cut, length);
    }
}

/// <summary>The end of log.txt: its lines, whether earlier lines were left out, and the file's size in bytes.</summary>
internal sealed record LogTail(IReadOnlyList<string> Lines, bool Truncated, long FileBytes);

/// <summary>A figure and its PNG.</summary>
internal sealed record RenderedFigure(Figure Figure, byte[] Png, string Path);

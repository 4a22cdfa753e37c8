using Neuromorph.Figures;
using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Neuromorph.Experiments;
using Neuromorph.Reports;

namespace Neuromorph.Tests.Reports;

/// <summary>A temporary folder deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "neuromorph-tests", Guid.NewGuid().ToString("N"));
    public TempDir() => Directory.CreateDirectory(Path);
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>One synthetic run, reported once and shared by the read-only tests.</summary>
public sealed class ReportedRun : IDisposable
{
    private readonly TempDir _tmp = new();
    public string RunDir { get; }
    public ReportOutput Output { get; }
    public string Html { get; }

    public ReportedRun()
    {
        RunDir = System.IO.Path.Combine(_tmp.Path, "diehl-cook-2015-20261122-190000");
        SyntheticRun.Create(RunDir);
        Output = ReportWriter.Write(RunDir);
        Html = File.ReadAllText(Output.ReportPath);
    }

    public void Dispose() => _tmp.Dispose();
}

public class ReportWriterTests(ReportedRun run) : IClassFixture<ReportedRun>
{
    internal static readonly byte[] PngSignature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Checks the PNG signature and returns the IHDR width and height.</summary>
    internal static (int Width, int Height) ReadPngSize(byte[] png)
    {
        Assert.True(png.Length > 33, $"PNG too short: {png.Length} bytes");
        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    private static string[] ExpectedPlots => [.. SyntheticRun.FigureNames, ReportWriter.EnergyFigureName];

    [Fact]
    public void EveryFigureBecomesAPngOfSensibleSize()
    {
        foreach (var name in ExpectedPlots)
        {
            var path = Path.Combine(run.RunDir, RunFiles.PlotsFolder, name + ".png");
            Assert.True(File.Exists(path), $"{path} missing");
            var (w, h) = ReadPngSize(File.ReadAllBytes(path));
            Assert.InRange(w, 300, 2000);
            Assert.InRange(h, 200, 2000);
        }
        Assert.Equal(ExpectedPlots.Select(n => Path.Combine(run.RunDir, RunFiles.PlotsFolder, n + ".png")), run.Output.PlotPaths);
    }

    [Fact]
    public void ImageGridIsTallerForMoreRowsAndHeatmapIsSquareish()
    {
        var (gw, gh) = ReadPngSize(File.ReadAllBytes(Path.Combine(run.RunDir, "plots", "receptive-fields.png")));
        Assert.True(gh > 700 && gw > 700, $"100 receptive fields drawn at only {gw}×{gh}");
        var (cw, ch) = ReadPngSize(File.ReadAllBytes(Path.Combine(run.RunDir, "plots", "confusion.png")));
        Assert.InRange(cw / (double)ch, 0.8, 1.4);
    }

    [Fact]
    public void ReportEmbedsEveryFigureOnceAsDataUri()
    {
        Assert.True(File.Exists(Path.Combine(run.RunDir, RunFiles.Report)));
        int embedded = Regex.Matches(run.Html, Regex.Escape("data:image/png;base64,")).Count;
        Assert.Equal(ExpectedPlots.Length, embedded);
        // The embedded bytes are the PNG on disk.
        var png = File.ReadAllBytes(Path.Combine(run.RunDir, "plots", "confusion.png"));
        Assert.Contains(Convert.ToBase64String(png), run.Html);
    }

    [Fact]
    public void ReportIsSelfContained()
    {
        Assert.DoesNotContain("<script", run.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", run.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", run.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", run.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex("(src|href)=\"(https?:|//|file:)", RegexOptions.IgnoreCase), run.Html);
    }

    [Fact]
    public void ConfigIsEscapedInsideAPre()
    {
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", run.Html);
        Assert.Contains("a &lt; b &amp;&amp; c &gt; d", run.Html);
        var pre = Regex.Match(run.Html, "<pre class=\"code\">(.*?)</pre>", RegexOptions.Singleline);
        Assert.True(pre.Success, "config <pre> missing");
        Assert.Contains("tau_membrane: 100 ms", pre.Groups[1].Value);
    }

    [Fact]
    public void MetricsAreFormattedForPeople()
    {
        Assert.Contains("diehl-cook-2015", run.Html);
        Assert.Contains("Unsupervised digit recognition with STDP", run.Html);
        Assert.Contains("91.37 %", run.Html);          // test_accuracy 0.9137
        Assert.Contains("95.63 %", run.Html);          // train_accuracy 0.95625
        Assert.Contains("0.01235", run.Html);          // nrmse, 4 significant digits
        Assert.Contains("3.2 nJ", run.Html);           // energy_joules_per_inference
        Assert.Contains("123 s", run.Html);            // wall_seconds
        Assert.Contains("17.3 Hz", run.Html);          // mean_rate_hz
        Assert.DoesNotContain("0.012345678", run.Html);
        Assert.Contains("<code>test_accuracy</code>", run.Html);
    }

    [Fact]
    public void EnergyTableGivesTotalsPerInferenceAndNotModelledOps()
    {
        var energy = Regex.Match(run.Html, "<section id=\"energy\">(.*?)</section>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("loihi", energy);
        Assert.Contains("247 nJ", energy);   // loihi per inference
        Assert.Contains("2.47 mJ", energy);  // loihi total
        Assert.Contains("32 µJ", energy);    // pcm total
        Assert.Contains("50 µJ", energy);    // gpu per inference
        Assert.Contains("Davies et al. 2018", energy);
        var loihiRow = Regex.Match(energy, "<tr><td><strong>loihi</strong>.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("programming pulse", loihiRow);
        Assert.Contains("not modelled", energy);
        Assert.Contains("98\u2009765\u2009432", energy); // synaptic_event count
    }

    [Fact]
    public void ReportShowsTablesSummaryFiguresCaptionsLogAndProvenance()
    {
        Assert.Contains("Accuracy per device", run.Html);
        Assert.Contains("RRAM &lt;b&gt;", run.Html);
        Assert.Contains("Test accuracy after one epoch", run.Html);
        Assert.Contains("energy per inference: 3.2 nJ (pcm-crossbar)", run.Html);
        Assert.Contains("Counts of 10 000 test images.", run.Html);
        Assert.Contains("Figure 9.", run.Html);
        Assert.Contains("[0500] step 500", run.Html);
        Assert.Contains("[0301] step 301", run.Html);
        Assert.DoesNotContain("[0300] step 300", run.Html);
        Assert.Contains("16ba515c0ffee0123456789abcdef0123456789a", run.Html);
        Assert.Contains("neuromorph run experiments/diehl-cook-2015.yaml --set train.epochs=1", run.Html);
        Assert.Contains("2026-11-22 19:00:00 UTC", run.Html);
        Assert.Contains("1 h 02 min", run.Html);
        Assert.Contains("Debian GNU/Linux 12", run.Html);
        Assert.Contains(".NET 10.0.0", run.Html);
    }

    [Fact]
    public void NoTemporaryFilesAreLeftBehind()
    {
        var leftovers = Directory.GetFiles(run.RunDir, "*.tmp", SearchOption.AllDirectories);
        Assert.Empty(leftovers);
    }
}

public class ReportWriterRerunAndErrorTests
{
    [Fact]
    public void RerunOverwritesCleanlyAndDropsPlotsOfRemovedFigures()
    {
        using var tmp = new TempDir();
        var dir = Path.Combine(tmp.Path, "run");
        SyntheticRun.Create(dir, spikes: 2000);
        var first = ReportWriter.Write(dir);
        var html1 = File.ReadAllText(first.ReportPath);

        var second = ReportWriter.Write(dir);
        Assert.Equal(html1, File.ReadAllText(second.ReportPath));

        // Drop the raster from figures.json and change a metric: the report follows, the stale PNG goes.
        var figures = RunRecord.LoadFigures(dir).Where(f => f.Name != "raster").ToList();
        RunRecord.SaveFigures(dir, figures);
        var record = RunRecord.Load(dir);
        record.Metrics["test_accuracy"] = 0.5;
        record.Save(dir);
        var third = ReportWriter.Write(dir);
        var html3 = File.ReadAllText(third.ReportPath);
        Assert.False(File.Exists(Path.Combine(dir, "plots", "raster.png")), "plot of a removed figure left behind");
        Assert.Equal(figures.Count + 1, Regex.Matches(html3, "data:image/png;base64,").Count);
        var metrics = Regex.Match(html3, "<section id=\"metrics\">(.*?)</section>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("50.00 %", metrics);
        Assert.DoesNotContain("91.37 %", metrics);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void MissingMetricsJsonIsAClearError()
    {
        using var tmp = new TempDir();
        File.WriteAllText(Path.Combine(tmp.Path, RunFiles.Log), "hello\n");
        var e = Assert.Throws<FileNotFoundException>(() => ReportWriter.Write(tmp.Path));
        Assert.Contains(Path.Combine(tmp.Path, RunFiles.Metrics), e.Message);
        Assert.False(File.Exists(Path.Combine(tmp.Path, RunFiles.Report)));
    }

    [Fact]
    public void MissingRunDirectoryIsAClearError()
    {
        using var tmp = new TempDir();
        var missing = Path.Combine(tmp.Path, "nope");
        var e = Assert.Throws<DirectoryNotFoundException>(() => ReportWriter.Write(missing));
        Assert.Contains(missing, e.Message);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"experiment\": \"x\"}")]
    [InlineData("null")]
    public void MalformedMetricsJsonNamesTheFile(string content)
    {
        using var tmp = new TempDir();
        File.WriteAllText(Path.Combine(tmp.Path, RunFiles.Metrics), content);
        var e = Assert.Throws<InvalidDataException>(() => ReportWriter.Write(tmp.Path));
        Assert.Contains(Path.Combine(tmp.Path, RunFiles.Metrics), e.Message);
        Assert.Contains("malformed", e.Message);
    }

    [Fact]
    public void MalformedFiguresJsonNamesTheFile()
    {
        using var tmp = new TempDir();
        SyntheticRun.Record().Save(tmp.Path);
        File.WriteAllText(Path.Combine(tmp.Path, RunFiles.Figures), "[{\"kind\": \"pie\", \"name\": \"p\", \"title\": \"t\"}]");
        var e = Assert.Throws<InvalidDataException>(() => ReportWriter.Write(tmp.Path));
        Assert.Contains(Path.Combine(tmp.Path, RunFiles.Figures), e.Message);
    }

    [Fact]
    public void InconsistentFigureNamesFigureAndField()
    {
        using var tmp = new TempDir();
        SyntheticRun.Record().Save(tmp.Path);
        RunRecord.SaveFigures(tmp.Path, [new HeatmapFigure { Name = "cm", Title = "t", Rows = 3, Cols = 3, Values = new double[8] }]);
        var e = Assert.Throws<InvalidDataException>(() => ReportWriter.Write(tmp.Path));
        Assert.Contains("figures.json", e.Message);
        Assert.Contains("'cm'", e.Message);
        Assert.Contains("'values'", e.Message);
    }

    [Fact]
    public void DuplicateOrUnsafeFigureNamesAreRejected()
    {
        using var tmp = new TempDir();
        SyntheticRun.Record().Save(tmp.Path);
        var bar = new BarFigure { Name = "a", Title = "t", Categories = ["x"], Values = [[1.0]] };
        RunRecord.SaveFigures(tmp.Path, [bar, bar with { Title = "u" }]);
        Assert.Contains("two figures are named 'a'", Assert.Throws<InvalidDataException>(() => ReportWriter.Write(tmp.Path)).Message);
        RunRecord.SaveFigures(tmp.Path, [bar with { Name = "../evil" }]);
        Assert.Contains("'../evil'", Assert.Throws<InvalidDataException>(() => ReportWriter.Write(tmp.Path)).Message);
        Assert.False(File.Exists(Path.Combine(tmp.Path, "evil.png")));
    }

    [Fact]
    public void RunWithoutFiguresEnergyConfigOrLogStillReports()
    {
        using var tmp = new TempDir();
        var record = SyntheticRun.Record() with { Energy = [], Counts = [], Tables = [], Summary = [] };
        record.Save(tmp.Path);
        var output = ReportWriter.Write(tmp.Path);
        Assert.Empty(output.PlotPaths);
        var html = File.ReadAllText(output.ReportPath);
        Assert.DoesNotContain("data:image/png;base64,", html);
        Assert.Contains("config.yaml was not found", html);
        Assert.Contains("log.txt was not found", html);
        Assert.Contains("91.37 %", html);
    }

    [Fact]
    public void LogShowsWhatTheTerminalShowed()
    {
        using var tmp = new TempDir();
        SyntheticRun.Record().Save(tmp.Path);
        File.WriteAllText(Path.Combine(tmp.Path, RunFiles.Log),
            "\u001b[32mtraining\u001b[0m started\r\nepoch 1  10%\repoch 1  55%\repoch 1 100%\n<done>\n");
        var html = File.ReadAllText(ReportWriter.Write(tmp.Path).ReportPath);
        var log = Regex.Match(html, "<pre class=\"log\">(.*?)</pre>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal("training started\nepoch 1 100%\n&lt;done&gt;", log);
    }
}

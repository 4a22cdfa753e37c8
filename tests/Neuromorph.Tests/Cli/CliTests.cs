using System.Text.Json;
using Neuromorph.Data;

namespace Neuromorph.Tests.Cli;

[CollectionDefinition("console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>The command line end to end, in process. These swap Console streams, so they never run in parallel.</summary>
[Collection("console")]
public class CliTests
{
    private static (int Code, string Out, string Err) Invoke(params string[] args)
    {
        var o = Console.Out; var e = Console.Error;
        var so = new StringWriter(); var se = new StringWriter();
        Console.SetOut(so); Console.SetError(se);
        try { return (Neuromorph.Cli.Cli.Run(args), so.ToString(), se.ToString()); }
        finally { Console.SetOut(o); Console.SetError(e); }
    }

    private static string Quickstart => Path.Combine(DataPaths.RepositoryRoot!, "experiments", "quickstart.yaml");

    [Fact]
    public void RunWritesParsableMetricsAndASelfContainedReport()
    {
        var dir = Path.Combine(Directory.CreateTempSubdirectory("nm-cli").FullName, "run");
        var (code, output, err) = Invoke("run", Quickstart, "--run-dir", dir, "--set", "encoding.duration=50 ms", "--set", "learning.lambdas=[0.01,1]");
        Assert.True(code == 0, err);
        Assert.Contains("test_accuracy", output);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")));
        double acc = metrics.RootElement.GetProperty("metrics").GetProperty("test_accuracy").GetDouble();
        Assert.InRange(acc, 0.85, 1.0);
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("data:image/png;base64,", html);
        Assert.Contains((100 * acc).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), html);
        Assert.True(File.Exists(Path.Combine(dir, "plots", "confusion.png")));

        // `report` regenerates the report from the run folder alone.
        File.Delete(Path.Combine(dir, "report.html"));
        var (rc, rout, _) = Invoke("report", dir);
        Assert.Equal(0, rc);
        Assert.True(File.Exists(rout.Trim()));
    }

    [Fact]
    public void BadInputExitsWithCode2AndOneLinePerProblem()
    {
        var dir = Directory.CreateTempSubdirectory("nm-cli").FullName;
        var (code, _, err) = Invoke("validate", Quickstart, "--set", "encoding.duration=5 mV", "--set", "encoding.nope=1");
        Assert.Equal(2, code);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("error: --set: encoding.duration:") && l.Contains("voltage"));
        Assert.Contains(lines, l => l.StartsWith("error: --set: encoding.nope: unknown key"));
        Assert.Contains("2 problems found; nothing was run.", err);

        var (missing, _, err2) = Invoke("run", Path.Combine(dir, "absent.yaml"));
        Assert.Equal(2, missing);
        Assert.Contains("experiment file not found", err2);

        var (report, _, err3) = Invoke("report", dir);
        Assert.Equal(2, report);
        Assert.Contains("metrics.json", err3);
    }

    [Fact]
    public void ValidatePrintsTheResolvedConfigInSI()
    {
        var (code, output, _) = Invoke("validate", Quickstart, "--set", "encoding.duration=50 ms");
        Assert.Equal(0, code);
        Assert.Contains("duration: 0.05", output);
        Assert.Contains("max_rate: 200", output);
    }

    [Fact]
    public void ListsShowTheCatalogues()
    {
        var (c1, experiments, _) = Invoke("list", "experiments");
        Assert.Equal(0, c1);
        Assert.Contains("quickstart.yaml", experiments);
        var (c2, datasets, _) = Invoke("list", "datasets");
        Assert.Equal(0, c2);
        Assert.Contains("mnist", datasets);
        var (c3, techs, _) = Invoke("list", "technologies");
        Assert.Equal(0, c3);
        Assert.Contains("23.6 pJ", techs);
    }
}

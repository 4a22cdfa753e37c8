using Neuromorph.Figures;
using System.Text.Json;
using Neuromorph.Data;
using Neuromorph.Experiments;

namespace Neuromorph.Tests.Experiments;

public class RunnerTests
{
    private static string Quickstart => Path.Combine(DataPaths.RepositoryRoot!, "experiments", "quickstart.yaml");

    private sealed class Quiet : IRunObserver
    {
        public List<string> Lines { get; } = [];
        public void Log(string line) { lock (Lines) Lines.Add(line); }
        public void Progress(string stage, long done, long total) { }
    }

    [Fact]
    public void QuickstartRunsEndToEndWithRealAccuracyAndEnergy()
    {
        var dir = Directory.CreateTempSubdirectory("nm-run").FullName;
        // Scaled down: 50 ms windows and three λ values keep the test to a few seconds.
        var outcome = ExperimentRunner.Run(new RunOptions
        {
            ConfigPath = Quickstart,
            RunDirectory = dir,
            Overrides = ["encoding.duration=50 ms", "learning.lambdas=[0.01, 1, 100]"],
        }, new Quiet(), TestContext.Current.CancellationToken);

        var m = outcome.Record.Metrics;
        Assert.InRange(m["test_accuracy"], 0.85, 1.0);
        Assert.True(m["train_accuracy"] >= m["test_accuracy"] - 0.05);
        // Stratified 30 %: Σ_k round(0.3·n_k) over the class counts 178,182,177,183,181,182,181,179,174,180 = 539.
        Assert.Equal(539, outcome.Record.Inferences);
        Assert.True(m["energy_joules_per_inference"] > 0);
        Assert.Equal(m["energy_joules_per_inference/loihi"], m["energy_joules_per_inference"]);

        // metrics.json parses and carries the documented shape.
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, RunFiles.Metrics)));
        var root = doc.RootElement;
        Assert.Equal(m["test_accuracy"], root.GetProperty("metrics").GetProperty("test_accuracy").GetDouble());
        var counts = root.GetProperty("counts");
        long spikes = counts.GetProperty("spike").GetInt64();
        Assert.Equal(spikes * 10, counts.GetProperty("synaptic_event").GetInt64());   // each spike reaches 10 readout units
        var bio = root.GetProperty("energy").GetProperty("biology");
        double expected = (spikes * 60e-12 + spikes * 10 * 26e-15) / 539;
        Assert.Equal(expected, bio.GetProperty("joules_per_inference").GetDouble(), expected * 1e-9);
        Assert.Contains("neuron_update", bio.GetProperty("not_modelled").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(42UL, root.GetProperty("provenance").GetProperty("seed").GetUInt64());

        var figures = RunRecord.LoadFigures(dir);
        Assert.Contains(figures, f => f is HeatmapFigure { Name: "confusion" });
        Assert.Contains(figures, f => f is RasterFigure);
        var config = File.ReadAllText(Path.Combine(dir, RunFiles.Config));
        Assert.Contains("duration: 0.05", config);
        Assert.True(File.Exists(Path.Combine(dir, RunFiles.Log)));
    }

    [Fact]
    public void SameSeedSameResult_DifferentSeedDifferentSpikes()
    {
        RunRecord RunWith(string seed)
        {
            var dir = Directory.CreateTempSubdirectory("nm-run").FullName;
            return ExperimentRunner.Run(new RunOptions
            {
                ConfigPath = Quickstart, RunDirectory = dir,
                Overrides = ["encoding.duration=20 ms", "learning.lambdas=[1]", $"seed={seed}", "report.examples=0"],
            }, new Quiet(), TestContext.Current.CancellationToken).Record;
        }
        var a = RunWith("1"); var b = RunWith("1"); var c = RunWith("2");
        Assert.Equal(a.Metrics["test_accuracy"], b.Metrics["test_accuracy"]);
        Assert.Equal(a.Counts["spike"], b.Counts["spike"]);
        Assert.NotEqual(a.Counts["spike"], c.Counts["spike"]);
    }

    [Fact]
    public void InvalidFileIsRejectedBeforeAnyWork()
    {
        var dir = Directory.CreateTempSubdirectory("nm-bad").FullName;
        var file = Path.Combine(dir, "bad.yaml");
        File.WriteAllText(file, """
            name: bad run
            experiment: readout-classification
            encoding:
              max_rate: 2000 Hz
              dt: 1 ms
              duration: 5 V
            learning:
              lamdbas: [1]
            energy:
              technologies: [loihi, quantum]
            """);
        var runDir = Path.Combine(dir, "run");
        var e = Assert.Throws<ConfigException>(() => ExperimentRunner.Run(new RunOptions { ConfigPath = file, RunDirectory = runDir }, new Quiet(), TestContext.Current.CancellationToken));
        Assert.Contains(e.Errors, x => x.StartsWith("bad.yaml:1: name:") && x.Contains("letters, digits"));
        Assert.Contains(e.Errors, x => x.Contains("encoding.dt:") && x.Contains("exceeds 1"));
        Assert.Contains(e.Errors, x => x.StartsWith("bad.yaml:6: encoding.duration:") && x.Contains("voltage"));
        Assert.Contains(e.Errors, x => x.StartsWith("bad.yaml:8: learning.lamdbas: unknown key") && x.Contains("did you mean 'lambdas'"));
        Assert.Contains(e.Errors, x => x.Contains("energy.technologies:") && x.Contains("'quantum'"));
        Assert.False(Directory.Exists(runDir));   // nothing was created: validation comes first
    }

    [Fact]
    public void ResumeFindsTheInterruptedRunAndRefusesAChangedConfig()
    {
        var root = Directory.CreateTempSubdirectory("nm-resume").FullName;
        string[] fast = ["encoding.duration=20 ms", "learning.lambdas=[1]", "report.examples=0"];
        var first = ExperimentRunner.Run(new RunOptions { ConfigPath = Quickstart, RunsRoot = root, Overrides = fast }, new Quiet(), TestContext.Current.CancellationToken);
        // Simulate a run killed before it finished: no metrics.json yet.
        File.Delete(Path.Combine(first.RunDirectory, RunFiles.Metrics));
        var logBefore = File.ReadAllLines(Path.Combine(first.RunDirectory, RunFiles.Log));

        var changed = Assert.Throws<ConfigException>(() => ExperimentRunner.Run(
            new RunOptions { ConfigPath = Quickstart, RunsRoot = root, Overrides = [.. fast, "seed=9"], Resume = true }, new Quiet(), TestContext.Current.CancellationToken));
        Assert.Contains("differs from the interrupted run", changed.Message);

        var resumed = ExperimentRunner.Run(new RunOptions { ConfigPath = Quickstart, RunsRoot = root, Overrides = fast, Resume = true }, new Quiet(), TestContext.Current.CancellationToken);
        Assert.Equal(first.RunDirectory, resumed.RunDirectory);
        Assert.True(File.Exists(Path.Combine(resumed.RunDirectory, RunFiles.Metrics)));
        var logAfter = File.ReadAllLines(Path.Combine(resumed.RunDirectory, RunFiles.Log));
        Assert.Equal(logBefore, logAfter[..logBefore.Length]);               // the earlier log is kept
        Assert.Contains(logAfter, l => l.Contains("resuming quickstart"));
        Assert.Equal(first.Record.Metrics["test_accuracy"], resumed.Record.Metrics["test_accuracy"]);

        // Nothing left to resume now: a clear error, not a silent new run.
        var none = Assert.Throws<ConfigException>(() => ExperimentRunner.Run(
            new RunOptions { ConfigPath = Quickstart, RunsRoot = root, Overrides = fast, Resume = true }, new Quiet(), TestContext.Current.CancellationToken));
        Assert.Contains("no interrupted run", none.Message);
    }
}

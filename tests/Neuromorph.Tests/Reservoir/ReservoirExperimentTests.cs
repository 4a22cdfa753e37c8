using Neuromorph.Data;
using Neuromorph.Experiments;

namespace Neuromorph.Tests.Reservoir;

public class ReservoirExperimentTests
{
    private static string File(string name) => Path.Combine(DataPaths.RepositoryRoot!, "experiments", name);

    private sealed class Quiet : IRunObserver
    {
        public void Log(string line) { }
        public void Progress(string stage, long done, long total) { }
    }

    private static RunRecord Run(string file, params string[] overrides)
    {
        var dir = Directory.CreateTempSubdirectory("nm-res").FullName;
        return ExperimentRunner.Run(new RunOptions { ConfigPath = File(file), RunDirectory = dir, Overrides = overrides }, new Quiet(), TestContext.Current.CancellationToken).Record;
    }

    [Fact]
    public void Narma10EsnExperimentRunsScaledDownAndCountsOperations()
    {
        var r = Run("narma10-esn.yaml", "reservoir.units=80", "task.train=1500", "task.test=500");
        Assert.InRange(r.Metrics["nrmse"], 0.05, 0.6);
        Assert.Equal(500, r.Inferences);
        // 80 units · 8 non-zeros per row + 80 input weights per step, plus the readout's 161 features.
        Assert.Equal(500L * (80 * 8 + 80 + 161), r.Counts["mac"]);
        Assert.Equal(500L * 80, r.Counts["neuron_update"]);
    }

    [Fact]
    public void SineSquareOnTheNoisySpinTorqueOscillatorClassifiesAlmostPerfectly()
    {
        // Thermal noise on (k_BT/E0 = 1e-3); the memory comes from the delayed-feedback loop.
        var r = Run("sine-square.yaml", "task.train_periods=150", "task.test_periods=100");
        Assert.True(r.Metrics["test_accuracy"] >= 0.99, $"accuracy {r.Metrics["test_accuracy"]}");
        Assert.Equal(800L * 100, r.Counts["adc_conversion"]);
    }

    [Fact]
    public void SineSquareWithoutFeedbackIsLimitedToTheMemorylessBound()
    {
        // Without the loop the amplitude forgets an input step (N·θ = 10 µs ≫ 1/Γp ≈ 27 ns) and a
        // memoryless labeller can do no better than 14/16 = 87.5 %: only the sine's ±1 points
        // (2 of its 8) look like a square's; telling them apart needs the previous input.
        var r = Run("sine-square.yaml", "task.train_periods=150", "task.test_periods=100", "reservoir.stno.feedback_gain=0 mA");
        Assert.InRange(r.Metrics["test_accuracy"], 0.5, 0.885);
    }

    [Fact]
    public void SineSquareOnTheMackeyGlassDelayNodeClassifiesAlmostPerfectly()
    {
        var r = Run("sine-square-mackey-glass.yaml", "task.train_periods=150", "task.test_periods=100");
        Assert.True(r.Metrics["test_accuracy"] >= 0.99, $"accuracy {r.Metrics["test_accuracy"]}");
        Assert.Equal(800L * 50, r.Counts["adc_conversion"]);
    }

    [Fact]
    public void KeysOfTheOtherReservoirKindAreReportedAsUnknown()
    {
        var e = Assert.Throws<ConfigException>(() => ExperimentRunner.Bind(File("narma10-esn.yaml"), ["reservoir.virtual_nodes=400"]));
        Assert.Contains(e.Errors, m => m.Contains("reservoir.virtual_nodes") && m.Contains("unknown key"));
    }

    [Fact]
    public void BadPhysicalValuesAreRejectedNamingTheKey()
    {
        var e = Assert.Throws<ConfigException>(() => ExperimentRunner.Bind(File("narma10-delay.yaml"), ["reservoir.theta=-1 s", "reservoir.mackey_glass.time_constant=2 V"]));
        Assert.Contains(e.Errors, m => m.Contains("reservoir.theta"));
        Assert.Contains(e.Errors, m => m.Contains("reservoir.mackey_glass.time_constant"));
    }
}

using Neuromorph.Data;
using Neuromorph.Experiments;

namespace Neuromorph.Tests.Experiments;

public class SpikingExperimentTests
{
    private sealed class Quiet : IRunObserver
    {
        public void Log(string line) { }
        public void Progress(string stage, long done, long total) { }
    }

    private static RunRecord Run(string yaml, params string[] overrides)
    {
        var dir = Directory.CreateTempSubdirectory("nm-spk").FullName;
        var file = Path.Combine(dir, "exp.yaml");
        File.WriteAllText(file, yaml);
        return ExperimentRunner.Run(new RunOptions { ConfigPath = file, RunDirectory = Path.Combine(dir, "run"), Overrides = overrides },
            new Quiet(), TestContext.Current.CancellationToken).Record;
    }

    private static string Shipped(string name) => File.ReadAllText(Path.Combine(DataPaths.RepositoryRoot!, "experiments", name));

    [Fact]
    public void PoissonDrivenNeuronFiresAtTheRateItsDriveImplies_AndStdpMovesWeights()
    {
        // 200 inputs at 20 Hz with strong fixed weights and pair STDP: the neuron must fire, and
        // potentiation/depression must move weights away from their uniform start.
        var r = Run("""
            name: small
            experiment: spiking-network
            seed: 3
            simulation: { dt: 0.1 ms, duration: 5 s, threads: 1 }
            network:
              populations:
                - { name: in, model: poisson, size: 200, rate: 20 Hz }
                - { name: out, model: lif, size: 1, tau_m: 10 ms, v_rest: -74 mV, v_threshold: -54 mV, v_reset: -60 mV, refractory: 0 ms, synapses: conductance }
              projections:
                - name: syn
                  source: in
                  target: out
                  rule: all-to-all
                  weight_distribution: uniform
                  weight_low: 0 nS
                  weight_high: 2 nS
                  weight_min: 0 nS
                  weight_max: 2 nS
                  plasticity: { rule: pair-stdp, a_plus: 0.1 nS, a_minus: 0.105 nS }
            """);
        Assert.InRange(r.Metrics["mean_rate_hz/in"], 19.7, 20.3);       // 20,000 expected spikes: 5σ = 0.7 %
        Assert.True(r.Metrics["mean_rate_hz/out"] > 1, "the driven neuron fires");
        Assert.True(r.Metrics["weights_near_bounds/syn"] > 0.2 + 0.05, "STDP pushed more weights near the bounds than a uniform start has (20 %)");
        Assert.Equal(r.Counts["spike"], (long)r.Metrics["spikes"]);
    }

    [Fact]
    public void CubaFileIsValidAndAScaledDownRunIsAsynchronousIrregular()
    {
        // The shipped CUBA file (1 s): the Brette et al. network settles at a few Hz with irregular firing.
        var r = Run(Shipped("cuba.yaml"), "simulation.threads=2");
        Assert.InRange(r.Metrics["mean_rate_hz/P"], 2, 20);
        Assert.InRange(r.Metrics["cv_isi/P"], 0.3, 1.5);
    }

    [Fact]
    public void BadReferencesAreReportedBeforeRunning()
    {
        var e = Assert.Throws<ConfigException>(() => Run("""
            name: bad
            experiment: spiking-network
            network:
              populations:
                - { name: P, model: lif, size: 100, v_reset: -40 mV, v_threshold: -50 mV }
              projections:
                - source: Q
                  target: P[0:500]
                  weight: 1 nS
            """));
        Assert.Contains(e.Errors, x => x.Contains("v_reset") && x.Contains("below v_threshold"));
        Assert.Contains(e.Errors, x => x.Contains("source") && x.Contains("no population named 'Q'"));
        Assert.Contains(e.Errors, x => x.Contains("target") && x.Contains("exceeds population 'P'"));
        Assert.Contains(e.Errors, x => x.Contains("weight") && x.Contains("conductance"));   // CUBA target needs a current
    }

    [Fact]
    public void BrunelSynchronousRegularIsMoreSynchronousThanAsynchronousIrregular()
    {
        // Scaled to N_E = 2,000 keeping J·C_E = 100 mV (J = 0.5 mV), so ν_thr and the mean input stay Brunel's.
        var r = Run(Shipped("brunel2000.yaml"), "network.excitatory=2000", "network.j=0.5 mV", "simulation.duration=300 ms",
            "regimes=[{label: SR, g: 3, eta: 2}, {label: AI, g: 5, eta: 2}]");
        Assert.True(r.Metrics["synchrony_chi/sr"] > 2 * r.Metrics["synchrony_chi/ai"]);
        Assert.True(r.Metrics["cv_isi/ai"] > r.Metrics["cv_isi/sr"] + 0.2);
        Assert.True(r.Metrics["mean_rate_hz/sr"] > r.Metrics["mean_rate_hz/ai"]);
    }

    [Fact]
    public void IzhikevichPatternsProduceTheirSignatures()
    {
        var r = Run(Shipped("izhikevich-patterns.yaml"), "network.patterns=[tonic spiking, phasic spiking, tonic bursting]");
        Assert.Equal(1, r.Metrics["spikes/phasic-spiking"]);                 // one spike at stimulus onset
        Assert.True(r.Metrics["spikes/tonic-spiking"] >= 4);
        Assert.True(r.Metrics["spikes/tonic-bursting"] > r.Metrics["spikes/tonic-spiking"]);
    }

    [Fact]
    public void SpikesExportAsCsvAndBinaryThatReadBack()
    {
        var dir = Directory.CreateTempSubdirectory("nm-spk").FullName;
        var file = Path.Combine(dir, "exp.yaml");
        File.WriteAllText(file, """
            name: export
            experiment: spiking-network
            simulation: { duration: 200 ms, threads: 1 }
            network:
              populations:
                - { name: src, model: poisson, size: 50, rate: 30 Hz }
            report: { export_spikes: true }
            """);
        var run = Path.Combine(dir, "run");
        var rec = ExperimentRunner.Run(new RunOptions { ConfigPath = file, RunDirectory = run }, new Quiet(), TestContext.Current.CancellationToken).Record;
        var (dt, _, pointers, neurons) = Neuromorph.Spiking.SpikeMonitor.ReadBinary(Path.Combine(run, "spikes-src.bin"));
        Assert.Equal(1e-4, dt, 1e-15);
        Assert.Equal((long)rec.Metrics["spikes"], neurons.Length);
        Assert.Equal(neurons.Length, pointers[^1]);
        var csv = File.ReadAllLines(Path.Combine(run, "spikes-src.csv"));
        Assert.Equal("time_s,neuron", csv[0]);
        Assert.Equal(neurons.Length, csv.Length - 1);
        Assert.All(neurons, n => Assert.InRange(n, 0, 49));
    }
}

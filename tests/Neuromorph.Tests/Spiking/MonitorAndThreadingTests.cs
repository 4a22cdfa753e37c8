using Neuromorph.Energy;
using Neuromorph.Spiking;

namespace Neuromorph.Tests.Spiking;

public class MonitorAndThreadingTests
{
    /// <summary>Poisson input → LIF with STDP, STP, heterogeneous delays, a state and a rate monitor.</summary>
    private static (float[] W, int[] Spikes, double[] V, double[] Rate, long Updates) RunPlastic(int threads)
    {
        var net = new Network(1e-4, seed: 21, threads: threads);
        var input = net.Add(new PoissonGroup("in", 300, 15.0));
        var pop = net.AddLif("out", 203, LifPresets.BretteCuba2007 with { RestingPotential = -60e-3 });
        var ff = net.Connect(input, pop, Connectivity.FixedProbability(0.2),
            new SynapseSpec { Weight = WeightInit.Uniform(20e-12, 60e-12), MinWeight = 0, MaxWeight = 100e-12f, Delay = DelayInit.Uniform(1e-3, 4e-3) });
        net.Connect(new NeuronRange(pop, 0, 150), pop, Connectivity.FixedOutDegree(10),
            new SynapseSpec { Weight = WeightInit.Constant(30e-12), ShortTermPlasticity = TsodyksMarkram.Depressing });
        net.AddPlasticity(new PairStdp(ff, 1e-12, 1.05e-12));
        var spikes = net.MonitorSpikes(pop);
        var v = net.MonitorState(pop, "v", [0, 101, 202], every: 10);
        var rate = net.MonitorRate(pop, 0.05);
        net.Run(0.5);
        return (ff.Store.Weights.ToArray(), spikes.NeuronIndices.ToArray(), v.Trace(1), rate.Rates(), net.Counters[Op.SynapticUpdate]);
    }

    [Fact]
    public void PlasticNetworkIsIdenticalOnOneAndTwoThreads()
    {
        var a = RunPlastic(1);
        var b = RunPlastic(2);
        Assert.True(a.Spikes.Length > 100, $"{a.Spikes.Length} spikes");
        Assert.True(a.Updates > 0);
        Assert.Equal(a.W, b.W);
        Assert.Equal(a.Spikes, b.Spikes);
        Assert.Equal(a.V, b.V);
        Assert.Equal(a.Rate, b.Rate);
    }

    [Fact]
    public void StateMonitorDecimatesAndExports()
    {
        var net = new Network(1e-4);
        var pop = net.AddLif("n", 2, new LifParameters { RestingPotential = 0, Threshold = 1, Reset = 0 });
        pop.Bias[1] = 100e-12f;
        var mon = net.MonitorState(pop, "v", [1], every: 10);
        net.Run(0.01);
        Assert.Equal(10, mon.SampleCount);
        var t = mon.Times();
        Assert.Equal(1e-4, t[0], 12);
        Assert.Equal(1.1e-3, t[1], 12);
        var fig = mon.ToFigure("v", "membrane", "v (V)");
        Assert.Single(fig.Series);
        Assert.Equal(mon.Trace(0), fig.Series[0].Y);
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            string csv = Path.Combine(dir.FullName, "v.csv");
            mon.WriteCsv(csv);
            var lines = File.ReadAllLines(csv);
            Assert.Equal("time_s,v_1", lines[0]);
            Assert.Equal(11, lines.Length);
        }
        finally { dir.Delete(true); }
        Assert.Throws<ArgumentException>(() => net.MonitorState(pop, "nope", [0]));
    }

    [Fact]
    public void RateMonitorCountsEverySpike()
    {
        var net = new Network(1e-4);
        var src = net.Add(new SpikeGeneratorGroup("g", 4, [0, 1, 2, 3, 0], [0.001, 0.002, 0.003, 0.004, 0.015]));
        var rate = net.MonitorRate(src, 0.01);
        net.Run(0.02);
        Assert.Equal([4 / (4 * 0.01), 1 / (4 * 0.01)], rate.Rates());
        Assert.Equal("rate (Hz)", rate.ToFigure("r", "rate").YLabel);
    }
}

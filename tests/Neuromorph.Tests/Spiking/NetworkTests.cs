using Neuromorph.Energy;
using Neuromorph.Spiking;

namespace Neuromorph.Tests.Spiking;

public class NetworkTests
{
    private static (long[] Ptr, int[] Idx, long Events) RunCuba(int threads, int n = 4000, double t = 0.5)
    {
        var (net, pop) = SpikingBenchmarks.BuildCuba(n, threads, seed: 7);
        var mon = net.MonitorSpikes(pop);
        net.Run(t);
        return (mon.StepPointers.ToArray(), mon.NeuronIndices.ToArray(), net.Counters[Op.SynapticEvent]);
    }

    [Fact]
    public void CubaSpikesAreIdenticalOnOneAndTwoThreads()
    {
        var a = RunCuba(1);
        var b = RunCuba(2);
        var c = RunCuba(3, t: 0.2);
        Assert.True(a.Idx.Length > 1000);
        Assert.Equal(a.Ptr, b.Ptr);
        Assert.Equal(a.Idx, b.Idx);
        Assert.Equal(a.Events, b.Events);
        Assert.Equal(a.Idx.AsSpan(0, (int)c.Ptr[^1]).ToArray(), c.Idx);
    }

    [Fact]
    public void CobaSpikesAreIdenticalOnOneAndTwoThreads()
    {
        long[] Run(int threads)
        {
            var (net, pop) = SpikingBenchmarks.BuildCoba(4000, threads, seed: 3);
            var mon = net.MonitorSpikes(pop);
            net.Run(0.2);
            return mon.NeuronIndices.ToArray().Select(x => (long)x).Concat(mon.StepPointers.ToArray()).ToArray();
        }
        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public void BrunelWithPoissonDriveAndDelaysIsIdenticalOnOneAndTwoThreads()
    {
        int[] Run(int threads)
        {
            var (net, pop) = SpikingBenchmarks.BuildBrunel(2000, threads, seed: 8);
            var mon = net.MonitorSpikes(pop);
            net.Run(0.1);
            Assert.Equal(16, pop.RingSlots);   // 1.5 ms delay = 15 steps, plus the current slot
            return mon.NeuronIndices.ToArray();
        }
        var a = Run(1);
        Assert.True(a.Length > 1000, $"{a.Length} spikes");
        Assert.Equal(a, Run(2));
    }

    [Fact]
    public void CobaHHSpikesAreIdenticalOnOneAndTwoThreads()
    {
        int[] Run(int threads)
        {
            var (net, pop) = SpikingBenchmarks.BuildCobaHH(1000, threads, seed: 4);
            var mon = net.MonitorSpikes(pop);
            net.Run(0.1);
            return mon.NeuronIndices.ToArray();
        }
        var a = Run(1);
        Assert.True(a.Length > 100, $"{a.Length} spikes");
        Assert.Equal(a, Run(2));
    }

    [Fact]
    public void CubaBenchmarkRateAndIrregularity()
    {
        // Brette et al. (2007) benchmark 2 / Brian2 examples/CUBA.py, 4,000 neurons, 1 s.
        var (net, pop) = SpikingBenchmarks.BuildCuba(4000, 1, seed: 11);
        var mon = net.MonitorSpikes(pop);
        net.Run(1.0);
        double rate = mon.MeanRate(), cv = mon.MeanCvIsi();
        Assert.InRange(rate, 4.0, 8.0);   // Brian2 2.5.1 standalone, same network, 3 seeds: 5.2–5.8 Hz
        Assert.InRange(cv, 0.3, 1.5);
        long expectedEvents = 0;
        foreach (var q in net.Projections)
        {
            var counts = mon.CountsPerNeuron;
            for (int i = 0; i < q.Source.Count; i++) expectedEvents += (long)counts[q.Source.Start + i] * (q.RowPointers[i + 1] - q.RowPointers[i]);
        }
        Assert.Equal(expectedEvents, net.Counters[Op.SynapticEvent]);
        Assert.Equal(mon.Count, net.Counters[Op.Spike]);
    }

    [Fact]
    public void CobaBenchmarkRateAndIrregularity()
    {
        // Brette et al. (2007) benchmark 1 (Vogels & Abbott 2005), 4,000 neurons, 1 s.
        var (net, pop) = SpikingBenchmarks.BuildCoba(4000, 2, seed: 5);
        var mon = net.MonitorSpikes(pop);
        net.Run(1.0);
        double rate = mon.MeanRate(), cv = mon.MeanCvIsi();
        Assert.InRange(rate, 5.0, 40.0);
        Assert.InRange(cv, 0.5, 2.0);
    }

    [Fact]
    public void FixedProbabilityConnectivityHasTheExpectedDegree()
    {
        var net = new Network();
        var a = net.AddLif("a", 2000, new LifParameters());
        var q = net.Connect(a, a, Connectivity.FixedProbability(0.05), new SynapseSpec());
        net.Build();
        double mean = q.SynapseCount / 2000.0;
        Assert.InRange(mean, 100 * 0.97, 100 * 1.03);
        for (int i = 0; i < 2000; i++)
            for (int s = q.RowPointers[i] + 1; s < q.RowPointers[i + 1]; s++) Assert.True(q.Targets[s] > q.Targets[s - 1]);
    }

    [Theory]
    [InlineData("in", 10)]
    [InlineData("out", 10)]
    public void FixedDegreeConnectivityIsExact(string kind, int k)
    {
        var net = new Network();
        var a = net.AddLif("a", 300, new LifParameters());
        var b = net.AddLif("b", 200, new LifParameters());
        var conn = (kind == "in" ? Connectivity.FixedInDegree(k) : Connectivity.FixedOutDegree(k)) with { AllowAutapses = false };
        var q = net.Connect(a, b, conn, new SynapseSpec());
        net.Build();
        var inDeg = new int[200];
        for (int i = 0; i < 300; i++)
        {
            int outDeg = q.RowPointers[i + 1] - q.RowPointers[i];
            if (kind == "out") Assert.Equal(k, outDeg);
            for (int s = q.RowPointers[i]; s < q.RowPointers[i + 1]; s++) inDeg[q.Targets[s]]++;
            for (int s = q.RowPointers[i] + 1; s < q.RowPointers[i + 1]; s++) Assert.True(q.Targets[s] > q.Targets[s - 1], "targets distinct and sorted");
        }
        if (kind == "in") Assert.All(inDeg, d => Assert.Equal(k, d));
    }

    [Fact]
    public void ExplicitConnectivityAndHeterogeneousDelays()
    {
        var net = new Network(dt: 1e-4);
        var src = net.Add(new SpikeGeneratorGroup("in", 2, [0, 1], [0.0, 0.0]));
        var pop = net.AddLif("n", 3, new LifParameters { RestingPotential = 0, Threshold = 1, Reset = 0 });
        var q = net.Connect(src, pop, Connectivity.Explicit([0, 1, 1], [2, 0, 1]),
            new SynapseSpec { Receptor = Receptor.Voltage, Weight = WeightInit.Constant(1e-3), Delay = DelayInit.Uniform(1e-3, 5e-3) });
        var mon = net.MonitorState(pop, "v", [0, 1, 2]);
        net.Run(0.01);
        for (int s = 0; s < q.SynapseCount; s++)
        {
            int d = q.DelaySteps(s), target = q.Targets[s];
            var v = mon.Trace(target);
            Assert.Equal(0.0, v[d - 1]);          // nothing before the arrival step
            Assert.True(v[d] > 0.9e-3, $"synapse {s}: jump expected at step {d}");
        }
    }

    [Fact]
    public void MemoryEstimateRejectsANetworkThatDoesNotFit()
    {
        var net = new Network { MemoryLimitBytes = 1L << 20 };
        var a = net.AddLif("big", 100_000, new LifParameters());
        net.Connect(a, a, Connectivity.FixedProbability(0.01), new SynapseSpec());
        var ex = Assert.Throws<InsufficientMemoryException>(() => net.Build());
        Assert.Contains("GiB", ex.Message);
        Assert.True(net.EstimateMemoryBytes() > 100_000L * 1000 * 8);
    }

    [Fact]
    public void MillionNeuronCubaEstimateFitsTheBudget()
    {
        // 1,000,000 neurons with 80 synapses each must fit in 24 GiB (measured peak: 0.75 GiB, docs/spiking.md).
        var (net, _) = SpikingBenchmarks.BuildCuba(1_000_000);
        long bytes = net.EstimateMemoryBytes();
        Assert.InRange(bytes, 80_000_000L * 8, 24L << 30);
    }

    [Fact]
    public void PoissonGroupFiresAtItsRate()
    {
        var net = new Network(dt: 1e-4, threads: 2);
        var src = net.Add(new PoissonGroup("p", 1000, 20.0));
        var mon = net.MonitorSpikes(src);
        var rate = net.MonitorRate(src, 0.1);
        net.Run(2.0);
        Assert.InRange(mon.MeanRate(), 19.0, 21.0);
        Assert.InRange(mon.MeanCvIsi(), 0.9, 1.1);   // Poisson: CV = 1
        Assert.Equal(20, rate.Rates().Length);
        Assert.InRange(rate.Rates().Average(), 19.0, 21.0);
    }

    [Fact]
    public void TimeVaryingPoissonRateFollowsTheModulation()
    {
        var net = new Network(dt: 1e-4);
        var src = net.Add(new PoissonGroup("p", 2000, 10.0, t => t < 0.5 ? 1.0 : 4.0));
        var rate = net.MonitorRate(src, 0.5);
        net.Run(1.0);
        var r = rate.Rates();
        Assert.InRange(r[0], 9.0, 11.0);
        Assert.InRange(r[1], 37.0, 43.0);
    }

    [Fact]
    public void SpikeMonitorExportsRoundTrip()
    {
        var (net, pop) = SpikingBenchmarks.BuildCuba(500, 1, seed: 2);
        var mon = net.MonitorSpikes(pop);
        net.Run(0.2);
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            string bin = Path.Combine(dir.FullName, "s.nspk"), csv = Path.Combine(dir.FullName, "s.csv");
            mon.WriteBinary(bin); mon.WriteCsv(csv);
            var (dt, first, ptr, idx) = SpikeMonitor.ReadBinary(bin);
            Assert.Equal(net.Dt, dt); Assert.Equal(0, first);
            Assert.Equal(mon.StepPointers.ToArray(), ptr);
            Assert.Equal(mon.NeuronIndices.ToArray(), idx);
            Assert.Equal(mon.Count + 1, File.ReadAllLines(csv).Length);
            var raster = mon.ToRaster("raster", "CUBA");
            Assert.Equal(mon.Count, raster.Times.Length);
            var hist = mon.IsiHistogram("isi", "ISI");
            Assert.Equal(mon.Isis().Length, hist.Values[0].Length);
        }
        finally { dir.Delete(true); }
    }
}

public class AutapseTests
{
    [Theory]
    [InlineData("p")]
    [InlineData("in")]
    [InlineData("out")]
    [InlineData("all")]
    public void NoAutapsesAcrossOverlappingRanges(string kind)
    {
        var net = new Network();
        var a = net.AddLif("a", 100, new LifParameters());
        Connectivity c = kind switch
        {
            "p" => Connectivity.FixedProbability(0.9), "in" => Connectivity.FixedInDegree(50), "out" => Connectivity.FixedOutDegree(50), _ => Connectivity.AllToAll(),
        };
        var q = net.Connect(new NeuronRange(a, 20, 80), new NeuronRange(a, 10, 60), c with { AllowAutapses = false }, new SynapseSpec());
        net.Build();
        for (int i = 0; i < 80; i++)
            for (int s = q.RowPointers[i]; s < q.RowPointers[i + 1]; s++)
            {
                Assert.NotEqual(20 + i, q.Targets[s]);
                Assert.InRange(q.Targets[s], 10, 69);
            }
        Assert.True(q.SynapseCount > 1000);
    }
}

public class BenchmarkApiTests
{
    [Theory]
    [InlineData("cuba")]
    [InlineData("coba")]
    [InlineData("brunel")]
    public void RunReportsConsistentNumbers(string model)
    {
        var r = SpikingBenchmarks.Run(model, 1000, 0.1, 1);
        Assert.Equal(model, r.Model);
        Assert.Equal(1000, r.Neurons);
        Assert.InRange(r.Synapses, 70_000, 90_000);      // p = 80/N: mean in-degree 80
        Assert.True(r.Spikes > 0 && r.SynapticEvents > r.Spikes);
        Assert.Equal(r.SimulateSeconds / r.Duration, r.RealTimeFactor, 12);
        Assert.Equal(r.SynapticEvents / r.SimulateSeconds, r.SynapticEventsPerSecond, 6);
        Assert.Equal(r.Spikes / (1000 * 0.1), r.MeanRateHz, 9);
        Assert.True(r.PeakMemoryBytes > 0 && r.BuildSeconds > 0);
        var json = System.Text.Json.JsonSerializer.Serialize(r);
        foreach (var key in new[] { "build_seconds", "simulate_seconds", "real_time_factor", "spikes", "synaptic_events", "synaptic_events_per_second", "peak_memory_bytes" })
            Assert.Contains($"\"{key}\":", json);
    }

    [Fact]
    public void UnknownModelAndBadSizesFailLoudly()
    {
        Assert.Contains("cuba", Assert.Throws<ArgumentException>(() => SpikingBenchmarks.Run("hh", 100, 0.1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SpikingBenchmarks.Run("cuba", 1, 0.1));
        Assert.Equal(0.02, SpikingBenchmarks.ConnectionProbability(4000));
        Assert.Equal(80.0 / 100_000, SpikingBenchmarks.ConnectionProbability(100_000));
    }
}

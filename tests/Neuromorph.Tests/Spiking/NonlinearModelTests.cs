using Neuromorph.Spiking;

namespace Neuromorph.Tests.Spiking;

public class NonlinearModelTests
{
    private static double[] Simulate(Population pop, double current, double duration, double dt)
    {
        var net = new Network(dt);
        net.Add(pop);
        net.Inject(pop, Stimulus.Step(current, 0.0));
        var mon = net.MonitorSpikes(pop);
        net.Run(duration);
        return mon.TimesOf(0);
    }

    [Fact]
    public void AdExSpikeTimesMatchFineStepRk4Reference()
    {
        var p = new AdExParameters();
        const double i0 = 1e-9, T = 0.3;
        // Reference: RK4 at 0.1 µs in double precision.
        var refTimes = new List<double>();
        double v = p.RestingPotential, w = 0, h = 1e-7;
        for (long s = 0; s * h < T; s++)
        {
            (v, w) = AdExPopulation.Rk4(p, v, w, i0, 0, 0, h);
            if (v >= p.PeakPotential) { refTimes.Add(s * h); v = p.Reset; w += p.SpikeAdaptation; }
        }
        var sim = Simulate(new AdExPopulation("n", 1, p), i0, T, 1e-5);
        Assert.True(refTimes.Count >= 5, $"{refTimes.Count} reference spikes");
        Assert.Equal(refTimes.Count, sim.Length);
        // Stated tolerance: 0.1 ms at dt = 0.01 ms.
        for (int k = 0; k < sim.Length; k++) Assert.True(Math.Abs(sim[k] - refTimes[k]) < 1e-4, $"spike {k}: {sim[k]} s vs {refTimes[k]} s");
        var isi = sim.Zip(sim.Skip(1), (a, b) => b - a).ToArray();
        Assert.True(isi[^1] > 1.5 * isi[0], "spike-triggered adaptation lengthens ISIs");
    }

    [Theory]
    [InlineData(SynapseKind.Current, 0.0)]
    [InlineData(SynapseKind.Conductance, 2e-3)]
    public void AdExVectorAndScalarPathsAgree(SynapseKind kind, double refractory)
    {
        // Nine identical neurons driven by a step and by shared Poisson input: 0–7 take the float32
        // vector path, 8 the double-precision remainder.
        var p = new AdExParameters { Synapses = kind, Refractory = refractory };
        var net = new Network(1e-5);
        var pop = net.Add(new AdExPopulation("nine", 9, p));
        var src = net.Add(new SpikeGeneratorGroup("in", 1, Enumerable.Repeat(0, 20).ToArray(), Enumerable.Range(0, 20).Select(x => 0.01 + x * 0.013).ToArray()));
        net.Connect(src, pop, Connectivity.AllToAll(), new SynapseSpec { Weight = WeightInit.Constant(kind == SynapseKind.Current ? 300e-12 : 5e-9) });
        net.Inject(pop, Stimulus.Step(1.2e-9, 0.0));
        var mon = net.MonitorSpikes(pop);
        net.Run(0.3);
        var vec = mon.TimesOf(0); var sca = mon.TimesOf(8);
        Assert.True(sca.Length >= 5, $"{sca.Length} spikes");
        Assert.Equal(sca.Length, vec.Length);
        for (int k = 0; k < sca.Length; k++) Assert.True(Math.Abs(vec[k] - sca[k]) < 1e-4, $"spike {k}: {vec[k]} vs {sca[k]} s");
    }

    [Fact]
    public void HodgkinHuxleySpikeTimesMatchFineStepRk4Reference()
    {
        var p = new HodgkinHuxleyParameters();
        const double i0 = 0.5e-9, T = 0.1;
        var pop = new HodgkinHuxleyPopulation("n", 1, p);
        double v = pop.V[0], m = pop.M[0], hh = pop.H[0], n = pop.N[0];
        var refTimes = new List<double>();
        double h = 1e-7; bool above = false;
        for (long s = 0; s * h < T; s++)
        {
            var (a1, b1, c1, d1) = p.Derivatives(v, m, hh, n, 0, 0, i0);
            var (a2, b2, c2, d2) = p.Derivatives(v + h / 2 * a1, m + h / 2 * b1, hh + h / 2 * c1, n + h / 2 * d1, 0, 0, i0);
            var (a3, b3, c3, d3) = p.Derivatives(v + h / 2 * a2, m + h / 2 * b2, hh + h / 2 * c2, n + h / 2 * d2, 0, 0, i0);
            var (a4, b4, c4, d4) = p.Derivatives(v + h * a3, m + h * b3, hh + h * c3, n + h * d3, 0, 0, i0);
            v += h / 6 * (a1 + 2 * a2 + 2 * a3 + a4); m += h / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
            hh += h / 6 * (c1 + 2 * c2 + 2 * c3 + c4); n += h / 6 * (d1 + 2 * d2 + 2 * d3 + d4);
            bool ab = v > p.SpikeThreshold;
            if (ab && !above) refTimes.Add(s * h);
            above = ab;
        }
        // Nine identical neurons: 0–7 take the float32 vector path, 8 the double-precision remainder.
        var net = new Network(1e-5);
        var nine = net.Add(new HodgkinHuxleyPopulation("nine", 9, p));
        net.Inject(nine, Stimulus.Step(i0, 0.0));
        var mon = net.MonitorSpikes(nine);
        net.Run(T);
        var vec = mon.TimesOf(0);
        var sim = mon.TimesOf(8);
        Assert.Equal(sim.Length, vec.Length);
        for (int k = 0; k < sim.Length; k++) Assert.True(Math.Abs(vec[k] - sim[k]) < 5e-5, $"vector vs scalar path, spike {k}: {vec[k]} vs {sim[k]} s");
        Assert.True(refTimes.Count >= 6, $"{refTimes.Count} reference spikes");
        Assert.InRange(sim.Length, refTimes.Count - 1, refTimes.Count);
        // Stated tolerance for exponential Euler (first order) at dt = 0.01 ms: the first five spikes
        // within 1 ms, the mean inter-spike interval within 2 %.
        for (int k = 0; k < 5; k++) Assert.True(Math.Abs(sim[k] - refTimes[k]) < 1e-3, $"spike {k}: {sim[k]} s vs {refTimes[k]} s");
        double isiSim = (sim[^1] - sim[0]) / (sim.Length - 1), isiRef = (refTimes[^1] - refTimes[0]) / (refTimes.Count - 1);
        Assert.True(Math.Abs(isiSim / isiRef - 1) < 0.02, $"mean ISI {isiSim} s vs reference {isiRef} s");
        // First-order convergence: halving dt roughly halves the error of the first spikes.
        var coarse = Simulate(new HodgkinHuxleyPopulation("c", 1, p), i0, T, 2e-5);
        Assert.True(Math.Abs(coarse[4] - refTimes[4]) > 1.5 * Math.Abs(sim[4] - refTimes[4]), "error shrinks with dt");
    }

    [Fact]
    public void HodgkinHuxleyIsSilencedByHyperpolarisingCurrent()
    {
        // With V_T = −63 mV the Traub–Miles cell of COBAHH fires slowly at rest; −0.1 nA silences it.
        Assert.NotEmpty(Simulate(new HodgkinHuxleyPopulation("n", 1, new HodgkinHuxleyParameters()), 0, 0.1, 1e-5));
        Assert.Empty(Simulate(new HodgkinHuxleyPopulation("n", 1, new HodgkinHuxleyParameters()), -0.1e-9, 0.1, 1e-5));
    }

    [Fact]
    public void NonlinearModelsRejectLargeTimeSteps()
    {
        var net = new Network(dt: 1e-3);
        net.Add(new HodgkinHuxleyPopulation("n", 1, new HodgkinHuxleyParameters()));
        Assert.Contains("dt", Assert.Throws<ArgumentOutOfRangeException>(() => net.Run(0.01)).Message);
        Assert.Contains("SlopeFactor", Assert.ThrowsAny<ArgumentException>(() => new AdExPopulation("x", 1, new AdExParameters { SlopeFactor = -1 })).Message);
    }
}

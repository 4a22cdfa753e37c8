using Neuromorph.Devices;
using Neuromorph.Energy;
using Neuromorph.Spiking;

namespace Neuromorph.Tests.Spiking;

public class PlasticityTests
{
    /// <summary>Plastic weights are currents (A); rules work in units of S so the plastic synapse never drives the follower.</summary>
    private const double S = 1e-12;

    private static readonly LifParameters Follower = new()
    {
        RestingPotential = 0, Threshold = 10e-3, Reset = 0, Refractory = 0, TauMembrane = 20e-3,
    };

    /// <summary>
    /// Independent pre/post pairs: pre neuron i spikes at <paramref name="preTimes"/>[i]; post neuron i
    /// (a LIF) is forced to spike by a 20 mV jump from a driver at <paramref name="postTimes"/>[i] − dt.
    /// Returns the network, plastic projection, and both spike monitors.
    /// </summary>
    private static (Network, Projection, SpikeMonitor, SpikeMonitor) Pairs(double dt, double[][] preTimes, double[][] postTimes, float w0 = 0f, float wmin = float.NegativeInfinity, float wmax = float.PositiveInfinity)
    {
        int n = preTimes.Length;
        var net = new Network(dt);
        var preIdx = preTimes.SelectMany((ts, i) => ts.Select(_ => i)).ToArray();
        var postIdx = postTimes.SelectMany((ts, i) => ts.Select(_ => i)).ToArray();
        var pre = net.Add(new SpikeGeneratorGroup("pre", n, preIdx, preTimes.SelectMany(t => t).ToArray()));
        var drv = net.Add(new SpikeGeneratorGroup("drv", n, postIdx, postTimes.SelectMany(t => t.Select(x => x - dt)).ToArray()));
        var post = net.AddLif("post", n, Follower);
        net.Connect(drv, post, Connectivity.OneToOne(), new SynapseSpec { Receptor = Receptor.Voltage, Weight = WeightInit.Constant(20e-3) });
        var plastic = net.Connect(pre, post, Connectivity.OneToOne(), new SynapseSpec { Receptor = Receptor.Excitatory, Weight = WeightInit.Constant(w0), MinWeight = wmin, MaxWeight = wmax });
        return (net, plastic, net.MonitorSpikes(pre), net.MonitorSpikes(post));
    }

    [Fact]
    public void PairStdpWindowIsExponential()
    {
        const double aPlus = 0.01, aMinus = 0.012, tauPlus = 16.8e-3, tauMinus = 33.7e-3, dt = 1e-4;
        double[] deltas = [-60e-3, -30e-3, -10e-3, -2e-3, 2e-3, 5e-3, 10e-3, 20e-3, 40e-3];
        var pre = deltas.Select(_ => new[] { 0.1 }).ToArray();
        var post = deltas.Select(d => new[] { 0.1 + d }).ToArray();
        var (net, proj, preMon, postMon) = Pairs(dt, pre, post);
        net.AddPlasticity(new PairStdp(proj, aPlus * S, aMinus * S, tauPlus, tauMinus));
        net.Run(0.3);
        var preT = preMon.TrainsPerNeuron(); var postT = postMon.TrainsPerNeuron();
        for (int i = 0; i < deltas.Length; i++)
        {
            Assert.Single(postT[i]);
            double d = postT[i][0] - preT[i][0];
            Assert.True(Math.Abs(d - deltas[i]) < dt / 2, $"pair {i}: Δt {d} vs {deltas[i]}");
            double expected = d > 0 ? aPlus * Math.Exp(-d / tauPlus) : -aMinus * Math.Exp(d / tauMinus);
            double w = proj.Store.Weights[i] / S;
            Assert.True(Math.Abs(w - expected) < 1e-5 * Math.Abs(expected) + 1e-9, $"Δt = {d * 1e3:F1} ms: Δw = {w}, expected {expected}");
        }
        Assert.True(net.Counters[Op.SynapticUpdate] >= deltas.Length);
    }

    [Fact]
    public void MultiplicativeStdpScalesWithDistanceToTheBound()
    {
        const double a = 0.1, tau = 20e-3;
        var (net, proj, _, _) = Pairs(1e-4, [[0.1], [0.1]], [[0.11], [0.09]], w0: (float)(0.25 * S), wmin: 0f, wmax: (float)S);
        net.AddPlasticity(new PairStdp(proj, a, a, tau, tau, StdpBounds.Multiplicative));
        net.Run(0.2);
        double e = Math.Exp(-10e-3 / tau);
        Assert.Equal(0.25 + a * (1 - 0.25) * e, proj.Store.Weights[0] / S, 5);
        Assert.Equal(0.25 - a * (0.25 - 0) * e, proj.Store.Weights[1] / S, 5);
    }

    private static double[] TripletPairing(double deltaT, double[] rates, TripletParameters prm)
    {
        const int pairs = 60; const double dt = 2e-4;
        var pre = rates.Select(r => Enumerable.Range(0, pairs).Select(k => 0.05 + k / r).ToArray()).ToArray();
        var post = rates.Select((r, i) => pre[i].Select(t => t + deltaT).ToArray()).ToArray();
        var (net, proj, _, postMon) = Pairs(dt, pre, post);
        net.AddPlasticity(new TripletStdp(proj, prm, weightScale: S));
        net.Run(0.1 + pairs / rates.Min());
        Assert.All(postMon.CountsPerNeuron.ToArray(), c => Assert.Equal(pairs, c));
        return Enumerable.Range(0, rates.Length).Select(i => proj.Store.Weights[i] / S).ToArray();
    }

    [Fact]
    public void TripletPotentiationRisesWithPairingFrequency()
    {
        // Sjöström et al. (2001) protocol as modelled by Pfister & Gerstner (2006): 60 pairings.
        double[] rates = [1, 10, 20, 40, 50];
        var prm = TripletParameters.VisualCortexAllToAll;
        var plus = TripletPairing(10e-3, rates, prm);
        for (int k = 1; k < rates.Length; k++) Assert.True(plus[k] > plus[k - 1], $"Δw(+10 ms) at {rates[k]} Hz ({plus[k]}) must exceed {rates[k - 1]} Hz ({plus[k - 1]})");
        Assert.True(plus[^1] > 0.01, "clear potentiation at 50 Hz");
        var minus = TripletPairing(-10e-3, [1, 50], prm);
        Assert.True(minus[0] < 0, "post-before-pre depresses at low frequency");
        Assert.True(minus[1] > minus[0], "and depresses less (or potentiates) at high frequency");
        // Closed form of the all-to-all trace dynamics for a regular pairing train (period T):
        // Δw = Σ_n r₁(n)(A2⁺ + A3⁺ o₂(n)) − o₁(n)(A2⁻ + A3⁻ r₂(n)), traces summed over earlier spikes.
        for (int k = 0; k < rates.Length; k++)
        {
            double expected = Analytic(10e-3, 1 / rates[k], 60, prm);
            Assert.True(Math.Abs(plus[k] - expected) < 2e-3 * Math.Abs(expected) + 1e-9, $"{rates[k]} Hz: Δw {plus[k]} vs closed form {expected}");
        }
    }

    private static double Analytic(double d, double period, int pairs, TripletParameters p)
    {
        double total = 0;
        for (int n = 0; n < pairs; n++)
        {
            double r1 = 0, o2 = 0, o1 = 0, r2 = 0;
            for (int m = 0; m <= n; m++) r1 += Math.Exp(-((n - m) * period + d) / p.TauPlus);
            for (int m = 0; m < n; m++)
            {
                o2 += Math.Exp(-(n - m) * period / p.TauY);
                o1 += Math.Exp(-((n - m) * period - d) / p.TauMinus);
                r2 += Math.Exp(-(n - m) * period / p.TauX);
            }
            total += r1 * (p.A2Plus + p.A3Plus * o2) - o1 * (p.A2Minus + p.A3Minus * r2);
        }
        return total;
    }

    [Fact]
    public void RewardModulatedStdpNeedsReward()
    {
        double Run(double reward)
        {
            var (net, proj, _, _) = Pairs(1e-4, [[0.1]], [[0.11]]);
            var rule = net.AddPlasticity(new RewardModulatedStdp(proj, learningRate: S));
            net.Run(0.2);
            Assert.True(rule.Eligibility[0] > 0, "causal pairing leaves a positive eligibility trace");
            Assert.Equal(0f, proj.Store.Weights[0]);
            rule.Reward(reward);
            net.Run(1.0);
            return proj.Store.Weights[0] / S;
        }
        Assert.Equal(0.0, Run(0.0));
        double up = Run(1.0), down = Run(-1.0);
        Assert.True(up > 0 && down < 0 && Math.Abs(up + down) < 1e-6, $"reward {up}, punishment {down}");
    }

    [Theory]
    [InlineData(0.5, 0.8, 0.0, 5.0)]
    [InlineData(0.5, 0.8, 0.0, 20.0)]
    [InlineData(0.03, 0.13, 0.53, 10.0)]
    [InlineData(0.03, 0.13, 0.53, 40.0)]
    public void TsodyksMarkramSteadyStateMatchesAnalyticExpression(double u, double tauD, double tauF, double rate)
    {
        var stp = new TsodyksMarkram(u, tauD, tauF);
        const double dt = 1e-4, w = 1e-3;
        int spikes = 150;
        var times = Enumerable.Range(0, spikes).Select(k => k / rate).ToArray();
        var net = new Network(dt);
        var src = net.Add(new SpikeGeneratorGroup("pre", 1, new int[spikes], times));
        var post = net.AddLif("post", 1, new LifParameters { RestingPotential = 0, Threshold = 1, Reset = 0, TauMembrane = 20e-3 });
        net.Connect(src, post, Connectivity.AllToAll(), new SynapseSpec { Receptor = Receptor.Voltage, Weight = WeightInit.Constant(w), ShortTermPlasticity = stp });
        var mon = net.MonitorState(post, "v", [0]);
        net.Run(spikes / rate + 0.01);
        var v = mon.Trace(0);
        double pm = Math.Exp(-dt / 20e-3);
        int last = (int)Math.Round(times[^1] / dt) + 1;              // arrival step of the last spike
        double amplitude = v[last] - v[last - 1] * pm;
        double first = v[1] - v[0] * pm;
        Assert.Equal(w * u, first, 6);
        double expected = w * stp.SteadyStateRelease(rate);
        Assert.True(Math.Abs(amplitude / expected - 1) < 2e-3, $"{rate} Hz: amplitude {amplitude}, analytic {expected}");
    }

    [Fact]
    public void StochasticReleaseTransmitsTheExpectedFractionAndIsThreadIndependent()
    {
        long Run(int threads, out float[] v)
        {
            var net = new Network(1e-4, seed: 9, threads: threads);
            var src = net.Add(new SpikeGeneratorGroup("pre", 1, new int[10], Enumerable.Range(0, 10).Select(k => k * 0.01).ToArray()));
            var post = net.AddLif("post", 10_000, new LifParameters { RestingPotential = 0, Threshold = 1, Reset = 0 });
            net.Connect(src, post, Connectivity.AllToAll(), new SynapseSpec { Receptor = Receptor.Voltage, Weight = WeightInit.Constant(1e-3), ReleaseProbability = 0.3 });
            net.Run(0.11);
            v = (float[])post.V.Clone();
            return net.Counters[Op.SynapticEvent];
        }
        long a = Run(1, out var va), b = Run(2, out var vb);
        Assert.Equal(a, b);
        Assert.Equal(va, vb);
        Assert.InRange(a, 30_000 - 4 * 145, 30_000 + 4 * 145);   // Binomial(100,000, 0.3): σ ≈ 145
    }

    [Fact]
    public void RulesRunUnchangedOnACustomStore()
    {
        var store = new CountingStore(1);
        var (n2, proj, _, _) = PairsWithStore(store);
        n2.AddPlasticity(new PairStdp(proj, 0.01, 0.01));
        n2.Run(0.2);
        Assert.True(store.Updates > 0, "the rule asked the store, not the float array");
    }

    private static (Network, Projection, SpikeMonitor, SpikeMonitor) PairsWithStore(ISynapseStore store)
    {
        var net = new Network(1e-4);
        var pre = net.Add(new SpikeGeneratorGroup("pre", 1, [0], [0.1]));
        var drv = net.Add(new SpikeGeneratorGroup("drv", 1, [0], [0.11]));
        var post = net.AddLif("post", 1, Follower);
        net.Connect(drv, post, Connectivity.OneToOne(), new SynapseSpec { Receptor = Receptor.Voltage, Weight = WeightInit.Constant(20e-3) });
        var plastic = net.Connect(pre, post, Connectivity.OneToOne(), new SynapseSpec { Store = _ => store });
        return (net, plastic, net.MonitorSpikes(pre), net.MonitorSpikes(post));
    }

    private sealed class CountingStore(int n) : ISynapseStore
    {
        private readonly float[] _w = new float[n];
        public int Updates;
        public int Count => _w.Length;
        public float MinWeight => 0f;
        public float MaxWeight => 1f;
        public ReadOnlySpan<float> Weights => _w;
        public void Update(int synapse, float delta) { Updates++; _w[synapse] = Math.Clamp(_w[synapse] + 0.5f * delta, 0f, 1f); }
        public void Set(int synapse, float weight) => _w[synapse] = weight;
    }
}

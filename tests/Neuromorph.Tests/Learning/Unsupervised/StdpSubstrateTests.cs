using Neuromorph.Devices;
using Neuromorph.Experiments;
using Neuromorph.Experiments.Stdp;
using Neuromorph.Learning.Unsupervised;

namespace Neuromorph.Tests.Learning.Unsupervised;

public class StdpSubstrateTests
{
    private static StdpSubstrate Substrate(string yaml, PulseTranslation translation = PulseTranslation.Deterministic)
    {
        var map = ConfigTree.Parse(yaml, "test.yaml");
        var b = new ConfigBinding("test.yaml", Path.GetTempPath());
        var s = new StdpSubstrate(ConfigSection.Root(map, b).Section("substrate"), "ideal", translation);
        Assert.Empty(b.AllErrors);
        return s;
    }

    [Fact]
    public void AffineStoreMapsTheInnerRangeAndPassesScaledRequests()
    {
        var inner = new IdealSynapseStore(4, -1f, 1f);
        var s = new AffineSynapseStore(inner, 0.5f, 0.5f);
        Assert.Equal(0f, s.MinWeight); Assert.Equal(1f, s.MaxWeight);
        Assert.Equal(0.5f, s.Weights[0]);                 // inner 0 = mid-range
        s.Set(1, 0.25f);
        Assert.Equal(-0.5f, inner.Weights[1], 1e-6f);      // (0.25 − 0.5)/0.5
        s.Update(1, 0.1f);
        Assert.Equal(-0.3f, inner.Weights[1], 1e-6f);      // Δw/b
        Assert.Equal(0.35f, s.Weights[1], 1e-6f);
        s.Update(1, -5f);
        Assert.Equal(0f, s.Weights[1]);                    // the inner bound, mapped
    }

    [Theory]
    [InlineData("querlioz-memristor", true)]
    [InlineData("ftj", true)]
    [InlineData("neurosim", false)]   // cycle-to-cycle noise of the preset: direction only
    [InlineData("pcm", false)]        // programming noise of the preset: direction only
    public void UnipolarDeviceStoresHoldDiehlCookWeightsAndMoveThemAsTheDevicePredicts(string kind, bool noiseFree)
    {
        var sub = Substrate($"substrate:\n  kind: {kind}\n  d2d: 0\n  c2c: 0\n");
        const int n = 256;
        var store = sub.Build(n, StdpSubstrate.Polarity.Unipolar, 0, 0, 3)!;
        var dev = StdpSubstrate.Devices(store)!;
        Assert.NotNull(dev);
        float scale = store is AffineSynapseStore ? 0.5f : 1f;
        if (kind == "pcm") Assert.IsType<DeviceSynapseStore>(store);   // abrupt RESET: differential pair
        else Assert.Equal(0f, store.MinWeight);
        Assert.Equal(1f, store.MaxWeight);
        for (int s = 0; s < n; s++) store.Set(s, 0.3f);
        Assert.Equal(0.3f, store.Weights[0], noiseFree ? 1e-4f : 0.05f);
        // One nominal pulse up on the first half, one down on the second: each change is the device
        // model's prediction (noise-free devices) and the mean moves in the requested direction.
        float step = dev.PulseWeight * scale;
        double up = 0, down = 0;
        for (int s = 0; s < n; s++)
        {
            float before = store.Weights[s], sign = s < n / 2 ? 1f : -1f;
            float predicted = dev.PredictedChange(s, sign * dev.PulseWeight) * scale;
            store.Update(s, sign * step);
            float moved = store.Weights[s] - before;
            if (noiseFree) Assert.Equal(predicted, moved, 1e-5f);
            if (sign > 0) up += moved; else down += moved;
            Assert.InRange(store.Weights[s], store.MinWeight, store.MaxWeight);
        }
        Assert.True(up > 0, $"mean potentiation {up / (n / 2)}");
        Assert.True(down < 0, $"mean depression {down / (n / 2)}");
    }

    [Fact]
    public void IdealSubstrateLeavesTheNetworkItsOwnStoreAndSweepsNeedTheMemristor()
    {
        Assert.Null(Substrate("substrate:\n  kind: ideal\n").Build(8, StdpSubstrate.Polarity.Unipolar, 0, 0, 1));
        var ftj = Substrate("substrate:\n  kind: ftj\n  pulse_voltage: 2.5 V\n  pulse_width: 10 ns\n", PulseTranslation.StochasticRounding);
        Assert.Equal(2.5, ftj.FtjVoltage, 12); Assert.Equal(10.0, ftj.FtjWidth * 1e9, 9);
        Assert.Equal(PulseTranslation.StochasticRounding, ftj.Translation);
        var a = (FtjArray)StdpSubstrate.Devices(ftj.Build(4, StdpSubstrate.Polarity.Bipolar, 0, 0, 1)!)!.Devices;
        Assert.Equal(2.5, a.PulseVoltage); Assert.Equal(10e-9, a.PulseWidth);
    }

    [Fact]
    public void DiehlCookStdpRunsOnAnFtjSubstrateWithinItsBounds()
    {
        var sub = Substrate("substrate:\n  kind: ftj\n", PulseTranslation.StochasticRounding);
        var p = new DiehlCookParams { Inputs = 64, Neurons = 4 };
        var store = sub.Build(p.Inputs * p.Neurons, StdpSubstrate.Polarity.Unipolar, 0, 0, 2)!;
        var net = new DiehlCookNetwork(p, 5, store);
        var dev = StdpSubstrate.Devices(store)!;
        for (int s = 0; s < store.Count; s++) store.Set(s, s % 4 == 0 ? 0.7f : 0.05f);
        dev.ResetCounters();
        var steps = Enumerable.Range(0, 40).SelectMany(k => Enumerable.Repeat(k * 15, 64)).ToArray();
        var inputs = Enumerable.Range(0, 40).SelectMany(_ => Enumerable.Range(0, 64)).ToArray();
        var before = store.Weights.ToArray();
        int spikes = net.PresentSpikes(steps, inputs, net.State, learn: true);
        Assert.True(spikes > 0);
        Assert.True(dev.Counters[Neuromorph.Energy.Op.ProgrammingPulse] > 0, "STDP sent no pulses to the junctions");
        var after = store.Weights.ToArray();
        Assert.All(after, w => Assert.InRange(w, 0f, 1f));
        Assert.Contains(Enumerable.Range(0, after.Length), s => after[s] != before[s]);
    }
}

public class StdpCoDesignTests
{
    private static StdpSubstrate Substrate(string yaml)
    {
        var map = ConfigTree.Parse(yaml, "test.yaml");
        var b = new ConfigBinding("test.yaml", Path.GetTempPath());
        var s = new StdpSubstrate(ConfigSection.Root(map, b).Section("substrate"), "ideal", PulseTranslation.StochasticRounding);
        Assert.Empty(b.AllErrors);
        return s;
    }

    [Theory]
    [InlineData(0.05f, 0.01f)]     // low weight, where a nominal potentiating pulse is 4.5 mid-range steps
    [InlineData(0.05f, -1e-4f)]    // D&C's depression per arrival: 0.14 of a (constant) depressing pulse
    [InlineData(0.8f, 0.003f)]     // high weight, where a potentiating pulse is 0.5 mid-range steps
    [InlineData(0.5f, -0.004f)]
    public void StateAwareTranslationRealisesTheRequestedChangeOnAverageOnNominalMemristors(float w0, float dw)
    {
        var sub = Substrate("substrate:\n  kind: querlioz-memristor\n  d2d: 0\n  c2c: 0\n  translation: state-aware\n");
        Assert.Equal(PulseTranslation.StateAware, sub.Translation);
        const int n = 20000;
        var store = sub.Build(n, StdpSubstrate.Polarity.Unipolar, 0, 0, 7)!;
        var dev = StdpSubstrate.Devices(store)!;
        for (int s = 0; s < n; s++) store.Set(s, w0);
        dev.ResetCounters();
        double sum = 0, sumSq = 0;
        for (int s = 0; s < n; s++)
        {
            float before = store.Weights[s];
            store.Update(s, dw);
            double moved = store.Weights[s] - before;
            sum += moved; sumSq += moved * moved;
        }
        double mean = sum / n, sd = Math.Sqrt(Math.Max(sumSq / n - mean * mean, 0));
        // Unbiased within 4 standard errors (plus float rounding of the conductances).
        Assert.InRange(mean, dw - 4 * sd / Math.Sqrt(n) - 2e-6, dw + 4 * sd / Math.Sqrt(n) + 2e-6);
        Assert.True(dev.Counters[Neuromorph.Energy.Op.DeviceRead] >= n, "the state-aware translation reads the device at every update");
        // The nominal-step translation (stochastic rounding of Δw/δ) is biased by the device's nonlinearity here.
        var plain = Substrate("substrate:\n  kind: querlioz-memristor\n  d2d: 0\n  c2c: 0\n  translation: stochastic\n").Build(n, StdpSubstrate.Polarity.Unipolar, 0, 0, 7)!;
        double plainSum = 0;
        for (int s = 0; s < n; s++) { plain.Set(s, w0); float b = plain.Weights[s]; plain.Update(s, dw); plainSum += plain.Weights[s] - b; }
        Assert.True(Math.Abs(plainSum / n - dw) > 0.2 * Math.Abs(dw), $"nominal-step translation realised {plainSum / n} for {dw}");
    }

    [Fact]
    public void FullScaleMapsUnitWeightToTheRequestedFractionOfTheConductanceWindow()
    {
        var sub = Substrate("substrate:\n  kind: querlioz-memristor\n  d2d: 0\n  c2c: 0\n  full_scale: 0.6\n  translation: state-aware\n");
        Assert.Equal(0.6, sub.FullScale);
        var store = sub.Build(2, StdpSubstrate.Polarity.Unipolar, 0, 0, 1)!;
        var m = QuerliozMemristorParams.Nominal;
        Assert.Equal(1 / 0.6f, store.MaxWeight, 1e-5f);
        store.Set(0, 1f);
        var dev = StdpSubstrate.Devices(store)!.Devices;
        Assert.Equal(m.GMin + 0.6 * (m.GMax - m.GMin), dev.State[0], 1e-9);
        store.Set(1, 0.25f);
        Assert.Equal(m.GMin + 0.15 * (m.GMax - m.GMin), dev.State[1], 1e-9);
        Assert.Equal(0.25f, store.Weights[1], 1e-5f);
    }

    [Fact]
    public void CarriedRemainderKeepsDispersedDevicesOnTheRequestedTrajectory()
    {
        // 25 % d2d, 10 % c2c: without the carry each device realises its own step sizes; with it the
        // cumulative change follows the cumulative request to within the last remainder.
        double Spread(bool carry)
        {
            var sub = Substrate($"substrate:\n  kind: querlioz-memristor\n  d2d: 0.25\n  c2c: 0.1\n  d2d_bounds: 0\n  translation: state-aware\n  carry: {(carry ? "true" : "false")}\n");
            const int n = 2000;
            var store = sub.Build(n, StdpSubstrate.Polarity.Unipolar, 0.25, 0.1, 5)!;
            var dev = StdpSubstrate.Devices(store)!;
            for (int s = 0; s < n; s++) store.Set(s, 0.3f);
            for (int k = 0; k < 50; k++)
                for (int s = 0; s < n; s++) store.Update(s, k % 5 == 4 ? -0.003f : 0.003f);   // net +0.09
            double sq = 0;
            for (int s = 0; s < n; s++)
            {
                double err = store.Weights[s] - 0.39;
                if (carry) Assert.Equal(err, -0.5 * dev.Residual(s), 2e-4);   // realised = requested − remainder
                sq += err * err;
            }
            return Math.Sqrt(sq / n);
        }
        double with = Spread(true), without = Spread(false);
        Assert.True(with < without / 3, $"rms error {with} with the carry, {without} without");
    }

    [Fact]
    public void StateAwareTranslationFollowsTheNonlinearUpdateOverManyPulses()
    {
        // A large request spans many pulses along the nominal curve: realised = requested to within one step.
        var sub = Substrate("substrate:\n  kind: querlioz-memristor\n  d2d: 0\n  c2c: 0\n  translation: state-aware\n");
        var store = sub.Build(4, StdpSubstrate.Polarity.Unipolar, 0, 0, 1)!;
        store.Set(0, 0.02f);
        store.Update(0, 0.5f);
        Assert.InRange(store.Weights[0], 0.52f - 0.0017f, 0.52f + 0.0017f);
        store.Update(0, -0.3f);
        Assert.InRange(store.Weights[0], 0.22f - 0.0008f, 0.22f + 0.0008f);
    }

    [Theory]
    [InlineData(1, 0.153f)]
    [InlineData(8, 0.153f)]
    [InlineData(8, 0.71f)]
    public void MtjProbabilisticProgrammingGivesTheTargetWeightOnAverage(int k, float target)
    {
        const int n = 20000;
        var store = new MtjSynapseStore(n, k, MtjPresets.Vincent2015, 10e-9, 11);
        for (int s = 0; s < n; s++) store.Set(s, target);
        double mean = 0;
        for (int s = 0; s < n; s++) { mean += store.Weights[s]; Assert.Equal(store.ParallelCount(s) / (float)k, store.Weights[s]); }
        mean /= n;
        double se = Math.Sqrt(target * (1 - target) / (k * (double)n));   // binomial: each junction switched with p = target
        Assert.InRange(mean, target - 4 * se, target + 4 * se);
        // Re-programming to a slightly lower target (a normalisation) switches few junctions, and E[w] follows.
        long before = store.Counters[Neuromorph.Energy.Op.ProgrammingPulse];
        float lower = 0.9f * target;
        double moved = 0;
        for (int s = 0; s < n; s++) { float b = store.Weights[s]; store.Set(s, b * 0.9f); moved += store.Weights[s] - b; }
        Assert.InRange(moved / n, (lower - target) * 1.0 - 5 * se, (lower - target) * 1.0 + 5 * se);
        Assert.True(store.Counters[Neuromorph.Energy.Op.ProgrammingPulse] > before);
    }

    [Fact]
    public void MtjProbabilisticStdpMovesWeightsByTheRequestOnAverage()
    {
        const int n = 20000, k = 4;
        var store = new MtjSynapseStore(n, k, MtjPresets.Vincent2015, 10e-9, 3);
        for (int s = 0; s < n; s++) store.Set(s, 0.5f);
        double before = 0, after = 0;
        for (int s = 0; s < n; s++) before += store.Weights[s];
        for (int s = 0; s < n; s++) store.Update(s, s % 2 == 0 ? 0.01f : -0.002f);
        for (int s = 0; s < n; s++) after += store.Weights[s];
        // E[Δ] = (0.01 − 0.002)/2 per synapse; variance ≤ 0.01·(1/k)/… per synapse.
        double expected = n * (0.01 - 0.002) / 2, se = Math.Sqrt(n * 0.01 / k);
        Assert.InRange(after - before, expected - 4 * se, expected + 4 * se);
        Assert.All(store.Weights.ToArray(), w => Assert.InRange(w, 0f, 1f));
        // The pulse current that the store sets reproduces the probability through the Néel–Brown law.
        var m = MtjPresets.Vincent2015;
        Assert.Equal(0.02, m.SwitchingProbability(MtjSynapseStore.PulseCurrent(m, 0.02, 10e-9), 10e-9), 9);
    }

    [Fact]
    public void DiehlCookOnMtjSubstrateProgramsInitialWeightsAsProbabilities()
    {
        var sub = Substrate("substrate:\n  kind: mtj\n  devices_per_synapse: 8\n");
        var p = new DiehlCookParams { Inputs = 784, Neurons = 20 };
        var store = sub.Build(p.Inputs * p.Neurons, StdpSubstrate.Polarity.Unipolar, 0, 0, 2)!;
        Assert.IsType<MtjSynapseStore>(store);
        var net = new DiehlCookNetwork(p, 5, store);
        double mean = store.Weights.ToArray().Average();
        // w0 = (U + 0.01)·0.3: mean 0.153; binomial over 8 junctions × 15,680 synapses.
        Assert.InRange(mean, 0.153 - 0.004, 0.153 + 0.004);
        Assert.True(store.Weights.ToArray().Count(w => w > 0) > store.Count / 2, "initial weights rounded to 0");
    }
}

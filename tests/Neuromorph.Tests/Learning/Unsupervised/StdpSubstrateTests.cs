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

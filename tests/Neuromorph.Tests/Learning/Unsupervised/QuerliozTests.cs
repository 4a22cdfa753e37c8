using Neuromorph.Experiments.Stdp;
using Neuromorph.Devices;
using Neuromorph.Learning.Unsupervised;
using Neuromorph.Numerics;

namespace Neuromorph.Tests.Learning.Unsupervised;

public class QuerliozTests
{
    [Fact]
    public void MemristorPulsesFollowTheExponentialLawOfQuerlioz2013()
    {
        var p = QuerliozMemristorParams.Nominal;
        var a = new QuerliozMemristorArray(2, p, 1);
        double range = p.GMax - p.GMin;
        Assert.Equal(p.GMin, a.State[0], 1e-12);
        double g = a.State[0];
        for (int k = 0; k < 5; k++)
        {
            double expected = g + p.AlphaPlus * Math.Exp(-p.BetaPlus * (g - p.GMin) / range);
            a.ApplyPulses(0, 1);
            Assert.Equal(expected, a.State[0], 1e-11);
            g = a.State[0];
        }
        double before = a.State[0];
        a.ApplyPulses(0, -1);
        Assert.Equal(before - p.AlphaMinus * Math.Exp(-p.BetaMinus * (p.GMax - before) / range), a.State[0], 1e-11);
        // Soft bounds: potentiation slows down as G approaches G_max and never exceeds it.
        a.ApplyPulses(1, 5000);
        Assert.True(a.State[1] <= p.GMax && a.State[1] > p.GMin + 0.9 * range);
    }

    [Fact]
    public void DeviceToDeviceAndCycleToCycleVariabilityHaveTheRequestedSpread()
    {
        var p = QuerliozMemristorParams.Nominal with { DeviceToDevice = 0.25 };
        var a = new QuerliozMemristorArray(20000, p, 3);
        var gmax = a.UpperBounds.ToArray().Select(x => (double)x).ToArray();
        double mean = gmax.Average(), sd = Math.Sqrt(gmax.Select(x => (x - mean) * (x - mean)).Average());
        Assert.InRange(sd / p.GMax, 0.22, 0.28);
        var c = new QuerliozMemristorArray(20000, QuerliozMemristorParams.Nominal with { CycleToCycle = 0.3 }, 4);
        var steps = new double[c.Count];
        for (int d = 0; d < c.Count; d++) { c.ApplyPulses(d, 1); steps[d] = c.State[d] - QuerliozMemristorParams.Nominal.GMin; }
        double m = steps.Average(), s = Math.Sqrt(steps.Select(x => (x - m) * (x - m)).Average());
        Assert.Equal(QuerliozMemristorParams.Nominal.AlphaPlus, m, QuerliozMemristorParams.Nominal.AlphaPlus * 0.02);
        Assert.InRange(s / m, 0.27, 0.33);
    }

    [Fact]
    public void PostSpikePotentiatesRecentInputsAndDepressesAllOthersThroughTheDeviceStore()
    {
        var p = new QuerliozParams { Inputs = 4, Neurons = 2, Threshold = 0.8, MaxRate = 200, PresentationTime = 0.05, HomeostasisRate = 0 };
        var dev = QuerliozMemristorParams.Nominal;
        var store = new DeviceSynapseStore(8, n => new QuerliozMemristorArray(n, dev, 1),
            SynapseStoreOptions.Default with { Mapping = WeightMapping.SingleWithReference, RefreshThreshold = 0 });
        var net = new QuerliozNetwork(p, 2, store);
        for (int i = 0; i < 4; i++) { store.Set(i * 2, 0f); store.Set(i * 2 + 1, -1f); }
        var before = store.Weights.ToArray();
        // Inputs 0 and 1 active, 2 and 3 silent: neuron 0 fires, its synapses from 0/1 go up, from 2/3 down.
        int spikes = net.Present([1f, 1f, 0f, 0f], new RandomStream(9, "q"), learn: true);
        Assert.True(spikes > 0);
        var after = store.Weights;
        Assert.True(after[0] > before[0] && after[2] > before[2], "active inputs should be potentiated");
        Assert.True(after[4] < before[4] && after[6] < before[6], "silent inputs should be depressed");
        // Neuron 1 never fired: its synapses are untouched.
        for (int i = 0; i < 4; i++) Assert.Equal(before[i * 2 + 1], after[i * 2 + 1]);
        Assert.True(store.Counters[Neuromorph.Energy.Op.ProgrammingPulse] > 0);
    }

    [Fact]
    public void MtjCurrentGivesTheRequestedSwitchingProbability()
    {
        var m = MtjPresets.Vincent2015;
        double i = StdpSubstrate.MtjCurrent(m, 0.1, 10e-9);
        Assert.Equal(0.1, m.SwitchingProbability(i, 10e-9), 1e-9);
    }
}

using Neuromorph.Experiments.Stdp;
using Neuromorph.Devices;
using Neuromorph.Learning.Unsupervised;
using Neuromorph.Numerics;
using Neuromorph.Data;
using Neuromorph.Tests.Data;

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
    public void PostSpikePotentiatesRecentInputsAndDepressesAllOthersByOneDevicePulseEach()
    {
        // Inputs 0 and 1 fire periodically every 5 ms (v = 1, no jitter), 2 and 3 are silent (v = 0 is below the cutoff).
        var p = new QuerliozParams
        {
            Inputs = 4, Neurons = 2, Threshold = 0.8, MaxRate = 200, MinRate = 0, PeriodJitter = 0, MinPeriod = 1e-4,
            PresentationTime = 0.05, HomeostasisRate = 0, RefractoryTime = 0.012,
        };
        var dev = QuerliozMemristorParams.Nominal;
        var store = new DeviceSynapseStore(8, n => new QuerliozMemristorArray(n, dev, 1),
            SynapseStoreOptions.Default with { Mapping = WeightMapping.SingleWithReference, RefreshThreshold = 0 });
        var net = new QuerliozNetwork(p, 2, store);
        for (int i = 0; i < 4; i++) { store.Set(i * 2, 0f); store.Set(i * 2 + 1, -1f); }
        var before = store.Weights.ToArray();
        long pulsesBefore = store.Counters[Neuromorph.Energy.Op.ProgrammingPulse];
        int spikes = net.Present([1f, 1f, 0f, 0f], new RandomStream(9, "q"), learn: true);
        Assert.True(spikes >= 2, $"neuron 0 should fire several times, fired {spikes}");
        Assert.Equal(spikes, net.Counts[0]);
        var after = store.Weights;
        // Effective weight (w + 1)/2 = (G − G_min)/(G_max − G_min). Every post spike came within T_LTP = 50 ms of both
        // active inputs, so each of their synapses got exactly `spikes` potentiating pulses of eq. (1), replayed here.
        double range = dev.GMax - dev.GMin;
        double x = 0.5 * (before[0] + 1);
        for (int k = 0; k < spikes; k++) x += dev.AlphaPlus / range * Math.Exp(-dev.BetaPlus * x);
        Assert.Equal(x, 0.5 * (after[0] + 1), 2e-4);
        Assert.Equal(x, 0.5 * (after[2] + 1), 2e-4);
        // Silent inputs: `spikes` depressing pulses of the constant step α⁻ (β⁻ = 0).
        double y = 0.5 * (before[4] + 1) - spikes * dev.AlphaMinus / range;
        Assert.Equal(y, 0.5 * (after[4] + 1), 2e-4);
        Assert.Equal(y, 0.5 * (after[6] + 1), 2e-4);
        // Neuron 1 never fired: its synapses are untouched; one pulse per synapse of the winner per post spike.
        for (int i = 0; i < 4; i++) Assert.Equal(before[i * 2 + 1], after[i * 2 + 1]);
        Assert.Equal(4L * spikes, store.Counters[Neuromorph.Energy.Op.ProgrammingPulse] - pulsesBefore);
    }

    /// <summary>Periodic input every 1 ms (no jitter, no leak), one input with weight 1 to both neurons, threshold 0.9.</summary>
    private static QuerliozNetwork Clocked(double refractory, double inhibit, float w0 = 1f, float w1 = 1f, double threshold = 0.9)
    {
        var p = new QuerliozParams
        {
            Inputs = 1, Neurons = 2, Threshold = threshold, MaxRate = 1000, MinRate = 0, PeriodJitter = 0, MinPeriod = 1e-5,
            PresentationTime = 0.1, TauLeak = 1e3, RefractoryTime = refractory, InhibitTime = inhibit, HomeostasisRate = 0,
        };
        var net = new QuerliozNetwork(p, 1);
        net.Store.Set(0, 2 * w0 - 1); net.Store.Set(1, 2 * w1 - 1);
        return net;
    }

    [Fact]
    public void RefractoryPeriodAndLateralInhibitionGateFiringExactly()
    {
        // 100 input spikes, one per ms. Only one neuron fires per input event.
        var net = Clocked(refractory: 0, inhibit: 0);
        Assert.Equal(100, net.Present([1f], new RandomStream(1, "c"), learn: false));
        Assert.Equal([100, 0], net.Counts); // ties go to the first neuron, which is never refractory
        // Winner refractory 4.5 ms: neuron 0 fires at events 0, 5, 10, …; neuron 1 takes events 1, 6, 11, ….
        net = Clocked(refractory: 0.0045, inhibit: 0);
        Assert.Equal(40, net.Present([1f], new RandomStream(1, "c"), learn: false));
        Assert.Equal([20, 20], net.Counts);
        // Lateral inhibition 2.5 ms on top: one spike every 3 events, alternating → 34 spikes.
        net = Clocked(refractory: 0.0045, inhibit: 0.0025);
        Assert.Equal(34, net.Present([1f], new RandomStream(1, "c"), learn: false));
        Assert.Equal([17, 17], net.Counts);
    }

    [Fact]
    public void LateralInhibitionResetsEveryPotentialSoTheStrongerNeuronTakesAll()
    {
        // Threshold 1.5: neuron 0 (w = 1) fires every second input and resets neuron 1 (w = 0.9) each time,
        // so neuron 1 never reaches threshold although it alone would fire every second input as well.
        var net = Clocked(refractory: 0, inhibit: 0, w0: 1f, w1: 0.9f, threshold: 1.5);
        Assert.Equal(50, net.Present([1f], new RandomStream(1, "c"), learn: false));
        Assert.Equal([50, 0], net.Counts);
        var alone = Clocked(refractory: 0, inhibit: 0, w0: 0f, w1: 0.9f, threshold: 1.5);
        Assert.Equal(50, alone.Present([1f], new RandomStream(1, "c"), learn: false));
        Assert.Equal([0, 50], alone.Counts);
    }

    [Fact]
    public void HomeostasisMovesEachThresholdByItsExcessActivity()
    {
        var m = Mnist.Load(TestData.Bundled("mnist"), scaleToUnit: true);
        var p = new QuerliozParams { Neurons = 10, HomeostasisPeriod = 5, HomeostasisRate = 0.5, MinThreshold = 5 };
        var net = new QuerliozNetwork(p, 3);
        var activity = new int[p.Neurons];
        for (int period = 0; period < 3; period++)
        {
            var theta = net.Theta.ToArray();
            Array.Clear(activity);
            for (int k = 0; k < p.HomeostasisPeriod; k++)
            {
                net.Train(m.Train.Sample(period * p.HomeostasisPeriod + k), 3);
                for (int j = 0; j < p.Neurons; j++) activity[j] += net.Counts[j];
            }
            double mean = activity.Average();
            Assert.True(activity.Max() > activity.Min(), "the test needs unequal activity");
            // θ_j ← max(θ_min, θ_j + γ·(A_j − Ā)): busier neurons get harder to fire, quieter ones easier; Σθ is kept.
            for (int j = 0; j < p.Neurons; j++)
                Assert.Equal(Math.Max(p.MinThreshold, theta[j] + p.HomeostasisRate * (activity[j] - mean)), net.Theta[j], 1e-9);
            int busiest = Array.IndexOf(activity, activity.Max()), quietest = Array.IndexOf(activity, activity.Min());
            Assert.True(net.Theta[busiest] > theta[busiest] && net.Theta[quietest] < theta[quietest]);
        }
    }

    [Fact]
    public void JitteredPeriodicCodingFollowsTheN2d2StimulusModel()
    {
        // 784 inputs at v = 1 fire every 1/f_max (± 10 %), v = 0.2 (below the 0.33 cutoff) never; no neuron can fire.
        var p = new QuerliozParams { Neurons = 2, Threshold = 1e6, PresentationTime = 1.0 };
        var net = new QuerliozNetwork(p, 1);
        var img = new float[784];
        for (int i = 0; i < 392; i++) img[i] = 1f;
        for (int i = 392; i < 784; i++) img[i] = 0.2f;
        var before = net.Counters[Neuromorph.Energy.Op.Spike];
        Assert.Equal(0, net.Present(img, new RandomStream(5, "j"), learn: false));
        double perInput = (net.Counters[Neuromorph.Energy.Op.Spike] - before) / 392.0;
        // Mean period 1/(f_min + (f_max − f_min)) = 45 ms: 1 s holds 22.2 periods; the first spike lands at a uniform
        // fraction of a period, so on average 22.2 + 0.5 − 0.5 ≈ 22.2 spikes (± the jitter's slow drift).
        Assert.InRange(perInput, 21.7, 22.7);
    }

    [Fact]
    public void ScaledDownTrainingOnMemristorsLearnsDigits()
    {
        // 30 neurons, 2,000 MNIST images on the nominal memristor with 25 % d2d and 10 % c2c, labelled on the same images
        // (winner readout), tested on 500 test images. Chance is 10 %; this seed gives 54.6 %.
        var m = Mnist.Load(TestData.Bundled("mnist"), scaleToUnit: true);
        const int n = 30, k = 2000, t = 500;
        var p = new QuerliozParams { Neurons = n };
        var dev = QuerliozMemristorParams.Nominal with { DeviceToDevice = 0.25, CycleToCycle = 0.1 };
        var store = new DeviceSynapseStore(784 * n, c => new QuerliozMemristorArray(c, dev, 1),
            SynapseStoreOptions.Default with { Mapping = WeightMapping.SingleWithReference, RefreshThreshold = 0 });
        var net = new QuerliozNetwork(p, 1, store);
        for (int i = 0; i < k; i++) net.Train(m.Train.Sample(i), 1);
        var lc = new int[k * n];
        for (int i = 0; i < k; i++) { net.Infer(m.Train.Sample(i), 1, (uint)i); net.Counts.CopyTo(lc, i * n); }
        var assign = QuerliozReadout.Assign(lc, m.Train.Labels.AsSpan(0, k), n, 10);
        var tc = new int[t * n];
        for (int i = 0; i < t; i++) { net.Infer(m.Test.Sample(i), 1, (uint)(60_000 + i)); net.Counts.CopyTo(tc, i * n); }
        var pred = QuerliozReadout.PredictAll(tc, assign);
        double acc = Enumerable.Range(0, t).Count(i => pred[i] == m.Test.Labels[i]) / (double)t;
        Assert.True(acc >= 0.45, $"accuracy {acc:P1} after 2,000 images (expected ≥ 45 %)");
        Assert.True(assign.Distinct().Count(c => c >= 0) >= 8, "neurons should specialise on most classes");
    }

    [Fact]
    public void WinnerReadoutLabelsNeuronsByTheClassTheyWinMost()
    {
        // 3 neurons, 5 labelling responses: neuron 0 wins two 7s and a 1, neuron 1 one 1; a tie in spike counts
        // goes to the lower index (the third response, 1–1); neuron 2 never wins.
        int[] counts = [3, 1, 0,  2, 0, 1,  1, 1, 0,  0, 4, 2,  5, 0, 0];
        int[] labels = [7, 7, 1, 1, 3];
        var assign = QuerliozReadout.Assign(counts, labels, 3, 10);
        Assert.Equal([7, 1, -1], assign);
        // Neuron 0 won images of 7, 7, 1, 3: first maximum 7. A silent response counts as neuron 0; one won by neuron 2 is unlabelled (−1).
        Assert.Equal([1, 7, 7, -1], QuerliozReadout.PredictAll([0, 2, 1, 4, 3, 0, 0, 0, 0, 0, 1, 5], assign));
    }

    [Fact]
    public void MtjCurrentGivesTheRequestedSwitchingProbability()
    {
        var m = MtjPresets.Vincent2015;
        double i = StdpSubstrate.MtjCurrent(m, 0.1, 10e-9);
        Assert.Equal(0.1, m.SwitchingProbability(i, 10e-9), 1e-9);
    }
}

using Neuromorph.Devices;
using Neuromorph.Learning.Unsupervised;
using Neuromorph.Numerics;

namespace Neuromorph.Tests.Learning.Unsupervised;

public class DiehlCookTests
{
    /// <summary>One input, two neurons, no delay, a short window: pairs are fully controlled.</summary>
    private static DiehlCookParams Tiny(double wmax = 1e3) => new()
    {
        Inputs = 1, Neurons = 2, MaxDelay = 0, PresentationTime = 0.1, RestTime = 0.05, WMax = wmax,
    };

    [Fact]
    public void StdpWeightChangeOfControlledPairsEqualsTheRule()
    {
        var p = Tiny();
        var net = new DiehlCookNetwork(p, 7);
        net.Store.Set(0, 200f);  // input 0 → neuron 0: a·w = 1, one arrival makes neuron 0 fire
        net.Store.Set(1, 0f);    // neuron 1 never fires
        var st = net.State;
        st.Recorded = [];
        int[] pre = [0, 30, 36, 60, 120, 150];
        int t0 = net.TrainingStep;
        net.PresentSpikes(pre, new int[pre.Length], st, learn: true);
        var post = st.Recorded.Where(r => r.Neuron == 0).Select(r => r.Step).ToArray();
        Assert.True(post.Length >= 3, $"neuron 0 should answer the arrivals, fired {post.Length} times");
        Assert.DoesNotContain(st.Recorded, r => r.Neuron == 1);

        // Replay the rule by hand: arrivals (pre pathway) before postsynaptic spikes within a step.
        double w = 200, dt = p.Dt;
        double? lastPre = null, lastPost = null;
        var events = pre.Select(s => (Step: s, Post: false)).Concat(post.Select(s => (Step: s, Post: true)))
                        .OrderBy(e => e.Step).ThenBy(e => e.Post).ToList();
        foreach (var e in events)
        {
            if (!e.Post)
            {
                double x1 = lastPost is { } tp ? Math.Exp(-(e.Step - tp) * dt / p.TauPost1) : 0;
                w = Math.Clamp(w - p.EtaPre * x1, 0, p.WMax);
                lastPre = e.Step;
            }
            else
            {
                double xpre = lastPre is { } tq ? Math.Exp(-(e.Step - tq) * dt / p.TauPre) : 0;
                double x2 = lastPost is { } tp ? Math.Exp(-(e.Step - tp) * dt / p.TauPost2) : 0;
                w = Math.Clamp(w + p.EtaPost * xpre * x2, 0, p.WMax);
                lastPost = e.Step;
            }
        }
        Assert.NotEqual(200.0, w, 6); // the pairs did change the weight
        Assert.Equal(w, net.Store.Weights[0], 4);
        Assert.Equal(0f, net.Store.Weights[1]);
        Assert.Equal(t0 + p.PresentationSteps + p.RestSteps, net.TrainingStep);
    }

    [Fact]
    public void WeightsAreClippedToTheBoundsOnEveryEvent()
    {
        var p = Tiny(wmax: 1);
        var net = new DiehlCookNetwork(p, 7);
        net.Store.Set(0, 40f); // above w_max: the first arrival delivers it, then clips it
        net.State.Recorded = [];
        net.PresentSpikes([0], [0], net.State, learn: true);
        Assert.Equal(1f, net.Store.Weights[0]);
    }

    [Fact]
    public void AdaptiveThresholdRisesPerSpikeDecaysWithTauThetaAndIsFrozenInInference()
    {
        var p = Tiny() with { TauTheta = 0.05 }; // short τ_θ so decay is visible in one presentation
        var net = new DiehlCookNetwork(p, 3);
        net.Store.Set(0, 200f); net.Store.Set(1, 0f);
        net.State.Recorded = [];
        net.PresentSpikes([10, 50], [0, 0], net.State, learn: true);
        int total = p.PresentationSteps + p.RestSteps;
        double decay = 1 - p.Dt / p.TauTheta;
        double theta = p.ThetaInitial * Math.Pow(decay, total);
        foreach (var (step, neuron) in net.State.Recorded.Where(r => r.Neuron == 0))
            theta += p.ThetaPlus * Math.Pow(decay, total - 1 - step);
        Assert.NotEmpty(net.State.Recorded);
        Assert.Equal(theta, net.Theta[0], 9);
        Assert.Equal(p.ThetaInitial * Math.Pow(decay, total), net.Theta[1], 9);

        double before = net.Theta[0];
        var st = net.ForkState();
        st.Recorded = [];
        net.PresentSpikes([10, 50], [0, 0], st, learn: false);
        Assert.NotEmpty(st.Recorded);
        Assert.Equal(before, net.Theta[0]);
    }

    private static (int[] Counts, DiehlCookNetwork Net) StrongInput(double inhibition)
    {
        var p = new DiehlCookParams { Inputs = 16, Neurons = 10, WInhExc = inhibition };
        var net = new DiehlCookNetwork(p, 11);
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 10; j++) net.Store.Set(i * 10 + j, j == 3 ? 0.6f : 0.4f);
        var img = Enumerable.Repeat(1f, 16).ToArray();
        var st = net.ForkState();
        net.Present(img, st, 8, new RandomStream(5, "test-input"), learn: false);
        return (st.Counts.ToArray(), net);
    }

    [Fact]
    public void LateralInhibitionLetsOneNeuronWinAStrongInput()
    {
        var (counts, _) = StrongInput(17.0);
        Assert.True(counts[3] >= 5, $"winner fired {counts[3]} times");
        Assert.True(counts[3] >= 0.9 * counts.Sum(), $"counts {string.Join(",", counts)}");
        // Without inhibition the same input drives the other neurons too.
        var (free, _) = StrongInput(0.0);
        Assert.True(free.Count(c => c > 0) > 5, $"without inhibition: {string.Join(",", free)}");
    }

    [Fact]
    public void LabellingAndVotingOnAHandBuiltResponseTable()
    {
        // 4 neurons, 3 classes, 6 samples. Neuron 3 never fires → unlabelled.
        int[] labels = [0, 0, 1, 1, 2, 2];
        int[] counts =
        [
            5, 0, 1, 0,
            3, 1, 0, 0,
            0, 4, 2, 0,
            1, 6, 0, 0,
            0, 2, 3, 0,
            0, 0, 5, 0,
        ];
        var a = NeuronLabelling.Assign(counts, labels, 4, 3);
        Assert.Equal([0, 1, 2, -1], a);
        // Class score = mean count of its neurons; neuron 3 does not vote.
        Assert.Equal(1, NeuronLabelling.Predict([1, 2, 0, 9], a, 3));
        Assert.Equal(2, NeuronLabelling.Predict([0, 0, 1, 9], a, 3));
        // Two neurons of class 0: mean (4 + 0)/2 = 2 loses to class 1's 3.
        var b = new[] { 0, 0, 1 };
        Assert.Equal(1, NeuronLabelling.Predict([4, 0, 3], b, 2));
        Assert.Equal(0, NeuronLabelling.Predict([4, 4, 3], b, 2));
        Assert.Equal([0, 0, 1, 1, 2, 2], NeuronLabelling.PredictAll(counts, a, 3));
    }

    [Fact]
    public void DeviceBackedStdpMovesConductancesAsTheDeviceModelPredicts()
    {
        var dev = PulsedPresets.SoftBoundsReRam with
        { DwMinDtod = 0, UpDownDtod = 0, WMinDtod = 0, WMaxDtod = 0, DwMinStd = 0, WMin = -1, WMax = 1, DwMin = 0.002f, WriteNoiseStd = 0 };
        var inner = new DeviceSynapseStore(128, n => new PulsedDeviceArray(n, dev, 1), SynapseStoreOptions.Default with { RefreshThreshold = 0 });
        var store = new CheckingStore(inner);
        var p = Tiny(wmax: 1) with { Inputs = 64, EtaPre = 0.05, EtaPost = 0.2 };
        var net = new DiehlCookNetwork(p, 5, store);
        for (int i = 0; i < 64; i++) { store.Set(i * 2, 0.7f); store.Set(i * 2 + 1, 0f); }
        store.Checked = 0;
        // volleys of all 64 inputs (Σw ≈ 45 drives neuron 0 over threshold) every 7 steps
        var steps = Enumerable.Range(0, 25).SelectMany(k => Enumerable.Repeat(k * 7, 64)).ToArray();
        var inputs = Enumerable.Range(0, 25).SelectMany(_ => Enumerable.Range(0, 64)).ToArray();
        net.State.Recorded = [];
        net.PresentSpikes(steps, inputs, net.State, learn: true);
        Assert.NotEmpty(net.State.Recorded);
        Assert.True(store.Checked > 0, "STDP made no device updates");
        Assert.True(store.Up > 0 && store.Down > 0, $"expected potentiation and depression, got {store.Up} up and {store.Down} down");
    }

    /// <summary>Forwards to a device store and checks every update against the device model's prediction.</summary>
    private sealed class CheckingStore(DeviceSynapseStore inner) : ISynapseStore
    {
        public int Checked, Up, Down;
        public int Count => inner.Count;
        public float MinWeight => inner.MinWeight;
        public float MaxWeight => inner.MaxWeight;
        public ReadOnlySpan<float> Weights => inner.Weights;
        public void Set(int synapse, float weight) => inner.Set(synapse, weight);
        public void Update(int synapse, float delta)
        {
            float before = inner.Weights[synapse];
            float predicted = inner.PredictedChange(synapse, delta);
            inner.Update(synapse, delta);
            float moved = inner.Weights[synapse] - before;
            Assert.Equal(predicted, moved, 1e-6f);
            if (predicted != 0) Assert.Equal(Math.Sign(delta), Math.Sign(moved));
            if (moved > 0) Up++; else if (moved < 0) Down++;
            Checked++;
        }
    }
}

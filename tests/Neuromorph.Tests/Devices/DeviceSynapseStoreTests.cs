using Neuromorph.Devices;
using Neuromorph.Energy;

namespace Neuromorph.Tests.Devices;

public class DeviceSynapseStoreTests
{
    private static PulsedDeviceParams QuietSoft => PulsedPresets.SoftBoundsReRam with
    { DwMinDtod = 0, UpDownDtod = 0, WMinDtod = 0, WMaxDtod = 0, DwMinStd = 0, WMin = -1, WMax = 1, DwMin = 0.01f };

    [Fact]
    public void UpdateMovesWeightByTheModelPredictionDifferential()
    {
        var store = new DeviceSynapseStore(4, n => new PulsedDeviceArray(n, QuietSoft, 1), SynapseStoreOptions.Default with { RefreshThreshold = 0 });
        Assert.Equal(0f, store.Weights[0], 1e-6f);
        float dw = 10 * store.PulseWeight;
        float predicted = store.PredictedChange(0, dw);
        store.Update(0, dw);
        Assert.True(predicted > 0);
        Assert.Equal(predicted, store.Weights[0], 1e-6f);
        // Soft bounds: G+ starts at the bottom of its range, where steps are twice the mid-range step.
        Assert.True(store.Weights[0] > dw);
        float before = store.Weights[0];
        float predictedDown = store.PredictedChange(0, -dw);
        store.Update(0, -dw);
        Assert.True(predictedDown < 0);
        Assert.Equal(before + predictedDown, store.Weights[0], 1e-6f);
        Assert.Equal(20, store.Counters[Op.ProgrammingPulse]); // counters start at zero after construction
    }

    [Fact]
    public void UpdateOnSingleDeviceWithReference()
    {
        var p = QuietSoft with { Model = PulsedModel.ConstantStep };
        var store = new DeviceSynapseStore(2, n => new PulsedDeviceArray(n, p, 1), SynapseStoreOptions.Default with { Mapping = WeightMapping.SingleWithReference });
        store.Update(1, 7 * store.PulseWeight);
        Assert.Equal(7 * store.PulseWeight, store.Weights[1], 1e-5f);
        store.Update(1, -3 * store.PulseWeight);
        Assert.Equal(4 * store.PulseWeight, store.Weights[1], 1e-5f);
    }

    [Fact]
    public void StochasticTranslationsAreUnbiased()
    {
        foreach (var tr in new[] { PulseTranslation.StochasticRounding, PulseTranslation.StochasticTrain })
        {
            var p = QuietSoft with { Model = PulsedModel.ConstantStep, DwMin = 1e-4f };
            int n = 4000;
            var store = new DeviceSynapseStore(n, k => new PulsedDeviceArray(k, p, 2), SynapseStoreOptions.Default with { Translation = tr, Seed = 3 });
            float dw = 2.4f * store.PulseWeight;
            for (int s = 0; s < n; s++) store.Update(s, dw);
            double mean = store.Weights.ToArray().Average();
            Assert.InRange(mean, dw * 0.95, dw * 1.05);
        }
    }

    [Fact]
    public void StdpStyleRuleRunsUnchangedOnDeviceStore()
    {
        // The same rule code on the ideal store and the device store drives weights the same way.
        static void Rule(ISynapseStore s)
        {
            for (int t = 0; t < 50; t++) { s.Update(0, 0.01f); s.Update(1, -0.01f); }
        }
        var ideal = new IdealSynapseStore(2, -1, 1);
        var dev = new DeviceSynapseStore(2, n => new PulsedDeviceArray(n, PulsedPresets.GokmenVlasov2016, 5), SynapseStoreOptions.Default with { MaxWeight = 1 });
        // Device-to-device variation of the bounds gives each synapse an offset at "weight 0"; compare changes.
        float d0 = dev.Weights[0], d1 = dev.Weights[1];
        Rule(ideal); Rule(dev);
        Assert.True(dev.Weights[0] - d0 > 0.05f && ideal.Weights[0] > 0.2f);
        Assert.True(dev.Weights[1] - d1 < -0.05f && ideal.Weights[1] < -0.2f);
    }

    [Fact]
    public void PcmDifferentialPairRefreshesAndMultiDeviceArbitrates()
    {
        var p = PcmPresets.Joshi2020;
        var store = new DeviceSynapseStore(1, n => new PcmDeviceArray(n, p, 8), SynapseStoreOptions.Default with { DevicesPerGroup = 3, RefreshThreshold = 0.8f });
        for (int k = 0; k < 200; k++) store.Update(0, store.PulseWeight);
        Assert.True(store.Weights[0] > 0.3f);
        // Arbitration spread the pulses: every G+ device got some.
        for (int k = 0; k < 3; k++) Assert.True(store.Devices.State[k] > 2e-6f);
        // Now drive negative: the G- group grows and eventually a refresh happens.
        for (int k = 0; k < 2000; k++) store.Update(0, -store.PulseWeight);
        Assert.True(store.Weights[0] < 0);
        Assert.True(store.Refreshes > 0);
        var r = new float[1];
        store.ReadWeights(86400, r);
        Assert.True(Math.Abs(r[0]) < Math.Abs(store.Weights[0]) * 1.2f);
    }

    [Fact]
    public void SingleWithReferenceRejectsPcm()
    {
        Assert.Throws<ArgumentException>(() => new DeviceSynapseStore(1, n => new PcmDeviceArray(n, PcmPresets.Joshi2020, 1), SynapseStoreOptions.Default with { Mapping = WeightMapping.SingleWithReference }));
    }
}

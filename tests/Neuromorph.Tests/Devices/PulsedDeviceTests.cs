using Neuromorph.Devices;
using Neuromorph.Numerics;

namespace Neuromorph.Tests.Devices;

public class DeviceRandomTests
{
    [Fact]
    public void VectorPhiloxMatchesScalarCounterRandom()
    {
        for (uint i = 0; i < 50; i++)
        {
            uint step = i * 7919u;
            var (u0, u1, _, _) = CounterRandom.Uniform4(42, 123, i, step);
            var (v0, v1) = DeviceRandom.Uniform16(42, 123, System.Runtime.Intrinsics.Vector512.Create(i), System.Runtime.Intrinsics.Vector512.Create(step));
            Assert.Equal(u0, System.Runtime.Intrinsics.Vector512.ToScalar(v0));
            Assert.Equal(u1, System.Runtime.Intrinsics.Vector512.ToScalar(v1));
            float z = DeviceRandom.Normal(42, 123, i, step);
            float zRef = MathF.Sqrt(-2f * MathF.Log(u0)) * MathF.Cos(2f * MathF.PI * u1);
            Assert.Equal(zRef, z, 1e-4f);
        }
    }

    [Fact]
    public void NormalsHaveUnitMomentsAndDependOnSeed()
    {
        var a = new float[200_000];
        DeviceRandom.FillNormal(a, 7, 1, 0, 3);
        double m = a.Average(x => (double)x), v = a.Average(x => (double)x * x) - m * m;
        Assert.InRange(m, -0.01, 0.01);
        Assert.InRange(v, 0.98, 1.02);
        var b = new float[16];
        DeviceRandom.FillNormal(b, 8, 1, 0, 3);
        Assert.NotEqual(a[0], b[0]);
    }
}

public class PulsedDeviceTests
{
    private static PulsedDeviceParams Quiet(PulsedDeviceParams p) => p with { DwMinDtod = 0, UpDownDtod = 0, WMinDtod = 0, WMaxDtod = 0, DwMinStd = 0, GammaDtod = 0 };

    public static TheoryData<PulsedModel> Models => new(Enum.GetValues<PulsedModel>());

    private static PulsedDeviceParams ForModel(PulsedModel m) => m switch
    {
        PulsedModel.ConstantStep => PulsedPresets.GokmenVlasov2016,
        PulsedModel.LinearStep => PulsedPresets.EcRamVanDeBurgt2017 with { GammaUp = 0.5f, GammaDown = 0.5f },
        PulsedModel.SoftBounds => PulsedPresets.SoftBoundsReRam,
        PulsedModel.ExpStep => PulsedPresets.ReRamGong2018 with { WriteNoiseStd = 0, DwMinStd = 0.3f, AdditiveNoise = false },
        PulsedModel.PowStep => PulsedPresets.PowStepDefault,
        _ => PulsedPresets.GokmenVlasov2016 with { Model = PulsedModel.Piecewise, PiecewiseUp = [1.5f, 1f, 0.5f], PiecewiseDown = [0.5f, 1f, 1.5f] },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void StaysWithinBoundsAndNoiseFreeStepsAreMonotone(PulsedModel model)
    {
        var p = ForModel(model) with { DwMin = 0.02f };
        var a = new PulsedDeviceArray(64, p, 11);
        for (int k = 0; k < 300; k++)
        {
            a.PulseAll(k < 150 ? +1 : -1);
            for (int i = 0; i < a.Count; i++)
                Assert.InRange(a.State[i], a.LowerBounds[i], a.UpperBounds[i]);
        }
        // Noise-free: each up pulse never decreases w, each down pulse never increases it.
        var q = new PulsedDeviceArray(8, Quiet(ForModel(model)) with { DwMin = 0.02f }, 3);
        for (int k = 0; k < 200; k++)
        {
            float before = q.State[0];
            q.ApplyPulses(0, +1);
            Assert.True(q.State[0] >= before, $"{model}: up pulse lowered w at step {k}");
        }
        for (int k = 0; k < 200; k++)
        {
            float before = q.State[0];
            q.ApplyPulses(0, -1);
            Assert.True(q.State[0] <= before, $"{model}: down pulse raised w at step {k}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void MeanStepEqualsModelExpectation(PulsedModel model)
    {
        // Identical devices (no device-to-device spread) at the same state, one noisy pulse each.
        var p = ForModel(model) with { DwMinDtod = 0, UpDownDtod = 0, WMinDtod = 0, WMaxDtod = 0, GammaDtod = 0, DwMinStd = 0.3f, Initial = 0.1f };
        int n = 40_000;
        var a = new PulsedDeviceArray(n, p, 5);
        float expected = a.MeanStep(0, 0.1f, true);
        a.PulseAll(+1);
        double mean = 0;
        for (int i = 0; i < n; i++) mean += a.State[i] - 0.1f;
        mean /= n;
        // Standard error of the mean: 0.3·s/√n ≈ 0.0015·s; allow 5 SE.
        Assert.InRange(mean, expected * (1 - 0.0075), expected * (1 + 0.0075));
        Assert.True(expected > 0);
    }

    [Fact]
    public void SoftBoundsStepShrinksLinearlyTowardBound()
    {
        var a = new PulsedDeviceArray(1, Quiet(PulsedPresets.SoftBoundsReRam), 1);
        Assert.Equal(0.002f * (1 - 0.5f), a.MeanStep(0, 0.5f, true), 1e-7f);
        Assert.Equal(0f, a.MeanStep(0, 1f, true), 1e-9f);
        Assert.Equal(0.002f * (1 - 0.5f), a.MeanStep(0, -0.5f, false), 1e-7f);
    }

    [Fact]
    public void DeviceToDeviceSpreadMatchesConfiguration()
    {
        var a = new PulsedDeviceArray(100_000, PulsedPresets.GokmenVlasov2016 with { UpDownDtod = 0 }, 9);
        var rel = a.StepUp.ToArray().Select(x => x / 0.001).ToArray();
        double m = rel.Average(), sd = Math.Sqrt(rel.Average(x => (x - m) * (x - m)));
        Assert.InRange(m, 0.99, 1.01);
        Assert.InRange(sd, 0.29, 0.31);
        var hi = a.UpperBounds.ToArray().Select(x => x / 0.6).ToArray();
        double mh = hi.Average(), sh = Math.Sqrt(hi.Average(x => (x - mh) * (x - mh)));
        Assert.InRange(sh, 0.29, 0.31);
    }

    [Fact]
    public void SameSeedSameDevicesAndChunkingDoesNotMatter()
    {
        var p = PulsedPresets.GokmenVlasov2016;
        var a = new PulsedDeviceArray(200_000, p, 77);
        var b = new PulsedDeviceArray(200_000, p, 77);
        var c = new PulsedDeviceArray(200_000, p, 78);
        Assert.True(a.StepUp.SequenceEqual(b.StepUp));
        Assert.False(a.StepUp.SequenceEqual(c.StepUp));
        // a: bulk parallel pulses; b: device by device in reverse order.
        for (int k = 0; k < 3; k++) a.PulseAll(+1);
        for (int i = b.Count - 1; i >= 0; i -= 997) b.ApplyPulses(i, 3);
        for (int i = b.Count - 1; i >= 0; i -= 997) Assert.Equal(a.State[i], b.State[i]);
    }

    [Fact]
    public void FaultsStuckFractionsAndEndurance()
    {
        var p = PulsedPresets.GokmenVlasov2016 with { StuckAtMinFraction = 0.1f, StuckAtMaxFraction = 0.05f, Endurance = 10 };
        var a = new PulsedDeviceArray(50_000, p, 2);
        int stuckMin = 0, stuckMax = 0;
        for (int i = 0; i < a.Count; i++)
        {
            if (a.State[i] == a.LowerBounds[i] && a.IsFaulty(i)) stuckMin++;
            if (a.State[i] == a.UpperBounds[i] && a.IsFaulty(i)) stuckMax++;
        }
        Assert.InRange(stuckMin / 50_000.0, 0.09, 0.11);
        Assert.InRange(stuckMax / 50_000.0, 0.045, 0.055);
        int healthy = Enumerable.Range(0, a.Count).First(i => !a.IsFaulty(i));
        a.ApplyPulses(healthy, 10);
        float w = a.State[healthy];
        a.ApplyPulses(healthy, 5);
        Assert.Equal(w, a.State[healthy]);
        Assert.True(a.IsFaulty(healthy));
    }

    [Fact]
    public void FiniteLevelsQuantiseAndRetentionRelaxes()
    {
        var p = Quiet(PulsedPresets.GokmenVlasov2016) with { Levels = 5, DwMin = 0.2f, RetentionTau = 10, RetentionLevel = 0f };
        var a = new PulsedDeviceArray(1, p, 1);
        a.ApplyPulses(0, 1);
        Assert.Equal(0.3f, a.State[0], 1e-6f); // levels at -0.6, -0.3, 0, 0.3, 0.6
        var r = new PulsedDeviceArray(1, Quiet(PulsedPresets.GokmenVlasov2016) with { RetentionTau = 10, Initial = 0.5f }, 1);
        r.Relax(10);
        Assert.Equal(0.5f * MathF.Exp(-1), r.State[0], 1e-6f);
    }

    [Fact]
    public void BadParametersFailWithTheirName()
    {
        var e = Assert.Throws<ArgumentException>(() => new PulsedDeviceArray(1, PulsedPresets.GokmenVlasov2016 with { WMin = 1, WMax = 0.5f }, 1));
        Assert.Contains("WMin", e.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => new PulsedDeviceArray(1, PulsedPresets.GokmenVlasov2016 with { DwMin = -1 }, 1));
        Assert.Contains("DwMin", e2.Message);
    }

    [Fact]
    public void ThroughputMeasureReturnsConsistentRate()
    {
        var r = DeviceThroughput.Measure(100_000, 2);
        Assert.Equal(200_000, (int)(r.UpdatesPerSecond * r.Seconds + 0.5));
    }
}

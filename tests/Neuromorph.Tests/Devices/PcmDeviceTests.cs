using Neuromorph.Devices;

namespace Neuromorph.Tests.Devices;

public class PcmDeviceTests
{
    private const double Hour = 3600, Day = 86400, Year = 365.25 * 86400;

    [Theory]
    [InlineData(1.0)]
    [InlineData(Hour)]
    [InlineData(Day)]
    [InlineData(Year)]
    public void DriftMeanFactorMatchesClosedForm(double t)
    {
        var p = PcmPresets.Joshi2020;
        int n = 50_000;
        var a = new PcmDeviceArray(n, p, 4);
        float g0 = 20e-6f;
        for (int i = 0; i < n; i++) a.Program(i, g0);
        var programmed = a.State.ToArray();
        var d = new float[n];
        a.Drifted(t, d);
        double mean = 0;
        for (int i = 0; i < n; i++) mean += d[i] / programmed[i];
        mean /= n;
        // ν depends on the programmed state; use the mean closed form over the programmed states.
        double closed = programmed.Average(g => PcmStatistics.MeanDriftFactor(g / p.GMax, t, p.DriftT0));
        Assert.InRange(mean, closed * 0.998, closed * 1.002);
        if (t > p.DriftT0) Assert.True(mean < 1);
        else Assert.Equal(1.0, mean, 1e-6);
    }

    [Fact]
    public void DriftExponentStatisticsFollowTheFits()
    {
        var p = PcmPresets.Joshi2020;
        var a = new PcmDeviceArray(40_000, p, 5);
        for (int i = 0; i < a.Count; i++) a.Program(i, 2.5e-6f);   // ĝ ≈ 0.1
        var nu = Enumerable.Range(0, a.Count).Select(a.DriftExponent).ToArray();
        double gHat = 0.1, m = nu.Average(), s = Math.Sqrt(nu.Average(x => (x - m) * (x - m)));
        // Programming noise moves ĝ a little; the fits are smooth, so allow a few per cent.
        Assert.InRange(m, PcmStatistics.DriftMean(gHat) * 0.97, PcmStatistics.DriftMean(gHat) * 1.03);
        Assert.InRange(s, PcmStatistics.DriftStd(gHat) * 0.9, PcmStatistics.DriftStd(gHat) * 1.15);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(100.0)]
    [InlineData(Day)]
    public void ReadNoiseSigmaGrowsWithLogTimeAsSpecified(double t)
    {
        var p = PcmPresets.Joshi2020;
        int n = 40_000;
        var a = new PcmDeviceArray(n, p, 6);
        for (int i = 0; i < n; i++) a.Program(i, 10e-6f);
        var d = new float[n]; var r = new float[n];
        a.Drifted(t, d);
        a.Read(t, r, 1);
        var rel = Enumerable.Range(0, n).Select(i => (double)(r[i] - d[i]) / d[i]).ToArray();
        double sd = Math.Sqrt(rel.Average(x => x * x));
        double expected = a.State.ToArray().Select(g => PcmStatistics.ReadNoiseRelative(g / p.GMax, t, p.ReadPulse))
            .Select(x => x * x).Average();
        expected = Math.Sqrt(expected);
        Assert.InRange(sd, expected * 0.97, expected * 1.03);
        // and it is σ ∝ √ln(t/2t_read): ratio between 1 s and 1 day
        double ratio = PcmStatistics.ReadNoiseRelative(0.4, Day, p.ReadPulse) / PcmStatistics.ReadNoiseRelative(0.4, 1, p.ReadPulse);
        Assert.Equal(Math.Sqrt(Math.Log((Day + 250e-9) / 500e-9) / Math.Log((1 + 250e-9) / 500e-9)), ratio, 1e-9);
    }

    [Fact]
    public void DeviceToDeviceSpreadsOfSetStepAndSaturationAreAsConfigured()
    {
        // Δw_min,i = Δw_min(1 + 0.2ξ) and w_sat,i = 2(1 + 0.1ξ): recover both per device from the
        // noise-free prediction and compare the relative spreads with the configured ones.
        var p = PcmPresets.Joshi2020;
        const int n = 10000;
        var a = new PcmDeviceArray(n, p, 11);
        double scale = p.GMax / 2;
        var step = new double[n];
        var sat = new double[n];
        for (int i = 0; i < n; i++)
        {
            double w = a.State[i] / scale;
            step[i] = a.ExpectedChange(i, 1) / scale / a.MeanSetStep(1, w);
            sat[i] = (a.State[i] + a.ExpectedChange(i, 3000)) / scale; // 3000 steps of ≥ Δw_min(1 − 0.2·4.5) reach any w_sat
        }
        static (double Mean, double Sd) Stats(double[] x)
        {
            double m = x.Average();
            return (m, Math.Sqrt(x.Sum(v => (v - m) * (v - m)) / (x.Length - 1)));
        }
        var (ms, ss) = Stats(step);
        var (mw, sw) = Stats(sat);
        Assert.InRange(ms / p.SetStep, 0.99, 1.01);
        Assert.InRange(ss / ms, p.SetStepDtod * 0.95, p.SetStepDtod * 1.05);
        Assert.InRange(mw / 2, 0.995, 1.005);
        Assert.InRange(sw / mw, p.SaturationDtod * 0.95, p.SaturationDtod * 1.05);
    }

    [Fact]
    public void ProgrammingNoiseHasTheFittedSigma()
    {
        var p = PcmPresets.Joshi2020;
        var a = new PcmDeviceArray(40_000, p, 7);
        for (int i = 0; i < a.Count; i++) a.Program(i, 12.5e-6f);
        var g = a.State.ToArray().Select(x => x * 1e6).ToArray();
        double m = g.Average(), s = Math.Sqrt(g.Average(x => (x - m) * (x - m)));
        double expected = PcmStatistics.ProgrammingSigmaMicroSiemens(0.5);
        Assert.InRange(s, expected * 0.97, expected * 1.03);
        Assert.InRange(m, 12.5 - 0.03, 12.5 + 0.03);
    }

    [Fact]
    public void SetIsAccumulativeAndSaturatingResetIsAbrupt()
    {
        var p = PcmPresets.Joshi2020 with { SetNoise = 0, SetStepDtod = 0, SaturationDtod = 0, ResetStd = 0 };
        var a = new PcmDeviceArray(1, p, 1);
        float prevStep = float.MaxValue, prev = a.State[0];
        for (int k = 0; k < 30; k++)
        {
            a.ApplyPulses(0, 1);
            float step = a.State[0] - prev;
            Assert.True(step > 0 && step <= prevStep * 1.0001f, $"pulse {k}: step {step} after {prevStep}");
            prevStep = step; prev = a.State[0];
        }
        Assert.True(a.State[0] > 0.5 * p.GMax);
        a.ApplyPulses(0, -1);
        Assert.Equal(p.ResetLevel * p.GMax / 2, a.State[0], 1e-12);
    }
}

public class PcmClockTests
{
    [Fact]
    public void EachDeviceDriftsFromItsOwnProgrammingTime()
    {
        var p = PcmPresets.Joshi2020 with { SetNoise = 0 };
        var a = new PcmDeviceArray(2, p, 1);
        a.Program(0, 20e-6f);
        a.Now = 3600;
        a.Program(1, 20e-6f);
        var g = a.State.ToArray();
        var r = new float[2];
        a.Now = 7200;
        a.ReadAt(7200, r);
        var d0 = new float[2]; var d1 = new float[2];
        a.Drifted(7200, d0);   // uniform-age helper: age 7200 s for every device
        a.Drifted(3600, d1);   // age 3600 s
        // Reads include read noise: compare with σ-wide tolerance.
        double s0 = d0[0] * PcmStatistics.ReadNoiseRelative(g[0] / p.GMax, 7200, p.ReadPulse);
        double s1 = d1[1] * PcmStatistics.ReadNoiseRelative(g[1] / p.GMax, 3600, p.ReadPulse);
        Assert.InRange(r[0], d0[0] - 5 * s0, d0[0] + 5 * s0);
        Assert.InRange(r[1], d1[1] - 5 * s1, d1[1] + 5 * s1);
        Assert.Equal(3600, a.ProgrammedAt(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Now = 10);
    }

    [Fact]
    public void ReadNoiseIsFiniteRightAfterProgramming()
    {
        var a = new PcmDeviceArray(10, PcmPresets.Joshi2020, 2);
        for (int i = 0; i < 10; i++) a.Program(i, 10e-6f);
        var r = new float[10];
        a.Read(0, r);
        Assert.All(r, x => Assert.True(float.IsFinite(x)));
        Assert.Equal(0, PcmStatistics.ReadNoiseRelative(0.5, 0, 250e-9));
    }

    [Fact]
    public void StoreReadsDriftFromEachRefresh()
    {
        var store = new DeviceSynapseStore(1, n => new FaultyDevices(new PcmDeviceArray(n, PcmPresets.Joshi2020, 3), new FaultParams(), 1), SynapseStoreOptions.Default);
        store.Set(0, 0.5f);
        store.Now = 1000;
        var r = new float[1];
        store.ReadWeights(1000 + 86400, r);
        Assert.True(r[0] < store.Weights[0]);      // drifted toward zero after a day
        Assert.True(r[0] > 0.6f * store.Weights[0]);
        Assert.Equal(1000, store.Now);
    }
}

public class PcmReadDeterminismTests
{
    [Fact]
    public void ReadNoiseIsKeyedByDeviceAndReadIndex()
    {
        var p = PcmPresets.Joshi2020;
        var a = new PcmDeviceArray(37, p, 5);
        for (int i = 0; i < a.Count; i++) a.Program(i, 12e-6f);
        var r1 = new float[37]; var r2 = new float[37]; var r3 = new float[37]; var d = new float[37];
        a.Read(3600, r1, 7); a.Read(3600, r2, 7); a.Read(3600, r3, 8); a.Drifted(3600, d);
        Assert.True(r1.SequenceEqual(r2));
        Assert.False(r1.SequenceEqual(r3));
        for (int i = 0; i < 37; i++)
        {
            double sigma = d[i] * PcmStatistics.ReadNoiseRelative(a.State[i] / p.GMax, 3600, p.ReadPulse);
            Assert.Equal(d[i] + sigma * DeviceRandom.Normal(5, Neuromorph.Numerics.Philox.ComponentId("pcm.read"), (uint)i, 7), r1[i], 1e-12);
        }
    }
}

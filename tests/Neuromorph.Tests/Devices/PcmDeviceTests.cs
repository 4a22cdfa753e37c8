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

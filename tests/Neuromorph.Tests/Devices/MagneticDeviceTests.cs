using Neuromorph.Devices;

namespace Neuromorph.Tests.Devices;

public class StnoTests
{
    private static readonly StnoParams P = StnoPresets.VortexTorrejon2017;

    [Theory]
    [InlineData(1.5)]
    [InlineData(3.0)]
    public void SteadyStatePowerIsZetaMinusOneOverZetaPlusQ(double zeta)
    {
        var a = new StnoArray(1, P);
        double i = zeta * P.ThresholdCurrent, dt = 1e-11;
        double[] cur = [i];
        for (int k = 0; k < 200_000; k++) a.Step(cur, dt, k * dt);
        Assert.Equal((zeta - 1) / (zeta + P.Q), a.Power(0), 1e-4);
        Assert.Equal(P.SteadyPower(i), a.Power(0), 1e-4);
    }

    [Fact]
    public void SilentBelowThreshold()
    {
        var a = new StnoArray(1, P);
        a.SetState(0, 0.1, 0);
        double[] cur = [0.8 * P.ThresholdCurrent];
        for (int k = 0; k < 100_000; k++) a.Step(cur, 1e-10);
        Assert.True(a.Power(0) < 1e-12);
    }

    [Fact]
    public void PowerRelaxesAtTwoGammaZetaMinusOne()
    {
        double zeta = 2, i = zeta * P.ThresholdCurrent, p0 = P.SteadyPower(i), dt = 1e-11;
        var a = new StnoArray(1, P);
        a.SetState(0, p0 * 1.02, 0);
        double[] cur = [i];
        double d0 = a.Power(0) - p0;
        double tEnd = 1.0 / P.PowerRelaxationRate(i);
        int steps = (int)Math.Round(tEnd / dt);
        for (int k = 0; k < steps; k++) a.Step(cur, dt);
        double rate = -Math.Log((a.Power(0) - p0) / d0) / (steps * dt);
        Assert.InRange(rate, P.PowerRelaxationRate(i) * 0.97, P.PowerRelaxationRate(i) * 1.03);
    }

    [Fact]
    public void FrequencyIncludesNonlinearShiftAndInjectionLocks()
    {
        double i = 2 * P.ThresholdCurrent, p0 = P.SteadyPower(i), dt = 2e-11;
        var a = new StnoArray(1, P);
        a.SetState(0, p0, 0);
        double[] cur = [i];
        int n = 50_000;
        double unwrapped = 0, prev = a.Phase(0);
        for (int k = 0; k < n; k++)
        {
            a.Step(cur, dt, k * dt);
            double ph = a.Phase(0), d = ph - prev;
            d -= 2 * Math.PI * Math.Round(d / (2 * Math.PI));
            unwrapped += d; prev = ph;
        }
        double omega = -unwrapped / (n * dt);
        Assert.InRange(omega, P.Frequency(i) * 0.999, P.Frequency(i) * 1.001);

        // Drive 1 % away from the free frequency, strong enough to lock: the oscillator follows the drive.
        double we = P.Frequency(i) * 1.01;
        var b = new StnoArray(1, P);
        b.SetState(0, p0, 0);
        unwrapped = 0; prev = b.Phase(0);
        for (int k = 0; k < 2 * n; k++)
        {
            b.Step(cur, dt, k * dt, driveAmplitude: 0.05 * P.Omega0 * Math.Sqrt(p0), driveOmega: we);
            double ph = b.Phase(0), d = ph - prev;
            d -= 2 * Math.PI * Math.Round(d / (2 * Math.PI));
            if (k >= n) unwrapped += d;
            prev = ph;
        }
        double locked = -unwrapped / (n * dt);
        Assert.InRange(locked, we * 0.9995, we * 1.0005);
    }

    [Fact]
    public void ThermalNoiseBroadensButKeepsMeanPower()
    {
        var p = P with { ThermalRatio = 1e-3 };
        var a = new StnoArray(200, p, 3);
        double i = 2 * p.ThresholdCurrent;
        var cur = Enumerable.Repeat(i, 200).ToArray();
        for (int k = 0; k < 60_000; k++) a.Step(cur, 1e-11);
        var pw = Enumerable.Range(0, 200).Select(a.Power).ToArray();
        Assert.InRange(pw.Average(), p.SteadyPower(i) * 0.95, p.SteadyPower(i) * 1.05);
        Assert.True(pw.Max() - pw.Min() > 1e-4);
    }

    [Fact]
    public void RejectsNegativeDamping()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new StnoArray(1, P with { GammaG = -1 }));
        Assert.Contains("GammaG", e.Message);
    }
}

public class MtjTests
{
    [Theory]
    [InlineData(0.8, 10e-9)]
    [InlineData(0.9, 5e-9)]
    [InlineData(1.1, 1e-9)]
    public void SwitchingProbabilityIsOneMinusExpOfTOverTau(double iOverIc, double width)
    {
        var p = MtjPresets.Vincent2015;
        double current = iOverIc * p.CriticalCurrent;
        var a = new MtjArray(50_000, p, current, width, 12);
        double expected = 1 - Math.Exp(-width / (p.Tau0 * Math.Exp(p.Delta * (1 - iOverIc))));
        Assert.Equal(expected, a.PulseProbability, 1e-12);
        for (int d = 0; d < a.Count; d++) a.ApplyPulses(d, 1);
        double frac = Enumerable.Range(0, a.Count).Count(a.IsParallel) / (double)a.Count;
        double se = Math.Sqrt(expected * (1 - expected) / a.Count);
        Assert.InRange(frac, expected - 5 * se - 1e-9, expected + 5 * se + 1e-9);
    }

    [Fact]
    public void TelegraphDwellTimesAreExponentialWithModelRates()
    {
        var p = MtjPresets.SuperparamagneticMizrahi2018;
        var a = new TelegraphJunctionArray(400, p, 21);
        double current = 5e-6, dt = 2e-6;
        double tauP = a.DwellParallel(current), tauAp = a.DwellAntiparallel(current);
        var dwellP = new List<double>(); var dwellAp = new List<double>();
        var since = new int[a.Count]; var state = Enumerable.Range(0, a.Count).Select(a.IsParallel).ToArray();
        var seen = new bool[a.Count];
        for (int k = 0; k < 10_000; k++)
        {
            a.Step(current, dt);
            for (int i = 0; i < a.Count; i++)
            {
                since[i]++;
                if (a.IsParallel(i) != state[i])
                {
                    if (seen[i]) (state[i] ? dwellP : dwellAp).Add(since[i] * dt);
                    seen[i] = true; since[i] = 0; state[i] = a.IsParallel(i);
                }
            }
        }
        // Discrete steps give a geometric distribution with mean dt/(1 − e^(−dt/τ)).
        double meanP = dt / -double.ExpM1(-dt / tauP), meanAp = dt / -double.ExpM1(-dt / tauAp);
        Assert.True(dwellP.Count > 2000 && dwellAp.Count > 2000);
        Assert.InRange(dwellP.Average(), meanP * 0.95, meanP * 1.05);
        Assert.InRange(dwellAp.Average(), meanAp * 0.95, meanAp * 1.05);
        Assert.True(tauP > tauAp); // positive current stabilises P
        // Exponential: P(T > mean) ≈ e^(−1); coefficient of variation ≈ 1.
        double frac = dwellP.Count(x => x > meanP) / (double)dwellP.Count;
        Assert.InRange(frac, Math.Exp(-1) - 0.03, Math.Exp(-1) + 0.03);
        double sd = Math.Sqrt(dwellP.Average(x => (x - dwellP.Average()) * (x - dwellP.Average())));
        Assert.InRange(sd / dwellP.Average(), 0.9, 1.1);
    }

    [Theory]
    [InlineData(-1.5)]
    [InlineData(0.0)]
    [InlineData(0.7)]
    public void PBitMeanIsTanh(double input)
    {
        int n = 100_000;
        double sum = 0;
        for (int k = 0; k < n; k++) sum += PBit.Sample(input, 5, 3, (ulong)k);
        double mean = sum / n, se = Math.Sqrt((1 - Math.Tanh(input) * Math.Tanh(input)) / n);
        Assert.InRange(mean, Math.Tanh(input) - 5 * se, Math.Tanh(input) + 5 * se);
    }

    [Fact]
    public void MtjSynapseWorksBehindTheStore()
    {
        var p = MtjPresets.Vincent2015;
        var store = new DeviceSynapseStore(2000, n => new MtjArray(n, p, 1.0 * p.CriticalCurrent, 2e-9, 4), SynapseStoreOptions.Default with { RefreshThreshold = 0 });
        float dw = store.PulseWeight;
        for (int s = 0; s < store.Count; s++) store.Update(s, dw);
        double mean = store.Weights.ToArray().Average();
        Assert.InRange(mean, dw * 0.85, dw * 1.15);
    }
}

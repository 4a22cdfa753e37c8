using Neuromorph.Devices;

namespace Neuromorph.Tests.Devices;

public class MoreDeviceTests
{
    [Fact]
    public void FtjSwitchingIsCumulativeAndVoltageDependent()
    {
        var p = FtjPresets.BiFeO3Boyn2017;
        // Cumulative: two pulses of width t equal one pulse of width 2t.
        double s2 = p.Advance(p.Advance(0, 3, 10e-9), 3, 10e-9), s1 = p.Advance(0, 3, 20e-9);
        Assert.Equal(s1, s2, 1e-12);
        // KAI closed form from the OFF state.
        Assert.Equal(1 - Math.Exp(-Math.Pow(20e-9 / p.SwitchingTime(3), 2)), s1, 1e-12);
        // Voltage dependence: a higher voltage switches more in the same time.
        Assert.True(p.Advance(0, 3.2, 20e-9) > s1);
        Assert.True(p.Advance(0, 2.0, 20e-9) < 0.01 * s1);
        var a = new FtjArray(1, p, 3, 10e-9);
        float prev = a.State[0];
        for (int k = 0; k < 30; k++) { a.ApplyPulses(0, 1); Assert.True(a.State[0] >= prev); prev = a.State[0]; }
        Assert.InRange(a.State[0], (float)p.GOff, (float)p.GOn);
        a.ApplyPulses(0, -30);
        Assert.True(a.State[0] < prev);
        Assert.Equal(a.SwitchedFraction(0) * p.GOn + (1 - a.SwitchedFraction(0)) * p.GOff, a.State[0], 1e-12);
    }

    [Fact]
    public void VteamPinchedHysteresisShrinksWithFrequency()
    {
        var p = VteamPresets.HpTiO2;
        double Loop(double f, out double currentAtZero)
        {
            var a = new VteamArray(1, p, 0.5);
            int n = 20_000;
            double dt = 1 / (f * n), area = 0, prevV = 0, prevI = 0;
            currentAtZero = 0;
            var v = new double[1]; var i = new double[1];
            for (int cycle = 0; cycle < 3; cycle++)
                for (int k = 0; k < n; k++)
                {
                    double t = k * dt;
                    v[0] = Math.Sin(2 * Math.PI * f * t);
                    a.Step(v, dt, i);
                    if (cycle == 2)
                    {
                        // The two lobes have opposite orientation; measure the positive-voltage lobe.
                        if (v[0] >= 0 && prevV >= 0) area += 0.5 * (i[0] + prevI) * (v[0] - prevV);
                        if (k == 0 || k == n / 2) currentAtZero = Math.Max(currentAtZero, Math.Abs(i[0]));
                    }
                    prevV = v[0]; prevI = i[0];
                }
            return Math.Abs(area);
        }
        double low = Loop(100, out double i0Low), high = Loop(10_000, out double i0High);
        Assert.Equal(0, i0Low, 1e-15);   // pinched at the origin
        Assert.Equal(0, i0High, 1e-15);
        Assert.True(low > 1e-6, $"loop area {low}");
        Assert.True(high < 0.2 * low, $"loop area at 10 kHz {high} vs 100 Hz {low}");
    }

    [Fact]
    public void VteamNoChangeBetweenThresholds()
    {
        var a = new VteamArray(1, VteamPresets.HpTiO2, 0.3);
        var v = new[] { 0.25 }; var i = new double[1];
        for (int k = 0; k < 100; k++) a.Step(v, 1e-4, i);
        Assert.Equal(0.3, a.State(0), 1e-15);
    }

    [Fact]
    public void PhaseChangeNeuronIntegratesAndFiresStochastically()
    {
        var p = PhaseChangeNeuronPresets.Tuma2016;
        var a = new PhaseChangeNeuronArray(1, p, 9);
        var isi = new List<int>();
        int count = 0;
        for (int k = 0; k < 20_000; k++)
        {
            count++;
            if (a.Pulse(0)) { isi.Add(count); count = 0; }
        }
        double mean = isi.Average(), sd = Math.Sqrt(isi.Average(x => (x - mean) * (x - mean)));
        Assert.InRange(mean, 1 / p.GrowthPerPulse, 1 / p.GrowthPerPulse + 1.5); // ≈ u₀/Δ rounded up
        Assert.True(sd > 0.5, $"interspike intervals should vary (sd {sd})");
        // Stronger pulses: faster firing.
        var b = new PhaseChangeNeuronArray(1, p, 9);
        int fired = 0;
        for (int k = 0; k < 20_000; k++) if (b.Pulse(0, 1.5)) fired++;
        Assert.True(fired > isi.Count * 1.3);
    }
}

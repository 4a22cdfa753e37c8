using Neuromorph.Devices;
using Neuromorph.Reservoir;

namespace Neuromorph.Tests.Reservoir;

public class StnoReservoirTests
{
    [Fact]
    public void AmplitudeSettlesToTheOscillatorsSteadyStateForTheMaskedCurrent()
    {
        // θ = 400 ns ≫ 1/Γ_p ≈ 26 ns: each virtual node reads the steady amplitude √p₀(I) of its own current.
        var osc = StnoPresets.VortexTorrejon2017;
        var p = new StnoReservoirParameters { Oscillator = osc, BiasCurrent = 6e-3, CurrentScaling = 1.5e-3, Step = 1e-9 };
        var mux = new DelayReservoirParameters { VirtualNodes = 6, Theta = 400e-9, InputScaling = 1, Mask = MaskKind.Uniform };
        var r = new StnoReservoir(p, mux, 1, 3);
        var s = new float[6];
        r.Run([0.8f], 1, s);
        var m = (float[])r.GetType().GetField("_mask", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(r)!;
        for (int i = 0; i < 6; i++)
        {
            double current = 6e-3 + 1.5e-3 * m[i] * 0.8;
            Assert.Equal(Math.Sqrt(osc.SteadyPower(current)), s[i], 3);
        }
    }

    [Fact]
    public void RedundantOscillatorsAverageAwayThermalNoise()
    {
        var osc = StnoPresets.VortexTorrejon2017 with { ThermalRatio = 5e-3 };
        var mux = new DelayReservoirParameters { VirtualNodes = 50, Theta = 20e-9, InputScaling = 1 };
        double Spread(int redundancy)
        {
            var r = new StnoReservoir(new StnoReservoirParameters { Oscillator = osc, CurrentScaling = 0, Redundancy = redundancy }, mux, 1, 5);
            var s = new float[20 * 50];
            r.Run(new float[20], 20, s);
            double mean = s.Average(v => (double)v);
            return Math.Sqrt(s.Average(v => (v - mean) * (v - mean)));
        }
        double one = Spread(1), sixteen = Spread(16);
        Assert.True(one > 1e-3, $"thermal noise should move the amplitude (sd {one:G3})");
        Assert.InRange(sixteen / one, 0.12, 0.45);   // ≈ 1/√16 = 0.25
    }

    [Fact]
    public void ThetaMustBeAWholeNumberOfOscillatorSteps()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new StnoReservoir(new StnoReservoirParameters { Step = 3e-9 }, new DelayReservoirParameters { VirtualNodes = 4, Theta = 20e-9 }, 1, 1));
        Assert.Contains("whole multiple", e.Message);
    }
}

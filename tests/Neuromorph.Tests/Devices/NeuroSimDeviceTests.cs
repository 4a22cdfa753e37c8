using Neuromorph.Devices;

namespace Neuromorph.Tests.Devices;

public class NeuroSimDeviceTests
{
    [Theory]
    [InlineData(0.01, 126.268958)]
    [InlineData(1.0, 1.2517)]
    [InlineData(2.4, 0.4992)]
    [InlineData(4.88, 0.2003)]
    [InlineData(9.0, 0.0228)]
    public void NormalizedAMatchesNeuroSimTable(double nl, double tableA)
    {
        Assert.InRange(NeuroSimParams.NormalizedA(nl), tableA * 0.99, tableA * 1.01);
        Assert.InRange(NeuroSimParams.NormalizedA(-nl), -tableA * 1.01, -tableA * 0.99);
    }

    public static TheoryData<string> Presets => new("AgASi", "TaOxHfOx", "Pcmo", "AlOxHfO2", "EpiRam");

    private static NeuroSimParams Get(string name) => name switch
    {
        "AgASi" => NeuroSimPresets.AgASi,
        "TaOxHfOx" => NeuroSimPresets.TaOxHfOx,
        "Pcmo" => NeuroSimPresets.Pcmo,
        "AlOxHfO2" => NeuroSimPresets.AlOxHfO2,
        _ => NeuroSimPresets.EpiRam,
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void PMaxPulsesReachGMaxAndBack(string name)
    {
        var p = Get(name) with { CycleToCycle = 0 };
        var a = new NeuroSimDeviceArray(1, p, 1);
        float prev = a.State[0];
        for (int k = 0; k < p.LevelsLtp; k++)
        {
            a.ApplyPulses(0, 1);
            Assert.True(a.State[0] >= prev);
            prev = a.State[0];
        }
        Assert.Equal(p.GMax, a.State[0], p.GMax * 1e-5);
        for (int k = 0; k < p.LevelsLtd; k++) a.ApplyPulses(0, -1);
        Assert.Equal(p.GMin, a.State[0], p.GMax * 1e-5);
    }

    [Fact]
    public void CurveMatchesClosedFormAtHalfway()
    {
        var p = NeuroSimPresets.AgASi with { CycleToCycle = 0 };
        var a = new NeuroSimDeviceArray(1, p, 1);
        a.ApplyPulses(0, 48);
        double A = NeuroSimParams.NormalizedA(2.4) * 97;
        double B = (p.GMax - p.GMin) / (1 - Math.Exp(-97 / A));
        Assert.Equal(B * (1 - Math.Exp(-48 / A)) + p.GMin, a.State[0], p.GMax * 1e-5);
        // Saturating LTP: the first half of the pulses covers more than half the range.
        Assert.True(a.State[0] > 0.5 * (p.GMin + p.GMax));
    }

    [Fact]
    public void CycleToCycleSpreadScalesWithSqrtPulses()
    {
        var p = NeuroSimPresets.EpiRam;
        var a = new NeuroSimDeviceArray(20_000, p, 3);
        for (int i = 0; i < a.Count; i++) a.Program(i, (float)(0.5 * (p.GMin + p.GMax)));
        var exp = a.ExpectedChange(0, 4);
        for (int i = 0; i < a.Count; i++) a.ApplyPulses(i, 4);
        var d = a.State.ToArray().Select(g => g - 0.5 * (p.GMin + p.GMax) - exp).ToArray();
        double sd = Math.Sqrt(d.Average(x => x * x));
        double expected = p.CycleToCycle * (p.GMax - p.GMin) * 2;
        Assert.InRange(sd, expected * 0.97, expected * 1.03);
        Assert.InRange(d.Average(), -expected * 0.05, expected * 0.05);
    }

    [Fact]
    public void RejectsGMinAboveGMax()
    {
        var e = Assert.Throws<ArgumentException>(() => new NeuroSimDeviceArray(1, NeuroSimPresets.AgASi with { GMin = 1e-7 }, 1));
        Assert.Contains("GMin", e.Message);
    }
}

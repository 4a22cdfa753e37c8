using Neuromorph.Figures;
using Neuromorph.Devices;
using Neuromorph.Experiments;

namespace Neuromorph.Tests.Devices;

public class CharacterizationTests
{
    public static TheoryData<string, string> Cases()
    {
        var d = new TheoryData<string, string>();
        foreach (var p in DevicePresets.All)
            foreach (var proto in p.Protocols) d.Add(p.Name, proto);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryPresetProtocolProducesFiguresAndCsv(string preset, string protocol)
    {
        var r = DeviceCharacterization.Run(preset, protocol, new CharacterizationOptions(Devices: 20, Pulses: 20, Time: 86400));
        Assert.NotEmpty(r.Figures);
        Assert.All(r.Figures, f => Assert.StartsWith(preset, f.Name));
        var lines = r.Csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 2);
        int cols = lines[0].Split(',').Length;
        Assert.All(lines.Skip(1), l => Assert.Equal(cols, l.Split(',').Length));
        foreach (var f in r.Figures.OfType<LineFigure>())
            Assert.All(f.Series, s => Assert.All(s.Y, y => Assert.True(double.IsFinite(y))));
    }

    [Fact]
    public void PulsesOnNeuroSimReachGMaxAndReturn()
    {
        var r = DeviceCharacterization.Run("neurosim-epiram", "pulses", new CharacterizationOptions(Devices: 50, Pulses: 64));
        var line = (LineFigure)r.Figures[0];
        var y = line.Series[0].Y;
        var p = NeuroSimPresets.EpiRam;
        Assert.InRange(y[64], p.GMax * 0.9, p.GMax);
        Assert.InRange(y[^1], p.GMin, p.GMin + 0.1 * (p.GMax - p.GMin));
    }

    [Fact]
    public void UnknownPresetOrProtocolFailsWithTheChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceCharacterization.Run("no-such-device", "pulses", CharacterizationOptions.Default));
        Assert.Contains("pcm-joshi-2020", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => DeviceCharacterization.Run("pcm-joshi-2020", "telegraph", CharacterizationOptions.Default));
        Assert.Contains("drift", e2.Message);
    }

    [Fact]
    public void RegistryNamesAreUniqueAndCiteSources()
    {
        var names = DevicePresets.All.Select(p => p.Name).ToArray();
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.All(DevicePresets.All, p => Assert.Matches(@"(19|20)\d\d", p.Source));
        Assert.All(DevicePresets.All, p => Assert.All(p.Protocols, pr => Assert.Contains(pr, DeviceCharacterization.Protocols)));
    }
}

using Neuromorph.Data;
using Neuromorph.Energy;

namespace Neuromorph.Tests.Energy;

public class EnergyTests
{
    private static TechnologyCatalog Bundled() => TechnologyCatalog.Load(Path.Combine(DataPaths.BundledDataDirectory!, "energy"));

    [Fact]
    public void BundledTablesHaveTheCitedValues()
    {
        var cat = Bundled();
        Assert.Equal(60e-12, cat.Get("biology").Ops[Op.Spike].Joules, 1e-24);
        Assert.Equal(26e-15, cat.Get("biology").Ops[Op.SynapticEvent].Joules, 1e-27);
        Assert.Equal(23.6e-12, cat.Get("loihi").Ops[Op.SynapticEvent].Joules, 1e-24);
        Assert.Equal(26e-12, cat.Get("truenorth").Ops[Op.SynapticEvent].Joules, 1e-24);
        Assert.Equal(5.3e-12, cat.Get("reckon").Ops[Op.SynapticEvent].Joules, 1e-24);
        Assert.Equal(4.6e-12, cat.Get("cmos45").Ops[Op.Mac].Joules, 1e-24);
        Assert.Equal(0.9e-12, cat.Get("cmos45").Ops[Op.Accumulate].Joules, 1e-24);
        Assert.All(cat.Tables, t => Assert.All(t.Ops.Values, e => Assert.False(string.IsNullOrWhiteSpace(e.Source))));
    }

    [Fact]
    public void EstimateSumsCountsTimesEnergyAndFlagsUnpricedOps()
    {
        var counts = new OpCounters();
        counts.Add(Op.Spike, 1000);
        counts.Add(Op.SynapticEvent, 50000);
        counts.Add(Op.Mac, 7);
        var est = Bundled().Get("biology").Estimate(counts, inferences: 10);
        double expected = 1000 * 60e-12 + 50000 * 26e-15;
        Assert.Equal(expected, est.TotalJoules, expected * 1e-12);
        Assert.Equal(expected / 10, est.JoulesPerInference, expected * 1e-12);
        Assert.Equal([Op.Mac], est.NotModelled);
    }

    [Fact]
    public void CountersAddAndNameOps()
    {
        var a = new OpCounters(); var b = new OpCounters();
        a.Add(Op.Spike, 3); b.Add(Op.Spike, 4); b.Add(Op.AdcConversion);
        a.Add(b);
        Assert.Equal(7, a[Op.Spike]);
        Assert.Equal(new Dictionary<string, long> { ["spike"] = 7, ["adc_conversion"] = 1 }, a.ToDictionary());
        foreach (var op in OpCounters.All) { Assert.True(OpCounters.TryParse(OpCounters.Key(op), out var back)); Assert.Equal(op, back); }
    }

    [Fact]
    public void UserTablesExtendAndMalformedTablesFailClearly()
    {
        var dir = Directory.CreateTempSubdirectory("nm-energy").FullName;
        File.WriteAllText(Path.Combine(dir, "mine.yaml"), """
            technologies:
              - name: mychip
                description: test chip
                source: my measurements
                ops:
                  spike: { energy: 2 pJ }
            """);
        var cat = TechnologyCatalog.Load(Path.Combine(DataPaths.BundledDataDirectory!, "energy"), dir);
        Assert.Equal(2e-12, cat.Get("mychip").Ops[Op.Spike].Joules, 1e-24);
        Assert.Equal("my measurements", cat.Get("mychip").Ops[Op.Spike].Source);
        Assert.True(cat.Contains("loihi"));

        File.WriteAllText(Path.Combine(dir, "bad.yaml"), """
            technologies:
              - name: bad
                source: x
                ops:
                  spike: { energy: 2 pV }
            """);
        var e = Assert.Throws<FormatException>(() => TechnologyCatalog.Load(dir));
        Assert.Contains("bad.yaml", e.Message);
        Assert.Contains("ops.spike.energy", e.Message);
        var missing = Assert.Throws<KeyNotFoundException>(() => cat.Get("nochip")).Message;
        Assert.Contains("unknown energy technology 'nochip'", missing);
        Assert.Contains("mychip", missing);
    }
}

using Neuromorph.Experiments;
using Neuromorph.Units;

namespace Neuromorph.Tests.Experiments;

public class ConfigTests
{
    private static (ConfigSection Root, ConfigBinding Binding, ConfigMap Map) Bind(string yaml, params string[] overrides)
    {
        var map = ConfigTree.Parse(yaml, "test.yaml");
        foreach (var o in overrides) ConfigTree.ApplyOverride(map, o);
        var b = new ConfigBinding("test.yaml", Path.GetTempPath());
        return (ConfigSection.Root(map, b), b, map);
    }

    [Fact]
    public void ReadsTypedValuesWithUnitsAndDefaults()
    {
        var (root, b, _) = Bind("""
            name: demo
            seed: 7
            encoding:
              duration: 350 ms
              max_rate: 63.75 Hz
            learning:
              lambdas: [1e-3, 0.1, 10]
              enabled: yes
            """);
        Assert.Equal("demo", root.RequireString("name"));
        Assert.Equal(7, root.GetInt("seed", 0, 0));
        var enc = root.Section("encoding");
        Assert.Equal(0.35, enc.GetQuantity("duration", Dimension.Time, 0), 1e-12);
        Assert.Equal(63.75, enc.GetQuantity("max_rate", Dimension.Frequency, 0), 1e-12);
        Assert.Equal(0.001, enc.GetQuantity("dt", Dimension.Time, 0.001), 1e-15);   // default
        var l = root.Section("learning");
        Assert.Equal([1e-3, 0.1, 10], l.GetDoubleList("lambdas", []));
        Assert.True(l.GetBool("enabled", false));
        Assert.Empty(b.AllErrors);
        var resolved = b.ResolvedYaml();
        Assert.Contains("dt: 0.001", resolved);          // defaults appear in the resolved config
        Assert.Contains("duration: 0.35", resolved);     // in SI
    }

    [Fact]
    public void EveryProblemIsReportedWithFileLineKeyAndRange()
    {
        var (root, b, map) = Bind("""
            name: demo
            encoding:
              duration: 20 mV
              max_rate: -5 Hz
              kind: poison
            network:
              neurons: many
              nuerons: 4
            """);
        root.RequireString("name");
        var enc = root.Section("encoding");
        enc.GetQuantity("duration", Dimension.Time, 0.1);
        enc.GetQuantity("max_rate", Dimension.Frequency, 100, 0, 1000);
        enc.GetString("kind", "poisson", "poisson", "latency");
        var net = root.Section("network");
        net.GetInt("neurons", 100, 1, 100000);
        b.CheckUnknownKeys(map);
        var errors = b.AllErrors;
        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("test.yaml:3: encoding.duration:") && e.Contains("voltage") && e.Contains("20 ms"));
        Assert.Contains(errors, e => e.StartsWith("test.yaml:4: encoding.max_rate:") && e.Contains("out of range") && e.Contains("[0, 1000]"));
        Assert.Contains(errors, e => e.StartsWith("test.yaml:5: encoding.kind:") && e.Contains("poisson, latency"));
        Assert.Contains(errors, e => e.StartsWith("test.yaml:7: network.neurons:") && e.Contains("not an integer"));
        Assert.Contains(errors, e => e.StartsWith("test.yaml:8: network.nuerons: unknown key") && e.Contains("did you mean 'neurons'"));
    }

    [Fact]
    public void OverridesReplaceAndCreateValues()
    {
        var (root, b, map) = Bind("""
            name: demo
            network:
              neurons: 100
            """, "network.neurons=400", "training.epochs=3", "learning.lambdas=[1, 2]");
        Assert.Equal(400, root.Section("network").GetInt("neurons", 0));
        Assert.Equal(3, root.Section("training").GetInt("epochs", 1));
        Assert.Equal([1.0, 2.0], root.Section("learning").GetDoubleList("lambdas", []));
        root.RequireString("name");
        b.CheckUnknownKeys(map);
        Assert.Empty(b.AllErrors);
    }

    [Fact]
    public void MisspeltOverrideIsCaughtAsUnknownKey()
    {
        var (root, b, map) = Bind("name: x\nnetwork:\n  neurons: 1\n", "network.nerons=4");
        root.RequireString("name");
        root.Section("network").GetInt("neurons", 1);
        b.CheckUnknownKeys(map);
        Assert.Single(b.AllErrors);
        Assert.StartsWith("--set: network.nerons: unknown key", b.AllErrors[0]);
    }

    [Fact]
    public void BadOverrideSyntaxAndYamlErrorsAreClear()
    {
        var map = ConfigTree.Parse("name: x\nseed: 1\n", "t.yaml");
        var e1 = Assert.Throws<ConfigException>(() => ConfigTree.ApplyOverride(map, "novalue"));
        Assert.Contains("key.path=value", e1.Message);
        var e2 = Assert.Throws<ConfigException>(() => ConfigTree.ApplyOverride(map, "seed.inner=3"));
        Assert.Contains("'seed' is a value, not a section", e2.Message);
        var e3 = Assert.Throws<ConfigException>(() => ConfigTree.Parse("name: [unclosed\n", "bad.yaml"));
        Assert.StartsWith("bad.yaml:", e3.Errors[0]);
        var e4 = Assert.Throws<ConfigException>(() => ConfigTree.Parse("a: 1\na: 2\n", "dup.yaml"));
        Assert.StartsWith("dup.yaml:2:", e4.Errors[0]);
        Assert.Contains("Duplicate key a", e4.Message);
    }

    [Fact]
    public void MissingFileAndRequiredKeyAreReported()
    {
        var (root, b, _) = Bind("data:\n  path: /definitely/not/here\n");
        root.RequireString("name");
        root.Section("data").GetPath("path", null, directory: true);
        Assert.Equal(2, b.AllErrors.Count);
        Assert.Contains(b.AllErrors, e => e.Contains("name: required"));
        Assert.Contains(b.AllErrors, e => e.Contains("data.path: folder '/definitely/not/here' not found"));
    }
}

using Neuromorph.Data;

namespace Neuromorph.Tests.Data;

/// <summary>Paths to the bundled data and a scratch folder per test class.</summary>
internal static class TestData
{
    public static string Bundled(string name)
    {
        var root = DataPaths.BundledDataDirectory ?? throw new InvalidOperationException("tests must run inside the repository checkout (data/ not found)");
        return Path.Combine(root, name);
    }

    public static string NewTempDirectory()
    {
        var d = Path.Combine(Path.GetTempPath(), "neuromorph-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}

/// <summary>Loads MNIST once for all tests that need it.</summary>
public sealed class MnistFixture
{
    public MnistData Data { get; } = Mnist.Load(TestData.Bundled("mnist"));
}

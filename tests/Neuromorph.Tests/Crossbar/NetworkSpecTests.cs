using Neuromorph.Data;
using Neuromorph.Experiments;
using Neuromorph.Experiments.Crossbar;
using Neuromorph.Learning.Deep;

namespace Neuromorph.Tests.Crossbar;

public class NetworkSpecTests
{
    private static (NetworkSpec? Spec, IReadOnlyList<string> Errors) Read(string yaml)
    {
        var map = ConfigTree.Parse(yaml, "net.yaml");
        var b = new ConfigBinding("net.yaml", Path.GetTempPath());
        var spec = NetworkSpec.Read(ConfigSection.Root(map, b).Section("network"));
        return (b.AllErrors.Count == 0 ? spec : null, b.AllErrors);
    }

    private static Sequential Float(NetworkSpec spec, int[] shape, int classes) => spec.Build(shape, classes, (i, o, _) => new FloatWeights(i, o), 5);

    private const string ClassicLeNet = """
        network:
          layers:
            - {type: conv, channels: 6, kernel: 5, padding: 2}
            - {type: relu}
            - {type: max-pool, size: 2}
            - {type: conv, channels: 16, kernel: 5}
            - {type: relu}
            - {type: max-pool}
            - {type: dense, units: 120}
            - {type: relu}
            - {type: dense, units: 84}
            - {type: relu}
            - {type: dense, units: 10}
        """;

    [Fact]
    public void LayerListReproducesTheBuiltInLeNet5Shapes()
    {
        var (spec, errors) = Read(ClassicLeNet);
        Assert.Empty(errors);
        var fromSpec = Float(spec!, [28, 28], 10);
        var builtIn = ConvNets.LeNet5((i, o, _) => new FloatWeights(i, o), 5);
        Assert.Equal(builtIn.Layers.Count, fromSpec.Layers.Count);
        for (int l = 0; l < builtIn.Layers.Count; l++)
        {
            Assert.Equal(builtIn.Layers[l].GetType(), fromSpec.Layers[l].GetType());
            Assert.Equal(builtIn.Layers[l].InputSize, fromSpec.Layers[l].InputSize);
            Assert.Equal(builtIn.Layers[l].OutputSize, fromSpec.Layers[l].OutputSize);
        }
        Assert.Equal(ConvNets.MacsPerInference(builtIn), ConvNets.MacsPerInference(fromSpec));
    }

    [Fact]
    public void WeightLayersGetConsecutiveFactoryIndicesAndTheFlattenSizeIsInferred()
    {
        // aihwkit's LeNet-5 example: 28 → conv5 → 24 → pool → 12 → conv5 → 8 → pool → 4; 32·4·4 = 512.
        var (spec, errors) = Read("""
            network:
              layers:
                - {type: conv, channels: 16, kernel: 5}
                - {type: tanh}
                - {type: max-pool, size: 2}
                - {type: conv, channels: 32, kernel: 5}
                - {type: tanh}
                - {type: max-pool, size: 2}
                - {type: tanh}
                - {type: dense, units: 128, init: xavier}
                - {type: tanh}
                - {type: dense, units: 10}
            """);
        Assert.Empty(errors);
        var shapes = new List<(int In, int Out, int Index)>();
        var net = spec!.Build([28, 28], 10, (i, o, l) => { shapes.Add((i, o, l)); return new FloatWeights(i, o); }, 1);
        Assert.Equal([(25, 16, 0), (400, 32, 1), (512, 128, 2), (128, 10, 3)], shapes);
        Assert.Equal(784, net.InputSize);
        Assert.Equal(10, net.OutputSize);
        Assert.Equal("conv 1→16 5×5, tanh, max-pool 2, conv 16→32 5×5, tanh, max-pool 2, tanh, dense 512→128, tanh, dense 128→10", NetworkSpec.Describe(net));
    }

    [Fact]
    public void BadEntriesAreAllReportedWithTheirKeyPaths()
    {
        var (_, errors) = Read("""
            network:
              layers:
                - {type: convolution, channels: 4}
                - {type: conv}
                - {type: dense, units: 10, init: gaussian}
                - {units: 3}
            """);
        Assert.Contains(errors, e => e.Contains("network.layers[0].type") && e.Contains("convolution"));
        Assert.Contains(errors, e => e.Contains("network.layers[1].channels"));
        Assert.Contains(errors, e => e.Contains("network.layers[2].init") && e.Contains("gaussian"));
        Assert.Contains(errors, e => e.Contains("network.layers[3].type") && e.Contains("required"));
    }

    [Fact]
    public void ShapesThatDoNotFitFailNamingTheLayer()
    {
        var (spec, _) = Read("network:\n  layers:\n    - {type: dense, units: 32}\n    - {type: conv, channels: 4, kernel: 3}\n    - {type: dense, units: 10}\n");
        var e1 = Assert.Throws<InvalidOperationException>(() => Float(spec!, [8, 8], 10));
        Assert.Contains("network.layers[1] (conv)", e1.Message);
        var (spec2, _) = Read("network:\n  layers:\n    - {type: conv, channels: 4, kernel: 3}\n    - {type: dense, units: 7}\n");
        var e2 = Assert.Throws<InvalidOperationException>(() => Float(spec2!, [8, 8], 10));
        Assert.Contains("7 outputs but the data set has 10 classes", e2.Message);
        var (spec3, _) = Read("network:\n  layers:\n    - {type: conv, channels: 4, kernel: 9}\n    - {type: dense, units: 10}\n");
        Assert.Throws<InvalidOperationException>(() => Float(spec3!, [8, 8], 10));
    }

    [Fact]
    public void SmallConvNetFromTheSpecLearnsDigits8x8()
    {
        var (spec, errors) = Read("""
            network:
              layers:
                - {type: conv, channels: 16, kernel: 3, padding: 1}
                - {type: relu}
                - {type: avg-pool, size: 2}
                - {type: dense, units: 32}
                - {type: relu}
                - {type: dense, units: 10, init: xavier}
            """);
        Assert.Empty(errors);
        var (train, test) = ReadoutClassification.StratifiedSplit(Digits8x8.Load(scaleToUnit: true), 0.3, 3);
        var net = spec!.Build(train.SampleShape, train.ClassCount, (i, o, _) => new FloatWeights(i, o), 3);
        net.Bind(new SgdMomentum(0.05f, 0.9f));
        for (int e = 0; e < 25; e++) net.TrainEpoch(train, 32, 1, e, cancel: TestContext.Current.CancellationToken);
        var acc = net.Evaluate(test).Accuracy;
        Assert.True(acc > 0.96, $"test accuracy {acc:P2}");
    }
}

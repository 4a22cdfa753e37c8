using BenchmarkDotNet.Attributes;
using Neuromorph.Learning.Unsupervised;

namespace Neuromorph.Bench;

/// <summary>One Diehl &amp; Cook training presentation (normalise + 350 ms + 150 ms rest, STDP on) on synthetic digits.</summary>
[MemoryDiagnoser]
public class StdpDiehlCookBenchmarks
{
    private DiehlCookNetwork _net = null!;
    private float[] _images = [];
    private int _k;

    [Params(100, 400)]
    public int Neurons;

    [GlobalSetup]
    public void Setup()
    {
        _net = new DiehlCookNetwork(new DiehlCookParams { Neurons = Neurons }, 1);
        _images = StdpBenchmarks.SyntheticDigits(64, 1);
        for (int k = 0; k < 20; k++) _net.Train(_images.AsSpan((k % 64) * 784, 784), 1);
    }

    [Benchmark]
    public int TrainOneImage() => _net.Train(_images.AsSpan((_k++ % 64) * 784, 784), 1);
}

using Neuromorph.Numerics;
using BenchmarkDotNet.Attributes;
using Neuromorph.Data;
using Neuromorph.Reservoir;

namespace Neuromorph.Bench;

/// <summary>
/// Echo-state network hot paths at the size of the reference ESN benchmark (1,000 units, 10 %
/// recurrent density): one state update, the harvest of 1,000 steps, and the ridge Gram
/// accumulation plus solve over 2,000 states. The whole end-to-end figure is
/// <see cref="Reservoir.ReservoirBenchmarks.Esn"/>.
/// </summary>
[MemoryDiagnoser]
public class EsnBenchmarks
{
    private EchoStateNetwork _esn = null!;
    private float[] _u = [], _states = [], _y = [];

    [Params(1)]
    public int Threads;

    [GlobalSetup]
    public void Setup()
    {
        _esn = new EchoStateNetwork(new EsnParameters { Units = 1000, SpectralRadius = 0.9, Density = 0.1, LeakRate = 0.3, InputConnectivity = 0.1, BinaryInputWeights = true }, 1, 42) { Threads = Threads };
        var g = Narma10.Generate(2001, 1);
        _u = g.Input.Take(2000).Select(v => (float)v).ToArray();
        _y = g.Output.Skip(1).Take(2000).Select(v => (float)v).ToArray();
        _states = new float[2000 * 1000];
        _esn.Run(_u, 2000, _states);
    }

    [Benchmark] public void Step() => _esn.Step(_u.AsSpan(0, 1));
    [Benchmark] public void Harvest1000Steps() => _esn.Run(_u.AsSpan(0, 1000), 1000, _states);

    [Benchmark]
    public float[] RidgeFit2000States()
    {
        var r = new RidgeRegression(1000, 1);
        r.Accumulate(_states, _y, 2000);
        return r.Fit(1e-6);
    }
}

using BenchmarkDotNet.Attributes;
using Neuromorph.Spiking;

namespace Neuromorph.Bench;

/// <summary>
/// Simulation phase of the Brette et al. (2007) CUBA and COBA networks (4,000 neurons, p = 0.02,
/// dt = 0.1 ms), 100 ms of simulated time per invocation after a fresh build, on 1 or 2 threads.
/// Run: <c>dotnet run -c Release --project bench/Neuromorph.Bench -- --filter *SpikingNetwork*</c>.
/// </summary>
[MemoryDiagnoser]
public class SpikingNetworkBenchmarks
{
    private Network _net = null!;

    [Params("cuba", "coba")]
    public string Model = "cuba";

    [Params(1, 2)]
    public int Threads = 1;

    [IterationSetup]
    public void Setup()
    {
        _net = Model == "cuba" ? SpikingBenchmarks.BuildCuba(4000, Threads).Net : SpikingBenchmarks.BuildCoba(4000, Threads).Net;
        _net.Build();
    }

    /// <summary>100 ms of network time (1,000 steps).</summary>
    [Benchmark]
    public void Simulate100ms() => _net.Run(0.1);
}

/// <summary>The LIF neuron update alone (4,000 and 100,000 neurons, no synapses), per 1,000 steps.</summary>
public class SpikingNeuronUpdateBenchmarks
{
    private Network _net = null!;

    [Params(4000, 100_000)]
    public int Neurons;

    [GlobalSetup]
    public void Setup()
    {
        _net = new Network(1e-4);
        var p = _net.AddLif("P", Neurons, LifPresets.BretteCuba2007);
        for (int i = 0; i < Neurons; i++) p.V[i] = -0.06f + 0.01f * (i % 97) / 97f;
        _net.Build();
    }

    [Benchmark]
    public void LifCuba1000Steps() => _net.Run(0.1);
}

using BenchmarkDotNet.Attributes;
using Neuromorph.Numerics;

namespace Neuromorph.Bench;

/// <summary>GEMM and GEMV throughput at the sizes of the MNIST MLP (batch 64).</summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private float[] _a = [], _b = [], _c = [], _x = [], _y = [];

    [Params(256, 784)]
    public int K;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new RandomStream(1, "bench");
        _a = new float[64 * K]; _b = new float[K * 256]; _c = new float[64 * 256];
        _x = new float[K]; _y = new float[256];
        rng.FillNormal(_a); rng.FillNormal(_b); rng.FillNormal(_x);
    }

    [Benchmark] public void Gemm64xKx256() => Kernels.Gemm(_a, _b, _c, 64, K, 256);
    [Benchmark] public void GemvTransposedKx256() => Kernels.GemvTransposed(_b, K, 256, _x, _y);
}

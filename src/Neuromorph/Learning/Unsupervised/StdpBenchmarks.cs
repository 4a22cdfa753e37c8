using System.Diagnostics;
using Neuromorph.Numerics;

namespace Neuromorph.Learning.Unsupervised;

/// <summary>Timing entry points of the STDP networks (what <c>neuromorph bench</c> calls).</summary>
public static class StdpBenchmarks
{
    /// <summary>
    /// Wall-clock seconds per training image of the Diehl &amp; Cook network with
    /// <paramref name="neurons"/> excitatory neurons on <paramref name="images"/> synthetic
    /// MNIST-like images (or <paramref name="pixels"/> when given, 784 values in [0, 1] per image),
    /// after <paramref name="warmup"/> untimed images — the same protocol as
    /// /work/shared/baselines/dc_brian.py (normalisation, 350 + 150 ms, repeats below 5 spikes included).
    /// Training is sequential, so <paramref name="threads"/> only caps <see cref="Parallelism.MaxThreads"/> for the call.
    /// </summary>
    public static double DiehlCookImages(int neurons, int images, int threads = 1, float[]? pixels = null, int warmup = 20, ulong seed = 0)
    {
        if (images < 1) throw new ArgumentOutOfRangeException(nameof(images), images, "images must be ≥ 1");
        if (warmup < 0) throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "warmup must be ≥ 0");
        int prev = Parallelism.MaxThreads;
        Parallelism.MaxThreads = Math.Max(1, threads);
        try
        {
            var net = new DiehlCookNetwork(new DiehlCookParams { Neurons = neurons }, seed);
            int total = images + warmup;
            pixels ??= SyntheticDigits(Math.Min(total, 200), seed);
            int avail = pixels.Length / 784;
            if (avail == 0) throw new ArgumentException("pixels must hold at least one 784-value image", nameof(pixels));
            for (int k = 0; k < warmup; k++) net.Train(pixels.AsSpan((k % avail) * 784, 784), seed);
            var sw = Stopwatch.StartNew();
            for (int k = warmup; k < total; k++) net.Train(pixels.AsSpan((k % avail) * 784, 784), seed);
            return sw.Elapsed.TotalSeconds / images;
        }
        finally { Parallelism.MaxThreads = prev; }
    }

    /// <summary>Blob-and-stroke 28×28 images with MNIST-like ink (≈ 100 of 784 in pixel sum) for timing without the data set.</summary>
    public static float[] SyntheticDigits(int count, ulong seed)
    {
        var x = new float[count * 784];
        var rng = new RandomStream(seed, "stdp-bench/synthetic");
        for (int k = 0; k < count; k++)
        {
            var img = x.AsSpan(k * 784, 784);
            int strokes = 3 + rng.NextInt(3);
            for (int sidx = 0; sidx < strokes; sidx++)
            {
                double r0 = 6 + 16 * rng.NextDouble(), c0 = 6 + 16 * rng.NextDouble();
                double ang = Math.PI * rng.NextDouble(), len = 6 + 8 * rng.NextDouble();
                for (double t = -len / 2; t <= len / 2; t += 0.5)
                {
                    double r = r0 + t * Math.Sin(ang), c = c0 + t * Math.Cos(ang);
                    for (int dr = -1; dr <= 1; dr++)
                        for (int dc = -1; dc <= 1; dc++)
                        {
                            int rr = (int)Math.Round(r) + dr, cc = (int)Math.Round(c) + dc;
                            if (rr < 0 || rr >= 28 || cc < 0 || cc >= 28) continue;
                            float v = dr == 0 && dc == 0 ? 1f : 0.5f;
                            img[rr * 28 + cc] = Math.Max(img[rr * 28 + cc], v);
                        }
                }
            }
        }
        return x;
    }
}

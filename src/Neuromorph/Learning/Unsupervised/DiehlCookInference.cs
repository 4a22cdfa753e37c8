using Neuromorph.Energy;
using Neuromorph.Numerics;

namespace Neuromorph.Learning.Unsupervised;

/// <summary>
/// Frozen-network responses of a <see cref="DiehlCookNetwork"/> to many images, in parallel.
/// Images are cut into fixed blocks of <see cref="BlockSize"/>; each block starts from a copy of
/// the training state and runs its images in order (state carries from image to image as in the
/// authors' sequential test run), so the result is the same on any number of threads.
/// </summary>
public static class DiehlCookInference
{
    /// <summary>Images per independent block.</summary>
    public const int BlockSize = 100;

    /// <summary>
    /// Spike counts [image, neuron] of the valid presentation of each image
    /// <paramref name="images"/>[k] (row-major, Inputs values per image).
    /// Input streams are keyed by (seed, component, image index). Adds the operations to <paramref name="counters"/>
    /// and returns the total number of presentations (repeats included).
    /// </summary>
    public static long Respond(DiehlCookNetwork net, ReadOnlySpan<float> images, int count, ulong seed, string component,
        int[] countsOut, OpCounters? counters, Action<int>? progress = null, CancellationToken cancel = default)
    {
        int d = net.Params.Inputs, n = net.Params.Neurons;
        if (images.Length < count * d) throw new ArgumentException($"images holds {images.Length / d} images; {count} requested", nameof(images));
        if (countsOut.Length < count * n) throw new ArgumentException("countsOut is too small", nameof(countsOut));
        var data = images[..(count * d)].ToArray();
        int blocks = (count + BlockSize - 1) / BlockSize;
        var ctrs = new OpCounters[blocks];
        var pres = new long[blocks];
        int done = 0;
        Parallel.For(0, blocks, Parallelism.Options, b =>
        {
            cancel.ThrowIfCancellationRequested();
            var st = net.ForkState();
            int lo = b * BlockSize, hi = Math.Min(count, lo + BlockSize);
            for (int k = lo; k < hi; k++)
            {
                pres[b] += net.Infer(data.AsSpan(k * d, d), st, seed, component, (uint)k);
                st.Counts.CopyTo(countsOut, k * n);
            }
            ctrs[b] = st.Counters;
            int now = Interlocked.Add(ref done, hi - lo);
            progress?.Invoke(now);
        });
        if (counters != null) foreach (var c in ctrs) counters.Add(c);
        return pres.Sum();
    }
}

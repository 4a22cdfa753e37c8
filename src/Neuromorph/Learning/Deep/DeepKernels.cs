using System.Numerics.Tensors;
using Neuromorph.Numerics;

namespace Neuromorph.Learning.Deep;

/// <summary>
/// Parallel forms of the transposed products backpropagation needs. Each output row is written by
/// exactly one worker, so results do not depend on the thread count (DESIGN.md principle 5).
/// </summary>
public static class DeepKernels
{
    private const long ParallelWork = 1L << 18;

    /// <summary>
    /// C (m × n) ← Aᵀ·B with A (k × m), B (k × n): the weight gradient XᵀΔ. Zero entries of A
    /// (inactive inputs, ReLU zeros) are skipped, so sparse inputs cost proportionally less.
    /// </summary>
    public static void GemmTransA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        Check(a, k, m, nameof(a)); Check(b, k, n, nameof(b)); Check(c, m, n, nameof(c));
        c[..(m * n)].Clear();
        if ((long)m * k * n < ParallelWork || Parallelism.MaxThreads == 1) { TransARows(a, b, c, 0, m, m, k, n); return; }
        unsafe
        {
            fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
            {
                nint ia = (nint)pa, ib = (nint)pb, ic = (nint)pc;
                int chunk = Math.Max(16, (m + 4 * Parallelism.MaxThreads - 1) / (4 * Parallelism.MaxThreads));
                int chunks = (m + chunk - 1) / chunk;
                int la = a.Length, lb = b.Length, lc = c.Length;
                Parallel.For(0, chunks, Parallelism.Options, ch =>
                {
                    int r0 = ch * chunk, r1 = Math.Min(m, r0 + chunk);
                    TransARows(new ReadOnlySpan<float>((float*)ia, la), new ReadOnlySpan<float>((float*)ib, lb), new Span<float>((float*)ic, lc), r0, r1, m, k, n);
                });
            }
        }
    }

    private static void TransARows(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int r0, int r1, int m, int k, int n)
    {
        for (int p = 0; p < k; p++)
        {
            var arow = a.Slice(p * m, m);
            var brow = b.Slice(p * n, n);
            for (int i = r0; i < r1; i++)
            {
                float s = arow[i];
                if (s != 0f) Kernels.AxpyFma(s, brow, c.Slice(i * n, n));
            }
        }
    }

    /// <summary>C (m × n) ← A·Bᵀ with A (m × k), B (n × k): the backpropagated error ΔWᵀ in dot-product form.</summary>
    public static void GemmTransB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        Check(a, m, k, nameof(a)); Check(b, n, k, nameof(b)); Check(c, m, n, nameof(c));
        if ((long)m * k * n < ParallelWork || Parallelism.MaxThreads == 1) { TransBRows(a, b, c, 0, m, k, n); return; }
        unsafe
        {
            fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
            {
                nint ia = (nint)pa, ib = (nint)pb, ic = (nint)pc;
                int la = a.Length, lb = b.Length, lc = c.Length;
                int chunk = Math.Max(1, (m + 4 * Parallelism.MaxThreads - 1) / (4 * Parallelism.MaxThreads));
                int chunks = (m + chunk - 1) / chunk;
                Parallel.For(0, chunks, Parallelism.Options, ch =>
                {
                    int r0 = ch * chunk, r1 = Math.Min(m, r0 + chunk);
                    TransBRows(new ReadOnlySpan<float>((float*)ia, la), new ReadOnlySpan<float>((float*)ib, lb), new Span<float>((float*)ic, lc), r0, r1, k, n);
                });
            }
        }
    }

    private static void TransBRows(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int r0, int r1, int k, int n)
    {
        for (int i = r0; i < r1; i++)
        {
            var arow = a.Slice(i * k, k);
            var crow = c.Slice(i * n, n);
            for (int j = 0; j < n; j++) crow[j] = TensorPrimitives.Dot(arow, b.Slice(j * k, k));
        }
    }

    /// <summary>Adds the bias vector to every row of a (rows × cols) matrix.</summary>
    public static void AddBias(Span<float> y, ReadOnlySpan<float> bias, int rows)
    {
        int n = bias.Length;
        for (int r = 0; r < rows; r++) { var row = y.Slice(r * n, n); TensorPrimitives.Add(row, bias, row); }
    }

    /// <summary>Column sums of a (rows × cols) matrix into <paramref name="sum"/> (the bias gradient).</summary>
    public static void ColumnSums(ReadOnlySpan<float> x, Span<float> sum, int rows)
    {
        int n = sum.Length;
        sum.Clear();
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(sum, x.Slice(r * n, n), sum);
    }

    private static void Check(ReadOnlySpan<float> m, int rows, int cols, string name)
    {
        if (rows < 0 || cols < 0) throw new ArgumentException($"{name}: negative dimension {rows}×{cols}");
        if (m.Length < (long)rows * cols) throw new ArgumentException($"{name} has {m.Length} elements, expected {rows}×{cols} = {(long)rows * cols}");
    }
}

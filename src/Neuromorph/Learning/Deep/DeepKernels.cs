using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    /// <summary>
    /// C (m × n) ← A (m × k)·B (k × n), register-blocked: four rows of C × 64 columns live in
    /// sixteen Vector512 accumulators while p runs over k, so each B load feeds four FMAs and
    /// C is written once. Steps where the four A entries are all zero are skipped (sparse
    /// inputs). Row groups run in parallel; each C element is written by one worker. Falls back
    /// to <see cref="Kernels.Gemm"/> without AVX-512 or when n is not a multiple of 64.
    /// </summary>
    public static void Gemm(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        Check(a, m, k, nameof(a)); Check(b, k, n, nameof(b)); Check(c, m, n, nameof(c));
        if (!Vector512.IsHardwareAccelerated || n % 64 != 0 || m < 4) { Kernels.Gemm(a, b, c, m, k, n); return; }
        Blocked(a, b, c, m, k, n, k, 1);
    }

    /// <summary>
    /// C (m × n) ← Aᵀ·B with A (k × m), B (k × n), register-blocked like <see cref="Gemm"/>: the
    /// weight gradient XᵀΔ with four C rows × 64 columns in registers over the whole batch.
    /// </summary>
    public static void GemmTransABlocked(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        Check(a, k, m, nameof(a)); Check(b, k, n, nameof(b)); Check(c, m, n, nameof(c));
        if (!Vector512.IsHardwareAccelerated || n % 64 != 0 || m < 4) { GemmTransA(a, b, c, m, k, n); return; }
        Blocked(a, b, c, m, k, n, 1, m);
    }

    /// <summary>Element (row i, step p) of A is a[i·strideI + p·strideP].</summary>
    private static void Blocked(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, int strideI, int strideP)
    {
        int groups = (m + 3) / 4;
        if ((long)m * k * n < ParallelWork || Parallelism.MaxThreads == 1 || groups < 2)
        {
            for (int g = 0; g < groups; g++) Block4(a, b, c, g * 4, Math.Min(4, m - g * 4), k, n, strideI, strideP);
            return;
        }
        unsafe
        {
            fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
            {
                nint ia = (nint)pa, ib = (nint)pb, ic = (nint)pc;
                int la = a.Length, lb = b.Length, lc = c.Length;
                int per = Math.Max(1, (groups + 2 * Parallelism.MaxThreads - 1) / (2 * Parallelism.MaxThreads));
                int chunks = (groups + per - 1) / per;
                Parallel.For(0, chunks, Parallelism.Options, ch =>
                {
                    var sa = new ReadOnlySpan<float>((float*)ia, la); var sb = new ReadOnlySpan<float>((float*)ib, lb); var sc = new Span<float>((float*)ic, lc);
                    for (int g = ch * per; g < Math.Min(groups, (ch + 1) * per); g++) Block4(sa, sb, sc, g * 4, Math.Min(4, m - g * 4), k, n, strideI, strideP);
                });
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int r0, int rows, int k, int n, int si, int sp)
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        int i1 = r0 + Math.Min(1, rows - 1), i2 = r0 + Math.Min(2, rows - 1), i3 = r0 + Math.Min(3, rows - 1);
        for (int j = 0; j < n; j += 64)
        {
            Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
            Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
            Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
            Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
            for (int p = 0; p < k; p++)
            {
                int q = p * sp;
                float x0 = Unsafe.Add(ref ra, r0 * si + q), x1 = Unsafe.Add(ref ra, i1 * si + q);
                float x2 = Unsafe.Add(ref ra, i2 * si + q), x3 = Unsafe.Add(ref ra, i3 * si + q);
                if (x0 == 0f && x1 == 0f && x2 == 0f && x3 == 0f) continue;
                nuint o = (nuint)(p * n + j);
                var b0 = Vector512.LoadUnsafe(ref rb, o); var b1 = Vector512.LoadUnsafe(ref rb, o + 16);
                var b2 = Vector512.LoadUnsafe(ref rb, o + 32); var b3 = Vector512.LoadUnsafe(ref rb, o + 48);
                var v = Vector512.Create(x0);
                c00 = Vector512.FusedMultiplyAdd(v, b0, c00); c01 = Vector512.FusedMultiplyAdd(v, b1, c01); c02 = Vector512.FusedMultiplyAdd(v, b2, c02); c03 = Vector512.FusedMultiplyAdd(v, b3, c03);
                v = Vector512.Create(x1);
                c10 = Vector512.FusedMultiplyAdd(v, b0, c10); c11 = Vector512.FusedMultiplyAdd(v, b1, c11); c12 = Vector512.FusedMultiplyAdd(v, b2, c12); c13 = Vector512.FusedMultiplyAdd(v, b3, c13);
                v = Vector512.Create(x2);
                c20 = Vector512.FusedMultiplyAdd(v, b0, c20); c21 = Vector512.FusedMultiplyAdd(v, b1, c21); c22 = Vector512.FusedMultiplyAdd(v, b2, c22); c23 = Vector512.FusedMultiplyAdd(v, b3, c23);
                v = Vector512.Create(x3);
                c30 = Vector512.FusedMultiplyAdd(v, b0, c30); c31 = Vector512.FusedMultiplyAdd(v, b1, c31); c32 = Vector512.FusedMultiplyAdd(v, b2, c32); c33 = Vector512.FusedMultiplyAdd(v, b3, c33);
            }
            // Rows beyond the matrix (a partial last group) alias the last real row and are not stored.
            Store(ref rc, r0 * n + j, c00, c01, c02, c03);
            if (rows > 1) Store(ref rc, i1 * n + j, c10, c11, c12, c13);
            if (rows > 2) Store(ref rc, i2 * n + j, c20, c21, c22, c23);
            if (rows > 3) Store(ref rc, i3 * n + j, c30, c31, c32, c33);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float rc, int o, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3)
    {
        v0.StoreUnsafe(ref rc, (nuint)o); v1.StoreUnsafe(ref rc, (nuint)o + 16); v2.StoreUnsafe(ref rc, (nuint)o + 32); v3.StoreUnsafe(ref rc, (nuint)o + 48);
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

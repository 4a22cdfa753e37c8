using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Neuromorph.Numerics;

/// <summary>
/// Vectorised float32 kernels: BLAS-1/2/3 (dot, axpy, GEMV, blocked GEMM with Vector256/512 and
/// FMA) and element-wise nonlinearities (delegated to <see cref="TensorPrimitives"/>). All
/// matrices are dense row-major spans; dimensions are checked once at entry.
/// </summary>
public static class Kernels
{
    /// <summary>x·y.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"length mismatch: x has {x.Length}, y has {y.Length}");
        return TensorPrimitives.Dot(x, y);
    }

    /// <summary>y ← a·x + y.</summary>
    public static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"length mismatch: x has {x.Length}, y has {y.Length}");
        TensorPrimitives.MultiplyAdd(x, a, y, y);
    }

    /// <summary>y ← α·A·x + β·y with A row-major (rows × cols).</summary>
    public static void Gemv(ReadOnlySpan<float> a, int rows, int cols, ReadOnlySpan<float> x, Span<float> y, float alpha = 1f, float beta = 0f)
    {
        CheckMatrix(a, rows, cols, nameof(a));
        if (x.Length < cols) throw new ArgumentException($"x has {x.Length} elements, A has {cols} columns");
        if (y.Length < rows) throw new ArgumentException($"y has {y.Length} elements, A has {rows} rows");
        x = x[..cols];
        for (int i = 0; i < rows; i++)
        {
            float s = TensorPrimitives.Dot(a.Slice(i * cols, cols), x);
            y[i] = beta == 0f ? alpha * s : alpha * s + beta * y[i];
        }
    }

    /// <summary>y ← α·Aᵀ·x + β·y with A row-major (rows × cols); x has rows elements, y has cols.</summary>
    public static void GemvTransposed(ReadOnlySpan<float> a, int rows, int cols, ReadOnlySpan<float> x, Span<float> y, float alpha = 1f, float beta = 0f)
    {
        CheckMatrix(a, rows, cols, nameof(a));
        if (x.Length < rows) throw new ArgumentException($"x has {x.Length} elements, A has {rows} rows");
        if (y.Length < cols) throw new ArgumentException($"y has {y.Length} elements, A has {cols} columns");
        var yy = y[..cols];
        if (beta == 0f) yy.Clear(); else if (beta != 1f) TensorPrimitives.Multiply(yy, beta, yy);
        for (int i = 0; i < rows; i++)
        {
            float xi = alpha * x[i];
            if (xi != 0f) TensorPrimitives.MultiplyAdd(a.Slice(i * cols, cols), xi, yy, yy);
        }
    }

    private const int BlockK = 256, BlockM = 64;

    /// <summary>
    /// C ← α·A·B + β·C with A (m × k), B (k × n), C (m × n), all row-major. Cache-blocked over k
    /// and m; the inner kernel broadcasts A[i,p] and streams a row of B with FMA over
    /// Vector512/Vector256 lanes (row-major "axpy form", which keeps B and C accesses unit-stride).
    /// Row blocks run in parallel when the product is large; each C row is written by one thread,
    /// so results are identical for any thread count.
    /// </summary>
    public static void Gemm(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, float alpha = 1f, float beta = 0f)
    {
        CheckMatrix(a, m, k, nameof(a)); CheckMatrix(b, k, n, nameof(b)); CheckMatrix(c, m, n, nameof(c));
        if (beta == 0f) c[..(m * n)].Clear(); else if (beta != 1f) TensorPrimitives.Multiply(c[..(m * n)], beta, c[..(m * n)]);
        long work = (long)m * k * n;
        if (work < 1L << 20 || m < 2 * 8)
        {
            GemmRows(a, b, c, 0, m, k, n, alpha);
            return;
        }
        unsafe
        {
            fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
            {
                nint ia = (nint)pa, ib = (nint)pb, ic = (nint)pc;
                int chunks = (m + 7) / 8;
                Parallel.For(0, chunks, Parallelism.Options, ch =>
                {
                    int r0 = ch * 8, r1 = Math.Min(m, r0 + 8);
                    var sa = new ReadOnlySpan<float>((float*)ia, m * k);
                    var sb = new ReadOnlySpan<float>((float*)ib, k * n);
                    var sc = new Span<float>((float*)ic, m * n);
                    GemmRows(sa, sb, sc, r0, r1, k, n, alpha);
                });
            }
        }
    }

    private static void GemmRows(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int r0, int r1, int k, int n, float alpha)
    {
        for (int p0 = 0; p0 < k; p0 += BlockK)
        {
            int p1 = Math.Min(k, p0 + BlockK);
            for (int i0 = r0; i0 < r1; i0 += BlockM)
            {
                int i1 = Math.Min(r1, i0 + BlockM);
                for (int i = i0; i < i1; i++)
                {
                    var crow = c.Slice(i * n, n);
                    var arow = a.Slice(i * k, k);
                    for (int p = p0; p < p1; p++)
                    {
                        float s = alpha * arow[p];
                        if (s == 0f) continue;
                        AxpyFma(s, b.Slice(p * n, n), crow);
                    }
                }
            }
        }
    }

    /// <summary>y += s·x with explicit FMA over the widest hardware vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AxpyFma(float s, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = y.Length, i = 0;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var vs = Vector512.Create(s);
            for (; i <= n - 16; i += 16)
            {
                var vy = Vector512.LoadUnsafe(ref ry, (nuint)i);
                var vx = Vector512.LoadUnsafe(ref rx, (nuint)i);
                Vector512.FusedMultiplyAdd(vs, vx, vy).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(s);
            for (; i <= n - 8; i += 8)
            {
                var vy = Vector256.LoadUnsafe(ref ry, (nuint)i);
                var vx = Vector256.LoadUnsafe(ref rx, (nuint)i);
                Vector256.FusedMultiplyAdd(vs, vx, vy).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref ry, i) = MathF.FusedMultiplyAdd(s, Unsafe.Add(ref rx, i), Unsafe.Add(ref ry, i));
    }

    /// <summary>C ← α·Aᵀ·B + β·C with A (k × m), B (k × n), C (m × n): used for weight gradients δᵀ·x.</summary>
    public static void GemmTransA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, float alpha = 1f, float beta = 0f)
    {
        CheckMatrix(a, k, m, nameof(a)); CheckMatrix(b, k, n, nameof(b)); CheckMatrix(c, m, n, nameof(c));
        if (beta == 0f) c[..(m * n)].Clear(); else if (beta != 1f) TensorPrimitives.Multiply(c[..(m * n)], beta, c[..(m * n)]);
        for (int p = 0; p < k; p++)
        {
            var arow = a.Slice(p * m, m);
            var brow = b.Slice(p * n, n);
            for (int i = 0; i < m; i++)
            {
                float s = alpha * arow[i];
                if (s != 0f) AxpyFma(s, brow, c.Slice(i * n, n));
            }
        }
    }

    /// <summary>C ← α·A·Bᵀ + β·C with A (m × k), B (n × k), C (m × n): dot-product form.</summary>
    public static void GemmTransB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, float alpha = 1f, float beta = 0f)
    {
        CheckMatrix(a, m, k, nameof(a)); CheckMatrix(b, n, k, nameof(b)); CheckMatrix(c, m, n, nameof(c));
        for (int i = 0; i < m; i++)
        {
            var arow = a.Slice(i * k, k);
            for (int j = 0; j < n; j++)
            {
                float s = alpha * TensorPrimitives.Dot(arow, b.Slice(j * k, k));
                c[i * n + j] = beta == 0f ? s : s + beta * c[i * n + j];
            }
        }
    }

    /// <summary>Element-wise exp.</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Exp(x, y);
    /// <summary>Element-wise tanh.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);
    /// <summary>Element-wise logistic sigmoid 1/(1+e^(−x)).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);
    private static void CheckMatrix(ReadOnlySpan<float> m, int rows, int cols, string name)
    {
        if (rows < 0 || cols < 0) throw new ArgumentException($"{name}: negative dimension {rows}×{cols}");
        if (m.Length < (long)rows * cols) throw new ArgumentException($"{name} has {m.Length} elements, expected {rows}×{cols} = {(long)rows * cols}");
    }
}

using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
            Store4(ref rc, r0 * n + j, c00, c01, c02, c03);
            if (rows > 1) Store4(ref rc, i1 * n + j, c10, c11, c12, c13);
            if (rows > 2) Store4(ref rc, i2 * n + j, c20, c21, c22, c23);
            if (rows > 3) Store4(ref rc, i3 * n + j, c30, c31, c32, c33);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(ref float rc, int o, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3)
    {
        v0.StoreUnsafe(ref rc, (nuint)o); v1.StoreUnsafe(ref rc, (nuint)o + 16); v2.StoreUnsafe(ref rc, (nuint)o + 32); v3.StoreUnsafe(ref rc, (nuint)o + 48);
    }

    // ---------------------------------------------------------------------------------------
    // Sparse-input products. Network inputs are sparse (MNIST: ~19 % non-zero pixels; ReLU
    // outputs and errors behind a ReLU: ~50 %), so the products that take them as the left
    // factor first list each row's non-zeros, then accumulate one column block of C in
    // registers over that list: one broadcast, one load of B and one FMA per lane group and
    // non-zero, with no test in the inner loop. The two threads split the columns of C, so
    // every element of C is one sum over the same list in the same order for any thread count.
    // ---------------------------------------------------------------------------------------

    /// <summary>Above this fraction of non-zeros the dense register-blocked kernel is used instead.</summary>
    private const double SparseDensity = 0.75;

    [ThreadStatic] private static SparseScratch? _scratch;

    private sealed class SparseScratch
    {
        public int[] Start = [], Index = [], Count = [], TStart = [], TIndex = [];
        public float[] Value = [], TValue = [], Padded = [];
        public void Ensure(int rows, int cols, int maxNnz)
        {
            if (Start.Length < rows + 1) Start = new int[rows + 1];
            if (Count.Length < cols + 1) { Count = new int[cols + 1]; TStart = new int[cols + 1]; }
            if (Index.Length < maxNnz) { Index = new int[maxNnz]; Value = new float[maxNnz]; TIndex = new int[maxNnz]; TValue = new float[maxNnz]; }
        }
    }

    /// <summary>
    /// Lists the non-zeros of a (rows × cols): row r's are Index/Value[Start[r]..Start[r+1]),
    /// in column order. Returns their number.
    /// </summary>
    private static int Compress(ReadOnlySpan<float> a, int rows, int cols, SparseScratch s)
    {
        s.Ensure(rows, cols, rows * cols + 16);   // + 16: a compressed vector is stored whole
        ref float ra = ref MemoryMarshal.GetReference(a);
        int[] start = s.Start, idx = s.Index; float[] val = s.Value;
        int nnz = 0;
        ref int ri = ref MemoryMarshal.GetArrayDataReference(idx);
        ref float rv = ref MemoryMarshal.GetArrayDataReference(val);
        var lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        for (int r = 0; r < rows; r++)
        {
            start[r] = nnz;
            ref float row = ref Unsafe.Add(ref ra, r * cols);
            int j = 0;
            if (Avx512F.IsSupported)
                // VCOMPRESSPS/VPCOMPRESSD: the non-zero values and their column numbers packed to the front, no branches.
                for (; j <= cols - 16; j += 16)
                {
                    var v = Vector512.LoadUnsafe(ref row, (nuint)j);
                    var nz = ~Vector512.Equals(v, Vector512<float>.Zero);
                    Avx512F.Compress(Vector512<float>.Zero, nz, v).StoreUnsafe(ref rv, (nuint)nnz);
                    Avx512F.Compress(Vector512<int>.Zero, nz.AsInt32(), lane + Vector512.Create(j)).StoreUnsafe(ref ri, (nuint)nnz);
                    nnz += System.Numerics.BitOperations.PopCount(nz.ExtractMostSignificantBits());
                }
            for (; j < cols; j++)
            {
                float v = Unsafe.Add(ref row, j);
                Unsafe.Add(ref ri, nnz) = j; Unsafe.Add(ref rv, nnz) = v;
                nnz += v != 0f ? 1 : 0;
            }
        }
        start[rows] = nnz;
        return nnz;
    }

    /// <summary>Column lists of the compressed matrix (a counting sort by column): column c's non-zeros are TIndex (row)/TValue[TStart[c]..TStart[c+1]), in row order.</summary>
    private static void TransposeLists(int rows, int cols, int nnz, SparseScratch s)
    {
        int[] count = s.Count, tstart = s.TStart, idx = s.Index, tidx = s.TIndex, start = s.Start;
        float[] val = s.Value, tval = s.TValue;
        Array.Clear(count, 0, cols + 1);
        for (int t = 0; t < nnz; t++) count[idx[t]]++;
        int sum = 0;
        for (int c = 0; c < cols; c++) { tstart[c] = sum; sum += count[c]; count[c] = tstart[c]; }
        tstart[cols] = sum;
        for (int r = 0; r < rows; r++)
            for (int t = start[r]; t < start[r + 1]; t++) { int pos = count[idx[t]]++; tidx[pos] = r; tval[pos] = val[t]; }
    }

    /// <summary>B (k × n, n &lt; 16) copied to rows of 16 with zero padding, so one Vector512 load reads a row.</summary>
    private static float[] Pad16(ReadOnlySpan<float> b, int k, int n, SparseScratch s)
    {
        if (s.Padded.Length < k * 16) s.Padded = new float[k * 16];
        var p = s.Padded;
        for (int r = 0; r < k; r++)
        {
            b.Slice(r * n, n).CopyTo(p.AsSpan(r * 16, n));
            p.AsSpan(r * 16 + n, 16 - n).Clear();
        }
        return p;
    }

    private static bool SparseShape(int n) => Vector512.IsHardwareAccelerated && (n % 16 == 0 || n < 16);

    /// <summary>
    /// C (m × n) ← A (m × k)·B (k × n) for a sparse A (inputs, ReLU activations, errors behind
    /// a ReLU): zeros of A cost nothing. Falls back to the dense register-blocked <see cref="Gemm"/>
    /// when more than 75 % of A is non-zero or n is not a multiple of 16 (nor below 16).
    /// </summary>
    public static void GemmSparseA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        Check(a, m, k, nameof(a)); Check(b, k, n, nameof(b)); Check(c, m, n, nameof(c));
        if (!SparseShape(n)) { Gemm(a, b, c, m, k, n); return; }
        var s = _scratch ??= new SparseScratch();
        int nnz = Compress(a, m, k, s);
        if (nnz > SparseDensity * m * k && n >= 64) { Gemm(a, b, c, m, k, n); return; }
        unsafe
        {
            fixed (float* pb0 = b) fixed (float* pc = c) fixed (int* pstart = s.Start) fixed (int* pidx = s.Index) fixed (float* pval = s.Value)
            {
                if (n < 16)
                {
                    fixed (float* pp = Pad16(b, k, n, s))
                    {
                        var lists = new Lists(pstart, pidx, pval);
                        var e = new StoreNarrow(pc, n);
                        for (int r = 0; r < m; r++) lists.Narrow(r, pp, (nint)r * n, e);
                    }
                    return;
                }
                var l = new Lists(pstart, pidx, pval);
                nint ib = (nint)pb0, ic = (nint)pc;
                ColumnSplit(n, (long)nnz * n, (j0, j1) => l.Blocks(m, (float*)ib, n, k, j0, j1, tileK: true, (float*)ic, new Store((float*)ic)));
            }
        }
    }

    /// <summary>
    /// C (m × n) ← Aᵀ·B with A (k × m) sparse, B (k × n): the weight gradient XᵀΔ over a batch of
    /// sparse inputs. Each row of C is one register-held sum over the samples where input i is non-zero.
    /// </summary>
    public static void GemmTransASparse(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        Check(a, k, m, nameof(a)); Check(b, k, n, nameof(b)); Check(c, m, n, nameof(c));
        if (!SparseShape(n)) { GemmTransABlocked(a, b, c, m, k, n); return; }
        unsafe
        {
            fixed (float* pc = c)
                TransASparse(a, b, m, k, n, new Store(pc), new StoreNarrow(pc, n));
        }
    }

    /// <summary>
    /// The weight gradient G = Aᵀ·B (A: k × m sparse inputs, B: k × n errors) applied at once as the
    /// momentum SGD step of <see cref="SgdMomentum"/> (PyTorch form): v ← μ·v + G + λ·W, W ← W − η·v.
    /// G is never stored: each register block of G updates its block of v and W directly.
    /// </summary>
    public static void GemmTransASgd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> w, Span<float> v, int m, int k, int n, float learningRate, float momentum, float weightDecay)
    {
        Check(a, k, m, nameof(a)); Check(b, k, n, nameof(b)); Check(w, m, n, nameof(w)); Check(v, m, n, nameof(v));
        if (!SparseShape(n)) throw new ArgumentException($"the fused gradient step needs n a multiple of 16 or below 16 with AVX-512 (n = {n}); check {nameof(CanFuse)} first");
        unsafe
        {
            fixed (float* pw = w) fixed (float* pv = v)
            {
                var e = new Sgd(pw, pv, learningRate, momentum, weightDecay);
                TransASparse(a, b, m, k, n, e, new SgdNarrow(e, n));
            }
        }
    }

    /// <summary>Whether <see cref="GemmTransASgd"/> runs for an output width n on this machine.</summary>
    public static bool CanFuse(int n) => SparseShape(n);

    private static unsafe void TransASparse<TE, TN>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int k, int n, TE wide, TN narrow)
        where TE : struct, IEpilogue where TN : struct, INarrowEpilogue
    {
        var s = _scratch ??= new SparseScratch();
        int nnz = Compress(a, k, m, s);
        TransposeLists(k, m, nnz, s);
        fixed (float* pb0 = b) fixed (int* pstart = s.TStart) fixed (int* pidx = s.TIndex) fixed (float* pval = s.TValue)
        {
            var l = new Lists(pstart, pidx, pval);
            if (n < 16)
            {
                fixed (float* pp = Pad16(b, k, n, s))
                    for (int i = 0; i < m; i++) l.Narrow(i, pp, (nint)i * n, narrow);
                return;
            }
            nint ib = (nint)pb0;
            ColumnSplit(n, (long)(nnz + m) * n, (j0, j1) => l.Blocks(m, (float*)ib, n, k, j0, j1, tileK: false, null, wide));
        }
    }

    /// <summary>
    /// Runs body(j0, j1) over column ranges of whole 16-lane groups: one range per thread when the
    /// work is large enough to pay for the hand-off, else one range on the calling thread.
    /// </summary>
    private static void ColumnSplit(int n, long work, Action<int, int> body)
    {
        int groups = n / 16;
        int parts = work < 1L << 16 ? 1 : Math.Min(Parallelism.MaxThreads, groups);
        if (parts <= 1) { body(0, n); return; }
        Action<int> part = p => body(groups * p / parts * 16, groups * (p + 1) / parts * 16);
        Parallelism.RunParts(parts, part);
    }

    /// <summary>Row (or column) lists: entries Start[r]..Start[r+1] of Index (row of B, ascending) and Value.</summary>
    private readonly unsafe struct Lists(int* start, int* index, float* value)
    {
        /// <summary>
        /// Rows 0..rows of C over columns j0..j1, in column blocks of 128, 64 or 16: block (r, j) =
        /// Σ_t value[t]·B[index[t], j..j+width) handed to the epilogue. With <paramref name="tileK"/>
        /// the sum runs over strips of B rows that fit in L1 (32 KB), every row of C taking its
        /// part of the strip before the next strip is loaded; partial sums wait in C
        /// (<paramref name="c"/>, then the epilogue must be a plain store to it). The order of the
        /// terms of every sum is the list order whatever the tiling and column split.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Blocks<TE>(int rows, float* b, int n, int k, int j0, int j1, bool tileK, float* c, TE e) where TE : struct, IEpilogue
        {
            int[]? rented = null;
            for (int j = j0; j < j1;)
            {
                int width = j1 - j >= 128 ? 128 : j1 - j >= 64 ? 64 : 16;
                int strip = tileK ? 8192 / width : int.MaxValue;
                if (strip >= k)
                    for (int r = 0; r < rows; r++) Tile(width, start[r], start[r + 1], int.MaxValue, b, n, j, null, (nint)r * n + j, e);
                else
                {
                    rented ??= System.Buffers.ArrayPool<int>.Shared.Rent(rows);
                    for (int r = 0; r < rows; r++) rented[r] = start[r];
                    for (int p0 = 0; p0 < k; p0 += strip)
                        for (int r = 0; r < rows; r++)
                        {
                            nint o = (nint)r * n + j;
                            rented[r] = Tile(width, rented[r], start[r + 1], p0 + strip, b, n, j, p0 == 0 ? null : c + o, o, e);
                        }
                }
                j += width;
            }
            if (rented != null) System.Buffers.ArrayPool<int>.Shared.Return(rented);
        }

        /// <summary>One block: entries t0.. while t &lt; t1 and index &lt; pEnd, starting from init (or zero); returns the next entry.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int Tile<TE>(int width, int t0, int t1, int pEnd, float* b, int n, int j, float* init, nint o, TE e) where TE : struct, IEpilogue
            => width == 128 ? Tile8(t0, t1, pEnd, b, n, j, init, o, e) : width == 64 ? Tile4(t0, t1, pEnd, b, n, j, init, o, e) : Tile1(t0, t1, pEnd, b, n, j, init, o, e);

        private int Tile8<TE>(int t, int t1, int pEnd, float* b, int n, int j, float* init, nint o, TE e) where TE : struct, IEpilogue
        {
            Vector512<float> c0, c1, c2, c3, c4, c5, c6, c7;
            if (init == null) c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = default;
            else
            {
                c0 = Vector512.Load(init); c1 = Vector512.Load(init + 16); c2 = Vector512.Load(init + 32); c3 = Vector512.Load(init + 48);
                c4 = Vector512.Load(init + 64); c5 = Vector512.Load(init + 80); c6 = Vector512.Load(init + 96); c7 = Vector512.Load(init + 112);
            }
            for (; t < t1 && index[t] < pEnd; t++)
            {
                var x = Vector512.Create(value[t]);
                float* q = b + (nint)index[t] * n + j;
                c0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q), c0); c1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 16), c1);
                c2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 32), c2); c3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 48), c3);
                c4 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 64), c4); c5 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 80), c5);
                c6 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 96), c6); c7 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 112), c7);
            }
            e.Apply(o, c0); e.Apply(o + 16, c1); e.Apply(o + 32, c2); e.Apply(o + 48, c3);
            e.Apply(o + 64, c4); e.Apply(o + 80, c5); e.Apply(o + 96, c6); e.Apply(o + 112, c7);
            return t;
        }

        private int Tile4<TE>(int t, int t1, int pEnd, float* b, int n, int j, float* init, nint o, TE e) where TE : struct, IEpilogue
        {
            Vector512<float> c0, c1, c2, c3;
            if (init == null) c0 = c1 = c2 = c3 = default;
            else { c0 = Vector512.Load(init); c1 = Vector512.Load(init + 16); c2 = Vector512.Load(init + 32); c3 = Vector512.Load(init + 48); }
            for (; t < t1 && index[t] < pEnd; t++)
            {
                var x = Vector512.Create(value[t]);
                float* q = b + (nint)index[t] * n + j;
                c0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q), c0); c1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 16), c1);
                c2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 32), c2); c3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(q + 48), c3);
            }
            e.Apply(o, c0); e.Apply(o + 16, c1); e.Apply(o + 32, c2); e.Apply(o + 48, c3);
            return t;
        }

        private int Tile1<TE>(int t, int t1, int pEnd, float* b, int n, int j, float* init, nint o, TE e) where TE : struct, IEpilogue
        {
            var c0 = init == null ? default : Vector512.Load(init);
            for (; t < t1 && index[t] < pEnd; t++)
                c0 = Vector512.FusedMultiplyAdd(Vector512.Create(value[t]), Vector512.Load(b + (nint)index[t] * n + j), c0);
            e.Apply(o, c0);
            return t;
        }

        /// <summary>Row r for n &lt; 16 over B padded to rows of 16 (<see cref="Pad16"/>).</summary>
        public void Narrow<TN>(int r, float* padded, nint c, TN e) where TN : struct, INarrowEpilogue
        {
            Vector512<float> c0 = default;
            for (int t = start[r]; t < start[r + 1]; t++)
                c0 = Vector512.FusedMultiplyAdd(Vector512.Create(value[t]), Vector512.Load(padded + (nint)index[t] * 16), c0);
            e.Apply(c, c0);
        }
    }

    /// <summary>What happens to a finished 16-lane block of C at element offset o.</summary>
    private interface IEpilogue { void Apply(nint o, Vector512<float> g); }
    /// <summary>What happens to a finished row of C (n &lt; 16 lanes) starting at element offset o.</summary>
    private interface INarrowEpilogue { void Apply(nint o, Vector512<float> g); }

    private readonly unsafe struct Store(float* c) : IEpilogue
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(nint o, Vector512<float> g) => g.Store(c + o);
    }

    private readonly unsafe struct StoreNarrow(float* c, int n) : INarrowEpilogue
    {
        public void Apply(nint o, Vector512<float> g) { for (int l = 0; l < n; l++) c[o + l] = g.GetElement(l); }
    }

    /// <summary>v ← μ·v + g (+ λ·w), w ← w − η·v on one block.</summary>
    private readonly unsafe struct Sgd(float* w, float* v, float lr, float mu, float wd) : IEpilogue
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(nint o, Vector512<float> g)
        {
            var vv = Vector512.FusedMultiplyAdd(Vector512.Load(v + o), Vector512.Create(mu), g);
            var ww = Vector512.Load(w + o);
            if (wd != 0f) vv = Vector512.FusedMultiplyAdd(ww, Vector512.Create(wd), vv);
            vv.Store(v + o);
            Vector512.FusedMultiplyAdd(vv, Vector512.Create(-lr), ww).Store(w + o);
        }

        public void Scalar(nint o, float g)
        {
            float vv = MathF.FusedMultiplyAdd(v[o], mu, g);
            if (wd != 0f) vv = MathF.FusedMultiplyAdd(w[o], wd, vv);
            v[o] = vv;
            w[o] = MathF.FusedMultiplyAdd(vv, -lr, w[o]);
        }
    }

    private readonly struct SgdNarrow(Sgd sgd, int n) : INarrowEpilogue
    {
        public void Apply(nint o, Vector512<float> g) { for (int l = 0; l < n; l++) sgd.Scalar(o + l, g.GetElement(l)); }
    }

    /// <summary>Dst (cols × rows) ← Srcᵀ for a row-major src (rows × cols), in 16 × 16 tiles that stay in L1.</summary>
    public static void Transpose(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols)
    {
        Check(src, rows, cols, nameof(src)); Check(dst, cols, rows, nameof(dst));
        ref float rs = ref MemoryMarshal.GetReference(src);
        ref float rd = ref MemoryMarshal.GetReference(dst);
        for (int i0 = 0; i0 < rows; i0 += 16)
        {
            int i1 = Math.Min(rows, i0 + 16);
            for (int j0 = 0; j0 < cols; j0 += 16)
            {
                int j1 = Math.Min(cols, j0 + 16);
                for (int j = j0; j < j1; j++)
                {
                    ref float d = ref Unsafe.Add(ref rd, j * rows);
                    for (int i = i0; i < i1; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref rs, i * cols + j);
                }
            }
        }
    }

    /// <summary>dx ← dy where y &gt; 0, else 0: the ReLU derivative taken from the output.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int n = y.Length;
        if (dy.Length < n || dx.Length < n) throw new ArgumentException($"ReLU backward needs {n} values in dy and dx (got {dy.Length}, {dx.Length})");
        ref float ry = ref MemoryMarshal.GetReference(y);
        ref float rg = ref MemoryMarshal.GetReference(dy);
        ref float rx = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16)
            {
                var pos = Vector512.GreaterThan(Vector512.LoadUnsafe(ref ry, (nuint)i), Vector512<float>.Zero);
                Vector512.BitwiseAnd(pos, Vector512.LoadUnsafe(ref rg, (nuint)i)).StoreUnsafe(ref rx, (nuint)i);
            }
        for (; i < n; i++) Unsafe.Add(ref rx, i) = Unsafe.Add(ref ry, i) > 0f ? Unsafe.Add(ref rg, i) : 0f;
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

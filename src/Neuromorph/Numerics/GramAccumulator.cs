using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Neuromorph.Numerics;

/// <summary>
/// Accumulates the Gram matrix G += PᵀP of row-major float32 samples in double precision with a
/// packed, register-blocked SYRK (the BLAS-3 scheme of Goto &amp; van de Geijn 2008, "Anatomy of
/// high-performance matrix multiplication", ACM TOMS 34:12): a panel of <see cref="PanelRows"/>
/// samples is converted to double and packed into strips of 8 columns (for every sample the 8
/// values contiguous), then every 8 × 16 tile of the upper block triangle of G is computed by a
/// micro-kernel that keeps its 128 sums in 16 Vector512 registers (8 broadcasts and 2 vector loads
/// per sample, 16 fused multiply-adds), or 4 × 8 tiles with Vector256 where AVX-512 is absent.
/// Tiles are owned by strips of rows, split across threads, and each tile sums its panel in a
/// fixed order, so the result does not depend on the thread count. Entries below the diagonal
/// inside diagonal tiles are computed too; only the upper triangle (j ≥ i) is meant to be read.
/// </summary>
internal sealed class GramAccumulator
{
    /// <summary>Columns per packed strip (one Vector512 of doubles).</summary>
    public const int Strip = 8;
    /// <summary>Samples per packed panel (the panel, 8 doubles × columns × rows, stays within the L2 cache for ~1,000 columns).</summary>
    public const int PanelRows = 128;
    private readonly int _cols, _strips, _ld;
    private readonly double[] _pack, _g;

    /// <summary>Creates the accumulator for <paramref name="columns"/> columns (padded to a multiple of 16).</summary>
    public GramAccumulator(int columns)
    {
        _cols = columns;
        _strips = (columns + 2 * Strip - 1) / (2 * Strip) * 2;
        _ld = _strips * Strip;
        _pack = new double[(long)_strips * PanelRows * Strip];
        _g = new double[(long)_ld * _ld];
    }

    /// <summary>Row stride of <see cref="Gram"/>.</summary>
    public int Stride => _ld;
    /// <summary>G (Stride × Stride, row-major; upper triangle valid).</summary>
    public double[] Gram => _g;

    /// <summary>
    /// Adds <paramref name="rows"/> samples whose columns are the features of <paramref name="x"/>
    /// (rows × <paramref name="features"/>), a constant 1, then the targets of <paramref name="y"/>
    /// (rows × <paramref name="outputs"/>): G then holds XᵀX, Xᵀ1 and XᵀY in its upper triangle.
    /// </summary>
    public void Add(ReadOnlySpan<float> x, int features, ReadOnlySpan<float> y, int outputs, int rows)
    {
        if (features + 1 + outputs != _cols) throw new ArgumentException($"{features} features + 1 + {outputs} outputs ≠ {_cols} columns");
        for (int r0 = 0; r0 < rows; r0 += PanelRows)
        {
            int b = Math.Min(PanelRows, rows - r0);
            Pack(x.Slice(r0 * features, b * features), features, y.Slice(r0 * outputs, b * outputs), outputs, b);
            Syrk(b);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Pack(ReadOnlySpan<float> x, int f, ReadOnlySpan<float> y, int o, int b)
    {
        var pack = _pack;
        int full = f / Strip;
        for (int r = 0; r < b; r++)
        {
            var row = x.Slice(r * f, f);
            for (int s = 0; s < full; s++)
            {
                ref double dst = ref pack[((long)s * PanelRows + r) * Strip];
                var v = Vector256.Create(row.Slice(s * Strip, Strip));
                var (lo, hi) = Vector256.Widen(v);
                lo.StoreUnsafe(ref dst); hi.StoreUnsafe(ref dst, 4);
            }
            // Tail strips: the remaining features, the constant 1, the targets, zero padding.
            for (int j = full * Strip; j < _ld; j++)
            {
                double v = j < f ? row[j] : j == f ? 1.0 : j <= f + o ? y[r * o + j - f - 1] : 0.0;
                pack[((long)(j / Strip) * PanelRows + r) * Strip + j % Strip] = v;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Syrk(int b)
    {
        int strips = _strips;
        int threads = Parallelism.MaxThreads;
        if (threads == 1 || strips < 4)
        {
            for (int i = 0; i < strips; i++) StripRow(i, b);
            return;
        }
        // Strip i owns (strips − i)/2 tiles: interleave strips across chunks to balance the triangle.
        int chunks = Math.Min(strips, threads * 4);
        Parallel.For(0, chunks, Parallelism.Options, c => { for (int i = c; i < strips; i += chunks) StripRow(i, b); });
    }

    /// <summary>All tiles of rows 8i..8i+7 from the strip pair holding column 8i to the last column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StripRow(int i, int b)
    {
        ref double pack = ref _pack[0];
        ref double g = ref _g[0];
        int ld = _ld;
        ref double a = ref Unsafe.Add(ref pack, (nint)i * PanelRows * Strip);
        for (int p = i / 2; p < _strips / 2; p++)
        {
            ref double b0 = ref Unsafe.Add(ref pack, (nint)(2 * p) * PanelRows * Strip);
            ref double b1 = ref Unsafe.Add(ref pack, (nint)(2 * p + 1) * PanelRows * Strip);
            ref double c = ref Unsafe.Add(ref g, (nint)i * Strip * ld + 2 * p * Strip);
            if (Vector512.IsHardwareAccelerated) Tile8x16(ref a, ref b0, ref b1, b, ref c, ld);
            else if (Vector256.IsHardwareAccelerated)
            {
                Tile4x8(ref a, 0, ref b0, b, ref c, ld); Tile4x8(ref a, 4, ref b0, b, ref Unsafe.Add(ref c, 4 * ld), ld);
                Tile4x8(ref a, 0, ref b1, b, ref Unsafe.Add(ref c, Strip), ld); Tile4x8(ref a, 4, ref b1, b, ref Unsafe.Add(ref c, 4 * ld + Strip), ld);
            }
            else
            {
                TileScalar(ref a, ref b0, b, ref c, ld);
                TileScalar(ref a, ref b1, b, ref Unsafe.Add(ref c, Strip), ld);
            }
        }
    }

    /// <summary>C[8 × 16] += Aᵀ[8 × b]·[B0 B1][b × 16]: 16 accumulators, one broadcast per row and sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8x16(ref double a, ref double b0, ref double b1, int b, ref double c, int ld)
    {
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<double> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int k = 0; k < b; k++)
        {
            nint o = (nint)k * Strip;
            var v0 = Vector512.LoadUnsafe(ref b0, (nuint)o);
            var v1 = Vector512.LoadUnsafe(ref b1, (nuint)o);
            ref double ak = ref Unsafe.Add(ref a, o);
            var s = Vector512.Create(ak); c00 = Vector512.FusedMultiplyAdd(s, v0, c00); c01 = Vector512.FusedMultiplyAdd(s, v1, c01);
            s = Vector512.Create(Unsafe.Add(ref ak, 1)); c10 = Vector512.FusedMultiplyAdd(s, v0, c10); c11 = Vector512.FusedMultiplyAdd(s, v1, c11);
            s = Vector512.Create(Unsafe.Add(ref ak, 2)); c20 = Vector512.FusedMultiplyAdd(s, v0, c20); c21 = Vector512.FusedMultiplyAdd(s, v1, c21);
            s = Vector512.Create(Unsafe.Add(ref ak, 3)); c30 = Vector512.FusedMultiplyAdd(s, v0, c30); c31 = Vector512.FusedMultiplyAdd(s, v1, c31);
            s = Vector512.Create(Unsafe.Add(ref ak, 4)); c40 = Vector512.FusedMultiplyAdd(s, v0, c40); c41 = Vector512.FusedMultiplyAdd(s, v1, c41);
            s = Vector512.Create(Unsafe.Add(ref ak, 5)); c50 = Vector512.FusedMultiplyAdd(s, v0, c50); c51 = Vector512.FusedMultiplyAdd(s, v1, c51);
            s = Vector512.Create(Unsafe.Add(ref ak, 6)); c60 = Vector512.FusedMultiplyAdd(s, v0, c60); c61 = Vector512.FusedMultiplyAdd(s, v1, c61);
            s = Vector512.Create(Unsafe.Add(ref ak, 7)); c70 = Vector512.FusedMultiplyAdd(s, v0, c70); c71 = Vector512.FusedMultiplyAdd(s, v1, c71);
        }
        AddRow(ref c, 0, ld, c00, c01); AddRow(ref c, 1, ld, c10, c11); AddRow(ref c, 2, ld, c20, c21); AddRow(ref c, 3, ld, c30, c31);
        AddRow(ref c, 4, ld, c40, c41); AddRow(ref c, 5, ld, c50, c51); AddRow(ref c, 6, ld, c60, c61); AddRow(ref c, 7, ld, c70, c71);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(ref double c, int r, int ld, Vector512<double> lo, Vector512<double> hi)
    {
        ref double row = ref Unsafe.Add(ref c, (nint)r * ld);
        (Vector512.LoadUnsafe(ref row) + lo).StoreUnsafe(ref row);
        (Vector512.LoadUnsafe(ref row, 8) + hi).StoreUnsafe(ref row, 8);
    }

    /// <summary>C[4 × 8] += (rows r0..r0+3 of the A strip)ᵀ·(B strip): the Vector256 fallback.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x8(ref double a, int r0, ref double bs, int b, ref double c, int ld)
    {
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        for (int k = 0; k < b; k++)
        {
            nint o = (nint)k * Strip;
            var v0 = Vector256.LoadUnsafe(ref bs, (nuint)o);
            var v1 = Vector256.LoadUnsafe(ref bs, (nuint)(o + 4));
            ref double ak = ref Unsafe.Add(ref a, o + r0);
            var s = Vector256.Create(ak); c00 = Vector256.FusedMultiplyAdd(s, v0, c00); c01 = Vector256.FusedMultiplyAdd(s, v1, c01);
            s = Vector256.Create(Unsafe.Add(ref ak, 1)); c10 = Vector256.FusedMultiplyAdd(s, v0, c10); c11 = Vector256.FusedMultiplyAdd(s, v1, c11);
            s = Vector256.Create(Unsafe.Add(ref ak, 2)); c20 = Vector256.FusedMultiplyAdd(s, v0, c20); c21 = Vector256.FusedMultiplyAdd(s, v1, c21);
            s = Vector256.Create(Unsafe.Add(ref ak, 3)); c30 = Vector256.FusedMultiplyAdd(s, v0, c30); c31 = Vector256.FusedMultiplyAdd(s, v1, c31);
        }
        Span<Vector256<double>> acc = [c00, c01, c10, c11, c20, c21, c30, c31];
        for (int r = 0; r < 4; r++)
        {
            ref double row = ref Unsafe.Add(ref c, (nint)r * ld);
            (Vector256.LoadUnsafe(ref row) + acc[2 * r]).StoreUnsafe(ref row);
            (Vector256.LoadUnsafe(ref row, 4) + acc[2 * r + 1]).StoreUnsafe(ref row, 4);
        }
    }

    private static void TileScalar(ref double a, ref double bs, int b, ref double c, int ld)
    {
        for (int r = 0; r < Strip; r++)
            for (int q = 0; q < Strip; q++)
            {
                double s = 0;
                for (int k = 0; k < b; k++) s += Unsafe.Add(ref a, k * Strip + r) * Unsafe.Add(ref bs, k * Strip + q);
                Unsafe.Add(ref c, r * ld + q) += s;
            }
    }
}

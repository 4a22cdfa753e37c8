using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neuromorph.Reservoir;

/// <summary>
/// A sparse matrix in sliced ELLPACK form (Kreutzer et al. 2014, "A unified sparse matrix data
/// format for efficient general sparse matrix-vector multiplication on modern processors with wide
/// SIMD units", SIAM J. Sci. Comput. 36:C401) specialised for a short input vector: rows are taken
/// 16 at a time (one Vector512 of sums) and columns 32 at a time; inside such a 16 × 32 block the
/// k-th non-zero of every row forms slot k (value, and the column's offset 0–31 as one byte; rows
/// with fewer non-zeros padded with 0). y = A·x then needs, per slot, one two-table permute
/// (vpermi2ps) that looks the 16 x values up from the 32 held in two registers, and one fused
/// multiply-add — instead of three scalar loads per non-zero as in CSR. Rows are summed block by
/// block and slot by slot in column order, the same for any split of the rows, so results do not
/// depend on the thread count. Needs AVX-512F (<see cref="IsSupported"/>); built from a <see cref="CsrMatrix"/>.
/// </summary>
public sealed class SlicedEllMatrix
{
    private const int RowGroup = 16, ColBlock = 32;
    private readonly int[] _slotStart;   // per (row group, column block), groups major; length groups·blocks + 1
    private readonly float[] _values;    // 16 per slot
    private readonly byte[] _offsets;    // 16 per slot: column − 32·block

    /// <summary>Whether the machine has the AVX-512F permutes the product uses.</summary>
    public static bool IsSupported => Avx512F.IsSupported;
    /// <summary>Rows.</summary>
    public int Rows { get; }
    /// <summary>Columns.</summary>
    public int Cols { get; }
    /// <summary>Stored slots × 16 (non-zeros plus padding).</summary>
    public long StoredEntries => _values.LongLength;
    /// <summary>Rows per group: <see cref="MultiplyRows"/> takes row ranges starting at a multiple of it.</summary>
    public static int RowAlignment => RowGroup;

    /// <summary>Converts a CSR matrix (any column order within rows).</summary>
    public SlicedEllMatrix(CsrMatrix a)
    {
        ArgumentNullException.ThrowIfNull(a);
        Rows = a.Rows; Cols = a.Cols;
        int groups = (Rows + RowGroup - 1) / RowGroup, blocks = (Cols + ColBlock - 1) / ColBlock;
        _slotStart = new int[groups * blocks + 1];
        // Entries of each row sorted by column, so slots run in column order.
        var rp = a.RowPointers; var cols = (int[])a.Columns.Clone(); var vals = (float[])a.Values.Clone();
        for (int i = 0; i < Rows; i++) Array.Sort(cols, vals, rp[i], rp[i + 1] - rp[i]);
        var cursor = new int[RowGroup];
        for (int g = 0; g < groups; g++)
            for (int b = 0; b < blocks; b++)
            {
                int slots = 0;
                for (int r = g * RowGroup; r < Math.Min(Rows, (g + 1) * RowGroup); r++)
                {
                    int c = 0;
                    for (int k = rp[r]; k < rp[r + 1]; k++) if (cols[k] / ColBlock == b) c++;
                    slots = Math.Max(slots, c);
                }
                _slotStart[g * blocks + b + 1] = _slotStart[g * blocks + b] + slots;
            }
        int total = _slotStart[^1];
        _values = new float[(long)total * RowGroup];
        _offsets = new byte[(long)total * RowGroup];
        for (int g = 0; g < groups; g++)
        {
            for (int q = 0; q < RowGroup; q++) cursor[q] = g * RowGroup + q < Rows ? rp[g * RowGroup + q] : 0;
            for (int b = 0; b < blocks; b++)
            {
                int s0 = _slotStart[g * blocks + b];
                for (int q = 0; q < RowGroup; q++)
                {
                    int r = g * RowGroup + q;
                    if (r >= Rows) continue;
                    int s = s0;
                    for (; cursor[q] < rp[r + 1] && cols[cursor[q]] / ColBlock == b; cursor[q]++, s++)
                    {
                        _values[(long)s * RowGroup + q] = vals[cursor[q]];
                        _offsets[(long)s * RowGroup + q] = (byte)(cols[cursor[q]] - b * ColBlock);
                    }
                }
            }
        }
    }

    /// <summary>
    /// y[r0..r1) ← (A·x)[r0..r1); <paramref name="r0"/> must be a multiple of <see cref="RowAlignment"/>
    /// (and <paramref name="r1"/> too unless it is <see cref="Rows"/>). Allocation-free.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot from the first call: skip the unoptimised tier
    public void MultiplyRows(ReadOnlySpan<float> x, Span<float> y, int r0, int r1)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("SlicedEllMatrix needs AVX-512F");
        if (x.Length < Cols || y.Length < Rows) throw new ArgumentException($"x needs {Cols} and y {Rows} elements");
        if (r0 % RowGroup != 0 || (r1 % RowGroup != 0 && r1 != Rows) || r0 < 0 || r1 > Rows)
            throw new ArgumentOutOfRangeException(nameof(r0), $"rows [{r0}, {r1}) must start (and end, unless at {Rows}) on a multiple of {RowGroup}");
        int blocks = (Cols + ColBlock - 1) / ColBlock, fullBlocks = Cols / ColBlock;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float vals = ref MemoryMarshal.GetArrayDataReference(_values);
        ref byte offs = ref MemoryMarshal.GetArrayDataReference(_offsets);
        Span<float> tail = stackalloc float[ColBlock];
        tail.Clear();
        x[(fullBlocks * ColBlock)..Cols].CopyTo(tail);
        ref float rt = ref MemoryMarshal.GetReference(tail);
        Span<float> part = stackalloc float[RowGroup];
        for (int g = r0 / RowGroup; g * RowGroup < r1; g++)
        {
            // Four independent sums (slot s of a block goes to sum s mod 4) hide the FMA latency.
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            int sb = g * blocks;
            for (int b = 0; b < blocks; b++)
            {
                ref float xb = ref b < fullBlocks ? ref Unsafe.Add(ref rx, b * ColBlock) : ref rt;
                var lo = Vector512.LoadUnsafe(ref xb);
                var hi = Vector512.LoadUnsafe(ref xb, 16);
                int s = _slotStart[sb + b], s1 = _slotStart[sb + b + 1];
                for (; s + 3 < s1; s += 4)
                {
                    a0 = Slot(ref vals, ref offs, s, lo, hi, a0);
                    a1 = Slot(ref vals, ref offs, s + 1, lo, hi, a1);
                    a2 = Slot(ref vals, ref offs, s + 2, lo, hi, a2);
                    a3 = Slot(ref vals, ref offs, s + 3, lo, hi, a3);
                }
                if (s < s1) a0 = Slot(ref vals, ref offs, s, lo, hi, a0);
                if (s + 1 < s1) a1 = Slot(ref vals, ref offs, s + 1, lo, hi, a1);
                if (s + 2 < s1) a2 = Slot(ref vals, ref offs, s + 2, lo, hi, a2);
            }
            var acc = (a0 + a1) + (a2 + a3);
            int row = g * RowGroup;
            if (row + RowGroup <= Rows) acc.StoreUnsafe(ref y[row]);
            else { acc.StoreUnsafe(ref MemoryMarshal.GetReference(part)); part[..(Rows - row)].CopyTo(y[row..Rows]); }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Slot(ref float vals, ref byte offs, int s, Vector512<float> lo, Vector512<float> hi, Vector512<float> acc)
    {
        nuint o = (nuint)s * RowGroup;
        var idx = Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref offs, o));
        return Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref vals, o), Avx512F.PermuteVar16x32x2(lo, idx, hi), acc);
    }
}

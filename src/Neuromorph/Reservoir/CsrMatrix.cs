using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Neuromorph.Numerics;

namespace Neuromorph.Reservoir;

/// <summary>
/// A square or rectangular sparse float32 matrix in compressed-sparse-row form (row pointers,
/// column indices, values — three flat arrays, no object per entry). Used for the recurrent
/// weights of an echo-state network, whose product W·x is the cost of every time step.
/// </summary>
public sealed class CsrMatrix
{
    /// <summary>Row start offsets into <see cref="Columns"/>/<see cref="Values"/>, length Rows + 1.</summary>
    public int[] RowPointers { get; }
    /// <summary>Column index of each stored entry, sorted within a row.</summary>
    public int[] Columns { get; }
    /// <summary>Value of each stored entry.</summary>
    public float[] Values { get; }
    /// <summary>Number of rows.</summary>
    public int Rows { get; }
    /// <summary>Number of columns.</summary>
    public int Cols { get; }
    /// <summary>Number of stored entries.</summary>
    public int NonZeros => RowPointers[Rows];

    /// <summary>Wraps CSR arrays after checking that they agree.</summary>
    public CsrMatrix(int rows, int cols, int[] rowPointers, int[] columns, float[] values)
    {
        if (rows <= 0 || cols <= 0) throw new ArgumentOutOfRangeException(nameof(rows), $"matrix must be at least 1×1, got {rows}×{cols}");
        if (rowPointers.Length != rows + 1) throw new ArgumentException($"rowPointers has {rowPointers.Length} entries, expected {rows + 1}");
        if (rowPointers[0] != 0 || columns.Length != rowPointers[rows] || values.Length != columns.Length)
            throw new ArgumentException("CSR arrays disagree: rowPointers[0] must be 0 and rowPointers[rows] the number of entries");
        for (int i = 0; i < rows; i++)
        {
            if (rowPointers[i + 1] < rowPointers[i]) throw new ArgumentException($"rowPointers decrease at row {i}");
            for (int k = rowPointers[i]; k < rowPointers[i + 1]; k++)
                if ((uint)columns[k] >= (uint)cols) throw new ArgumentException($"column index {columns[k]} in row {i} is outside [0, {cols})");
        }
        Rows = rows; Cols = cols; RowPointers = rowPointers; Columns = columns; Values = values;
    }

    /// <summary>
    /// A random sparse matrix: each row gets exactly round(density·cols) distinct columns (at least
    /// one), values N(0, 1) (or U(−1, 1) when <paramref name="uniform"/>). Row i draws from the
    /// stream (seed, component, i), so the matrix does not depend on thread count.
    /// </summary>
    public static CsrMatrix Random(int rows, int cols, double density, ulong seed, string component, bool uniform = false)
    {
        if (rows <= 0 || cols <= 0) throw new ArgumentOutOfRangeException(nameof(rows), $"matrix must be at least 1×1, got {rows}×{cols}");
        if (!(density > 0 && density <= 1)) throw new ArgumentOutOfRangeException(nameof(density), density, "density must be in (0, 1]");
        int perRow = Math.Max(1, (int)Math.Round(density * cols));
        var rp = new int[rows + 1];
        for (int i = 0; i < rows; i++) rp[i + 1] = rp[i] + perRow;
        var colIdx = new int[(long)rows * perRow];
        var vals = new float[colIdx.Length];
        uint comp = Philox.ComponentId(component);
        Parallel.For(0, rows, Parallelism.Options, () => new int[cols], (i, _, perm) =>
        {
            var rng = new RandomStream(seed, comp, (uint)i);
            // Partial Fisher–Yates: the first perRow entries of a random permutation of the columns.
            for (int c = 0; c < cols; c++) perm[c] = c;
            for (int k = 0; k < perRow; k++) { int j = k + rng.NextInt(cols - k); (perm[k], perm[j]) = (perm[j], perm[k]); }
            var cs = colIdx.AsSpan(rp[i], perRow);
            perm.AsSpan(0, perRow).CopyTo(cs);
            cs.Sort();
            var vs = vals.AsSpan(rp[i], perRow);
            for (int k = 0; k < perRow; k++) vs[k] = uniform ? (float)rng.Uniform(-1, 1) : (float)rng.NextNormal();
            return perm;
        }, _ => { });
        return new CsrMatrix(rows, cols, rp, colIdx, vals);
    }

    /// <summary>Builds a CSR matrix from a dense row-major array, keeping the non-zero entries.</summary>
    public static CsrMatrix FromDense(ReadOnlySpan<float> dense, int rows, int cols)
    {
        if (dense.Length != rows * cols) throw new ArgumentException($"dense has {dense.Length} values, expected {rows}×{cols}");
        var rp = new int[rows + 1]; var c = new List<int>(); var v = new List<float>();
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) if (dense[i * cols + j] != 0f) { c.Add(j); v.Add(dense[i * cols + j]); }
            rp[i + 1] = c.Count;
        }
        return new CsrMatrix(rows, cols, rp, [.. c], [.. v]);
    }

    /// <summary>Multiplies every stored value by <paramref name="factor"/> in place.</summary>
    public void Scale(float factor) => System.Numerics.Tensors.TensorPrimitives.Multiply(Values, factor, Values);

    /// <summary>y[r0..r1) ← (A·x)[r0..r1). Allocation-free; rows outside the range are untouched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MultiplyRows(ReadOnlySpan<float> x, Span<float> y, int r0, int r1)
    {
        ref int rp = ref MemoryMarshal.GetArrayDataReference(RowPointers);
        ref int ci = ref MemoryMarshal.GetArrayDataReference(Columns);
        ref float va = ref MemoryMarshal.GetArrayDataReference(Values);
        ref float rx = ref MemoryMarshal.GetReference(x);
        if (x.Length < Cols || y.Length < Rows) throw new ArgumentException($"x needs {Cols} and y {Rows} elements");
        for (int i = r0; i < r1; i++)
        {
            int k0 = Unsafe.Add(ref rp, i), k1 = Unsafe.Add(ref rp, i + 1);
            float s0 = 0f, s1 = 0f;
            int k = k0;
            for (; k + 1 < k1; k += 2)
            {
                s0 += Unsafe.Add(ref va, k) * Unsafe.Add(ref rx, Unsafe.Add(ref ci, k));
                s1 += Unsafe.Add(ref va, k + 1) * Unsafe.Add(ref rx, Unsafe.Add(ref ci, k + 1));
            }
            if (k < k1) s0 += Unsafe.Add(ref va, k) * Unsafe.Add(ref rx, Unsafe.Add(ref ci, k));
            y[i] = s0 + s1;
        }
    }

    /// <summary>y ← A·x (single thread).</summary>
    public void Multiply(ReadOnlySpan<float> x, Span<float> y) => MultiplyRows(x, y, 0, Rows);

    /// <summary>y ← A·x in double precision (for eigenvalue iterations).</summary>
    public void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length < Cols || y.Length < Rows) throw new ArgumentException($"x needs {Cols} and y {Rows} elements");
        for (int i = 0; i < Rows; i++)
        {
            double s = 0;
            for (int k = RowPointers[i]; k < RowPointers[i + 1]; k++) s += Values[k] * x[Columns[k]];
            y[i] = s;
        }
    }

    /// <summary>The matrix as a dense row-major double array.</summary>
    public double[] ToDenseDouble()
    {
        var d = new double[(long)Rows * Cols];
        for (int i = 0; i < Rows; i++)
            for (int k = RowPointers[i]; k < RowPointers[i + 1]; k++) d[(long)i * Cols + Columns[k]] = Values[k];
        return d;
    }
}

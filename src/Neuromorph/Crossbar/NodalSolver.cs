using MathNet.Numerics.LinearAlgebra;

namespace Neuromorph.Crossbar;

/// <summary>
/// Cell current law I(V) of a cross-point. Linear (1T1R or an ideal resistor): I = G·V.
/// Selector-less 0T1R cells are nonlinear; the common symmetric form I = G·V₀·sinh(V/V₀)
/// (small-signal conductance G, current rising exponentially above V₀) models the
/// half-select suppression a nonlinear cell gives against sneak paths.
/// </summary>
/// <param name="NonlinearVoltage">V₀ (V); 0 or ∞ = linear.</param>
public readonly record struct CellLaw(double NonlinearVoltage = 0)
{
    /// <summary>True for the linear law.</summary>
    public bool IsLinear => !(NonlinearVoltage > 0) || double.IsPositiveInfinity(NonlinearVoltage);

    /// <summary>Cell current for conductance g and voltage v across it.</summary>
    public double Current(double g, double v) => IsLinear ? g * v : g * NonlinearVoltage * Math.Sinh(v / NonlinearVoltage);

    /// <summary>Secant conductance I(v)/v (the Picard linearisation), g at v = 0.</summary>
    public double Secant(double g, double v)
    {
        if (IsLinear) return g;
        double u = v / NonlinearVoltage;
        return Math.Abs(u) < 1e-6 ? g : g * Math.Sinh(u) / u;
    }
}

/// <summary>
/// Nodal solution of a crossbar with wire resistance. Rows (word lines, index i) are driven at
/// their left end (column index 0 side) through one row segment; each cell (i, j) joins row node
/// (i, j) to column node (i, j); columns (bit lines) end at a virtual ground (the TIA) below the
/// last row through one column segment. Kirchhoff's current law at every node gives a sparse
/// symmetric system with 2·M·N unknowns (Chen, "Design of resistive synaptic array for implementing
/// on-chip sparse learning", IEEE TCAD 2015; CrossSim's parasitic solver). It is solved by line
/// relaxation: each row and each column is a tridiagonal system given the other set of lines
/// (Thomas algorithm), alternated until the largest node update is below the tolerance (block
/// Gauss–Seidel, convergent for this SPD system); nonlinear cells use their secant conductance
/// at the current iterate. Rows may float (no driver), which exposes sneak paths in 0T1R arrays.
/// </summary>
public sealed class NodalSolver
{
    private readonly int _m, _n;
    private readonly double[] _u, _w;     // row-node and column-node voltages (M × N)
    private readonly double[] _a, _b, _c, _d, _x; // tridiagonal scratch

    /// <summary>Creates a solver for an M × N array.</summary>
    public NodalSolver(int rows, int cols)
    {
        if (rows < 1 || cols < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"array must be at least 1×1 (got {rows}×{cols})");
        _m = rows; _n = cols;
        _u = new double[rows * cols]; _w = new double[rows * cols];
        int k = Math.Max(rows, cols);
        _a = new double[k]; _b = new double[k]; _c = new double[k]; _d = new double[k]; _x = new double[k];
    }

    /// <summary>Row-node voltages after <see cref="Solve"/>.</summary>
    public ReadOnlySpan<double> RowVoltages => _u;
    /// <summary>Column-node voltages after <see cref="Solve"/>.</summary>
    public ReadOnlySpan<double> ColumnVoltages => _w;
    /// <summary>Sweeps used by the last solve.</summary>
    public int Iterations { get; private set; }

    /// <summary>
    /// Solves for the column output currents (A, into the virtual grounds).
    /// </summary>
    /// <param name="g">Cell conductances (S), M × N row-major.</param>
    /// <param name="v">Row drive voltages (V); NaN = floating row.</param>
    /// <param name="rRow">Resistance of one row-wire segment (Ω); 0 = ideal row wires.</param>
    /// <param name="rCol">Resistance of one column-wire segment (Ω); 0 = ideal column wires.</param>
    /// <param name="output">Column currents (A), length N.</param>
    /// <param name="law">Cell I–V law.</param>
    /// <param name="tolerance">Stop when the largest node update is below this (V).</param>
    /// <param name="maxIterations">Most sweeps; throws if not converged.</param>
    /// <param name="floatingColumns">Columns with no virtual ground (open bit lines, as in a single-cell read of a 0T1R array); empty = all grounded.</param>
    public void Solve(ReadOnlySpan<double> g, ReadOnlySpan<double> v, double rRow, double rCol, Span<double> output, CellLaw law = default, double tolerance = 1e-9, int maxIterations = 20000, ReadOnlySpan<bool> floatingColumns = default)
    {
        if (!floatingColumns.IsEmpty && floatingColumns.Length != _n) throw new ArgumentException($"floatingColumns has {floatingColumns.Length} entries, expected {_n}", nameof(floatingColumns));
        if (!floatingColumns.IsEmpty && rCol == 0 && floatingColumns.Contains(true)) throw new ArgumentException("floating columns need rCol > 0", nameof(floatingColumns));
        int m = _m, n = _n;
        if (g.Length != m * n) throw new ArgumentException($"g has {g.Length} entries, expected {m}×{n}", nameof(g));
        if (v.Length != m) throw new ArgumentException($"v has {v.Length} entries, expected {m}", nameof(v));
        if (output.Length != n) throw new ArgumentException($"output has {output.Length} entries, expected {n}", nameof(output));
        if (!(rRow >= 0) || !(rCol >= 0)) throw new ArgumentOutOfRangeException(nameof(rRow), "wire resistances must be ≥ 0");
        bool idealRows = rRow == 0, idealCols = rCol == 0;
        for (int i = 0; i < m; i++)
            if (idealRows && double.IsNaN(v[i])) throw new ArgumentException("a floating row needs rRow > 0 (an ideal floating row has no defined voltage)", nameof(v));
        double gr = idealRows ? 0 : 1 / rRow, gc = idealCols ? 0 : 1 / rCol;
        // Initial guess: rows at their drive (floating rows at 0), columns at ground.
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) { _u[i * n + j] = double.IsNaN(v[i]) ? 0 : v[i]; _w[i * n + j] = 0; }
        if (idealRows && idealCols) { Iterations = 0; Output(g, v, gc, idealCols, output, law); return; }
        int it = 0;
        for (; it < maxIterations; it++)
        {
            double delta = 0;
            if (!idealRows)
                for (int i = 0; i < m; i++)
                {
                    // Row i: nodes j = 0..n−1; driver on the left through one segment (if driven).
                    bool driven = !double.IsNaN(v[i]);
                    for (int j = 0; j < n; j++)
                    {
                        int k = i * n + j;
                        double gs = law.Secant(g[k], _u[k] - _w[k]);
                        double left = j > 0 ? gr : (driven ? gr : 0), right = j < n - 1 ? gr : 0;
                        _a[j] = j > 0 ? -gr : 0; _c[j] = j < n - 1 ? -gr : 0;
                        _b[j] = left + right + gs;
                        _d[j] = gs * _w[k] + (j == 0 && driven ? gr * v[i] : 0);
                    }
                    Thomas(n);
                    for (int j = 0; j < n; j++) { int k = i * n + j; delta = Math.Max(delta, Math.Abs(_x[j] - _u[k])); _u[k] = _x[j]; }
                }
            if (!idealCols)
                for (int j = 0; j < n; j++)
                {
                    // Column j: nodes i = 0..m−1; virtual ground below the last row through one segment.
                    bool open = !floatingColumns.IsEmpty && floatingColumns[j];
                    for (int i = 0; i < m; i++)
                    {
                        int k = i * n + j;
                        double gs = law.Secant(g[k], _u[k] - _w[k]);
                        double up = i > 0 ? gc : 0, down = i < m - 1 || !open ? gc : 0;
                        _a[i] = i > 0 ? -gc : 0; _c[i] = i < m - 1 ? -gc : 0;
                        _b[i] = up + down + gs;
                        _d[i] = gs * _u[k];
                    }
                    Thomas(m);
                    for (int i = 0; i < m; i++) { int k = i * n + j; delta = Math.Max(delta, Math.Abs(_x[i] - _w[k])); _w[k] = _x[i]; }
                }
            if (delta < tolerance && (law.IsLinear || it > 0)) { it++; break; }
            if (idealRows ^ idealCols && law.IsLinear) { it++; break; }   // one set of lines fixed: one exact sweep
        }
        if (it >= maxIterations) throw new InvalidOperationException($"nodal solve did not converge in {maxIterations} sweeps (tolerance {tolerance:G3} V)");
        Iterations = it;
        Output(g, v, gc, idealCols, output, law);
        if (!floatingColumns.IsEmpty) for (int j = 0; j < n; j++) if (floatingColumns[j]) output[j] = 0;
    }

    private void Output(ReadOnlySpan<double> g, ReadOnlySpan<double> v, double gc, bool idealCols, Span<double> output, CellLaw law)
    {
        int m = _m, n = _n;
        for (int j = 0; j < n; j++)
        {
            if (idealCols)
            {
                double s = 0;
                for (int i = 0; i < m; i++) { int k = i * n + j; s += law.Current(g[k], _u[k]); }
                output[j] = s;
            }
            else output[j] = gc * _w[(m - 1) * n + j];
        }
    }

    private void Thomas(int n)
    {
        // Forward elimination (diagonally dominant, no pivoting needed).
        for (int i = 1; i < n; i++)
        {
            double f = _a[i] / _b[i - 1];
            _b[i] -= f * _c[i - 1];
            _d[i] -= f * _d[i - 1];
        }
        _x[n - 1] = _d[n - 1] / _b[n - 1];
        for (int i = n - 2; i >= 0; i--) _x[i] = (_d[i] - _c[i] * _x[i + 1]) / _b[i];
    }

    /// <summary>
    /// Reference solution for linear cells: assembles the full 2MN × 2MN nodal matrix and solves
    /// it by LU decomposition (MathNet). For validation on small arrays.
    /// </summary>
    public static double[] DirectSolve(int rows, int cols, ReadOnlySpan<double> g, ReadOnlySpan<double> v, double rRow, double rCol)
    {
        if (!(rRow > 0 && rCol > 0)) throw new ArgumentOutOfRangeException(nameof(rRow), "the direct solve needs rRow > 0 and rCol > 0");
        int m = rows, n = cols, nn = 2 * m * n;
        var a = Matrix<double>.Build.Dense(nn, nn);
        var b = Vector<double>.Build.Dense(nn);
        double gr = 1 / rRow, gc = 1 / rCol;
        int U(int i, int j) => i * n + j;
        int W(int i, int j) => m * n + i * n + j;
        void Link(int p, int q, double cond) { a[p, p] += cond; a[q, q] += cond; a[p, q] -= cond; a[q, p] -= cond; }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                Link(U(i, j), W(i, j), g[i * n + j]);
                if (j > 0) Link(U(i, j - 1), U(i, j), gr);
                else if (!double.IsNaN(v[i])) { a[U(i, 0), U(i, 0)] += gr; b[U(i, 0)] += gr * v[i]; }
                if (i > 0) Link(W(i - 1, j), W(i, j), gc);
                if (i == m - 1) a[W(i, j), W(i, j)] += gc;
            }
        var x = a.LU().Solve(b);
        var outp = new double[n];
        for (int j = 0; j < n; j++) outp[j] = gc * x[W(m - 1, j)];
        return outp;
    }

    /// <summary>
    /// Fast approximate mode: the wire voltages implied by the cell currents are exact on each line
    /// (a row is a chain fed from its driver, so the drop at cell j is r_row·Σ_{k≤j} Σ_{l≥k} I_il;
    /// a column is a chain into its ground, so its rise at cell i is r_col·Σ_{k≥i} Σ_{l≤k} I_lj),
    /// and the cell currents follow from the cell voltages. Starting from the ideal currents
    /// G_ij·V_i, <paramref name="iterations"/> rounds of this Jacobi fixed point give the
    /// first-order (1 round), second-order (2 rounds), … IR-drop corrections at O(M·N) each, the
    /// cost of one MVM. Converges to the nodal solution of driven rows and grounded columns when
    /// the coupling G·R along a line is weak; for strong coupling use <see cref="Solve"/>.
    /// Returns the largest change of a cell voltage in the last round relative to the largest
    /// drive (a convergence indicator: large or growing means the fixed point diverges).
    /// </summary>
    public static double ApproximateCurrents(int rows, int cols, ReadOnlySpan<double> g, ReadOnlySpan<double> v, double rRow, double rCol, Span<double> output, int iterations, Span<double> scratch)
    {
        int m = rows, n = cols;
        if (g.Length != m * n || v.Length != m || output.Length != n) throw new ArgumentException("dimension mismatch");
        if (scratch.Length < 2 * m * n) throw new ArgumentException($"scratch needs {2 * m * n} entries", nameof(scratch));
        var vc = scratch[..(m * n)];
        var cur = scratch.Slice(m * n, m * n);
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) vc[i * n + j] = v[i];
        double vmax = 0; foreach (var x in v) vmax = Math.Max(vmax, Math.Abs(x));
        if (vmax == 0) vmax = 1;
        double change = 0;
        for (int it = 0; it < iterations; it++)
        {
            change = 0;
            for (int k = 0; k < m * n; k++) cur[k] = g[k] * vc[k];
            // Row drops: current in the segment feeding node j is the sum of cells j..n−1.
            for (int i = 0; i < m; i++)
            {
                double tail = 0;
                for (int j = 0; j < n; j++) tail += cur[i * n + j];
                double u = v[i];
                for (int j = 0; j < n; j++)
                {
                    u -= rRow * tail;
                    tail -= cur[i * n + j];
                    cur[i * n + j] = vc[i * n + j];   // keep the previous cell voltage for the change
                    vc[i * n + j] = u;
                }
            }
            // Column rises: the segment below node i carries the sum of cells 0..i (currents from the previous voltages).
            for (int j = 0; j < n; j++)
            {
                double head = 0;
                for (int i = 0; i < m; i++) { cur[i * n + j] *= g[i * n + j]; head += cur[i * n + j]; }
                double w = 0;
                for (int i = m - 1; i >= 0; i--)
                {
                    w += rCol * head;
                    double prev = cur[i * n + j] / (g[i * n + j] == 0 ? 1 : g[i * n + j]);
                    head -= cur[i * n + j];
                    vc[i * n + j] -= w;
                    change = Math.Max(change, Math.Abs(vc[i * n + j] - prev));
                }
            }
        }
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int i = 0; i < m; i++) s += g[i * n + j] * vc[i * n + j];
            output[j] = s;
        }
        return change / vmax;
    }
}

using MathNet.Numerics.LinearAlgebra;

namespace Neuromorph.Reservoir;

/// <summary>How the spectral radius ρ(W) = max |λᵢ(W)| is computed.</summary>
public enum SpectralMethod
{
    /// <summary><see cref="Eigen"/> up to <see cref="SpectralRadius.DenseLimit"/> units, <see cref="Arnoldi"/> above.</summary>
    Auto,
    /// <summary>All eigenvalues of the dense matrix (MathNet: Hessenberg reduction + shifted QR), exact to rounding.</summary>
    Eigen,
    /// <summary>Arnoldi iteration with Ritz-residual stopping criterion (for large sparse W).</summary>
    Arnoldi,
}

/// <summary>The computed spectral radius and how well it is known.</summary>
/// <param name="Radius">ρ(W).</param>
/// <param name="Method">Method actually used.</param>
/// <param name="RelativeResidual">‖W·v − θ·v‖/|θ| of the dominant Ritz pair (0 for the dense eigensolver).</param>
/// <param name="Iterations">Krylov dimension reached (0 for the dense eigensolver).</param>
public readonly record struct SpectralRadiusResult(double Radius, SpectralMethod Method, double RelativeResidual, int Iterations);

/// <summary>
/// Spectral radius of a recurrent weight matrix, computed — never assumed from the random-matrix
/// circular law. Dense: every eigenvalue by MathNet's nonsymmetric eigensolver. Sparse/large:
/// Arnoldi (Saad 2011, "Numerical Methods for Large Eigenvalue Problems", alg. 6.1) with modified
/// Gram–Schmidt; after every 10 Krylov vectors the eigenvalues of the small Hessenberg matrix H_m
/// (Ritz values) are computed and the iteration stops when the dominant Ritz pair (θ, y) has
/// residual ‖W·V_m·y − θ·V_m·y‖ = h_{m+1,m}·|e_mᵀy| ≤ tol·|θ|.
/// </summary>
public static class SpectralRadius
{
    /// <summary>Largest size for which <see cref="SpectralMethod.Auto"/> uses the dense eigensolver.</summary>
    public const int DenseLimit = 300;

    /// <summary>Computes ρ(W) of a square matrix.</summary>
    /// <param name="w">The matrix (square).</param>
    /// <param name="method">Method.</param>
    /// <param name="tolerance">Relative Ritz residual at which Arnoldi stops (ignored by the dense solver).</param>
    /// <param name="maxKrylov">Largest Krylov dimension; if reached without meeting the tolerance an exception names the residual.</param>
    /// <param name="seed">Seed of the Arnoldi start vector.</param>
    public static SpectralRadiusResult Compute(CsrMatrix w, SpectralMethod method = SpectralMethod.Auto, double tolerance = 1e-8, int maxKrylov = 600, ulong seed = 1)
    {
        if (w.Rows != w.Cols) throw new ArgumentException($"spectral radius needs a square matrix, got {w.Rows}×{w.Cols}");
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "tolerance must be > 0");
        if (method == SpectralMethod.Auto) method = w.Rows <= DenseLimit ? SpectralMethod.Eigen : SpectralMethod.Arnoldi;
        return method == SpectralMethod.Eigen ? Dense(w) : Arnoldi(w, tolerance, maxKrylov, seed);
    }

    private static SpectralRadiusResult Dense(CsrMatrix w)
    {
        int n = w.Rows;
        var m = Matrix<double>.Build.Dense(n, n);
        for (int i = 0; i < n; i++)
            for (int k = w.RowPointers[i]; k < w.RowPointers[i + 1]; k++) m[i, w.Columns[k]] = w.Values[k];
        var ev = m.Evd().EigenValues;
        double r = 0;
        foreach (var l in ev) r = Math.Max(r, l.Magnitude);
        return new SpectralRadiusResult(r, SpectralMethod.Eigen, 0, 0);
    }

    private static SpectralRadiusResult Arnoldi(CsrMatrix w, double tol, int maxKrylov, ulong seed)
    {
        int n = w.Rows, mMax = Math.Min(maxKrylov, n);
        var v = new double[mMax + 1][];
        var h = new double[mMax + 1, mMax];
        var rng = new Numerics.RandomStream(seed, "arnoldi-start");
        v[0] = new double[n];
        for (int i = 0; i < n; i++) v[0][i] = rng.NextNormal();
        Normalize(v[0]);
        double lastRadius = 0, lastResidual = double.PositiveInfinity;
        for (int j = 0; j < mMax; j++)
        {
            var z = new double[n];
            w.Multiply(v[j], z);
            for (int i = 0; i <= j; i++)
            {
                double hij = Dot(v[i], z);
                h[i, j] = hij;
                for (int k = 0; k < n; k++) z[k] -= hij * v[i][k];
            }
            double beta = Math.Sqrt(Dot(z, z));
            h[j + 1, j] = beta;
            int m = j + 1;
            bool breakdown = beta < 1e-14;
            if (breakdown || m % 10 == 0 || m == mMax)
            {
                var hm = Matrix<double>.Build.Dense(m, m, (a, b) => h[a, b]);
                var evd = hm.Evd();
                int best = 0;
                for (int i = 1; i < m; i++) if (evd.EigenValues[i].Magnitude > evd.EigenValues[best].Magnitude) best = i;
                double theta = evd.EigenValues[best].Magnitude;
                // Residual of the Ritz pair: β·|last component of the (complex) eigenvector|, normalised.
                var vecs = evd.EigenVectors;
                double lastComp, norm = 0;
                if (evd.EigenValues[best].Imaginary == 0)
                {
                    for (int i = 0; i < m; i++) norm += vecs[i, best] * vecs[i, best];
                    lastComp = Math.Abs(vecs[m - 1, best]);
                }
                else
                {
                    // A complex-conjugate pair is stored as two adjacent real columns (real part, imaginary part).
                    var conj = System.Numerics.Complex.Conjugate(evd.EigenValues[best]);
                    int partner = best + 1 < m && (evd.EigenValues[best + 1] - conj).Magnitude <= 1e-12 * theta ? best + 1 : best - 1;
                    int re = Math.Min(best, partner), im = re + 1;
                    for (int i = 0; i < m; i++) norm += vecs[i, re] * vecs[i, re] + vecs[i, im] * vecs[i, im];
                    lastComp = Math.Sqrt(vecs[m - 1, re] * vecs[m - 1, re] + vecs[m - 1, im] * vecs[m - 1, im]);
                }
                double residual = beta * lastComp / Math.Sqrt(norm) / Math.Max(theta, 1e-300);
                lastRadius = theta; lastResidual = residual;
                if (breakdown || residual <= tol) return new SpectralRadiusResult(theta, SpectralMethod.Arnoldi, residual, m);
            }
            v[j + 1] = z;
            for (int k = 0; k < n; k++) z[k] /= beta;
        }
        throw new InvalidOperationException(
            $"Arnoldi did not reach relative residual {tol:G3} within {mMax} Krylov vectors (ρ ≈ {lastRadius:G6}, residual {lastResidual:G3}); raise the Krylov limit or the tolerance, or use the dense eigensolver");
    }

    private static double Dot(double[] a, double[] b) => System.Numerics.Tensors.TensorPrimitives.Dot<double>(a, b);
    private static void Normalize(double[] a) { double s = Math.Sqrt(Dot(a, a)); for (int i = 0; i < a.Length; i++) a[i] /= s; }
}

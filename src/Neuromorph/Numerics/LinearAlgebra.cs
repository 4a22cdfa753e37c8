using MathNet.Numerics.LinearAlgebra;

namespace Neuromorph.Numerics;

/// <summary>
/// Dense solves in double precision (MathNet.Numerics): Cholesky for symmetric positive-definite
/// systems, LU with partial pivoting for general ones, and ridge regression.
/// </summary>
public static class LinearAlgebra
{
    /// <summary>Solves A·X = B for symmetric positive-definite A by Cholesky factorisation.</summary>
    /// <exception cref="InvalidOperationException">A is not positive definite.</exception>
    public static Matrix<double> CholeskySolve(Matrix<double> a, Matrix<double> b)
    {
        if (a.RowCount != a.ColumnCount) throw new ArgumentException($"A must be square, got {a.RowCount}×{a.ColumnCount}");
        try { return a.Cholesky().Solve(b); }
        catch (ArgumentException e) { throw new InvalidOperationException("matrix is not symmetric positive definite; increase the ridge regularisation", e); }
    }

    /// <summary>Solves A·x = b by LU factorisation with partial pivoting.</summary>
    public static Vector<double> LuSolve(Matrix<double> a, Vector<double> b)
    {
        if (a.RowCount != a.ColumnCount) throw new ArgumentException($"A must be square, got {a.RowCount}×{a.ColumnCount}");
        var lu = a.LU();
        if (Math.Abs(lu.Determinant) < 1e-300) throw new InvalidOperationException("matrix is singular");
        return lu.Solve(b);
    }
}

/// <summary>
/// Ridge (Tikhonov) regression W = (XᵀX + λI)⁻¹ XᵀY, solved by Cholesky on the normal
/// equations in double precision. A bias column is appended unless disabled and is not
/// penalised. The Gram matrix XᵀX is accumulated once so several λ can be tried cheaply
/// (<see cref="Fit(double)"/> after <see cref="Accumulate"/>).
/// </summary>
public sealed class RidgeRegression
{
    private readonly int _features, _outputs;
    private readonly bool _bias;
    private readonly double[] _xtx;   // (d × d), d = features (+1)
    private readonly double[] _xty;   // (d × outputs)
    private long _samples;

    /// <summary>Creates an accumulator for <paramref name="features"/> inputs and <paramref name="outputs"/> targets.</summary>
    public RidgeRegression(int features, int outputs, bool bias = true)
    {
        if (features <= 0 || outputs <= 0) throw new ArgumentOutOfRangeException(nameof(features), "features and outputs must be positive");
        _features = features; _outputs = outputs; _bias = bias;
        int d = Dim;
        _xtx = new double[d * d]; _xty = new double[d * outputs];
    }

    private int Dim => _features + (_bias ? 1 : 0);
    /// <summary>Number of samples accumulated.</summary>
    public long Samples => _samples;

    /// <summary>Adds rows of X (samples × features) and Y (samples × outputs) to the normal equations.</summary>
    public void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int samples)
    {
        if (x.Length < samples * _features) throw new ArgumentException($"X has {x.Length} values, expected {samples}×{_features}");
        if (y.Length < samples * _outputs) throw new ArgumentException($"Y has {y.Length} values, expected {samples}×{_outputs}");
        int d = Dim;
        var row = new double[d];
        for (int s = 0; s < samples; s++)
        {
            for (int f = 0; f < _features; f++) row[f] = x[s * _features + f];
            if (_bias) row[_features] = 1.0;
            for (int i = 0; i < d; i++)
            {
                double ri = row[i];
                if (ri == 0) continue;
                int off = i * d;
                for (int j = i; j < d; j++) _xtx[off + j] += ri * row[j];
                int offy = i * _outputs;
                for (int o = 0; o < _outputs; o++) _xty[offy + o] += ri * y[s * _outputs + o];
            }
        }
        _samples += samples;
    }

    /// <summary>Solves for the readout with regularisation λ ≥ 0; returns W as (features(+1) × outputs) row-major, bias last.</summary>
    public float[] Fit(double lambda)
    {
        if (lambda < 0 || double.IsNaN(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ must be ≥ 0");
        if (_samples == 0) throw new InvalidOperationException("no samples accumulated");
        int d = Dim;
        var a = Matrix<double>.Build.Dense(d, d);
        for (int i = 0; i < d; i++)
            for (int j = i; j < d; j++) { double v = _xtx[i * d + j]; a[i, j] = v; a[j, i] = v; }
        // Penalise every weight but the bias; a tiny jitter keeps the bias row well posed.
        for (int i = 0; i < _features; i++) a[i, i] += lambda;
        if (_bias) a[_features, _features] += 1e-12 * Math.Max(1, _samples);
        var b = Matrix<double>.Build.Dense(d, _outputs, (i, o) => _xty[i * _outputs + o]);
        Matrix<double> w;
        try { w = a.Cholesky().Solve(b); }
        catch (ArgumentException) { w = a.Svd().Solve(b); }   // rank-deficient and λ = 0: minimum-norm least squares
        var result = new float[d * _outputs];
        for (int i = 0; i < d; i++) for (int o = 0; o < _outputs; o++) result[i * _outputs + o] = (float)w[i, o];
        return result;
    }

    /// <summary>Applies a fitted readout: Y = [X, 1]·W.</summary>
    public static void Predict(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, int samples, int features, int outputs, bool bias = true)
    {
        for (int s = 0; s < samples; s++)
        {
            var yr = y.Slice(s * outputs, outputs);
            if (bias) w.Slice(features * outputs, outputs).CopyTo(yr); else yr.Clear();
            var xr = x.Slice(s * features, features);
            for (int f = 0; f < features; f++)
            {
                float xv = xr[f];
                if (xv != 0f) Kernels.AxpyFma(xv, w.Slice(f * outputs, outputs), yr);
            }
        }
    }
}

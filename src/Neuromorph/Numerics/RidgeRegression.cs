using System.Numerics.Tensors;

namespace Neuromorph.Numerics;

/// <summary>
/// Ridge-regression readout W = (XᵀX + λI)⁻¹ XᵀY with an unpenalised bias (Tikhonov 1963; the
/// standard reservoir readout, Lukoševičius 2012, "A practical guide to applying echo state
/// networks"). The Gram matrix of [X, 1, Y] — XᵀX, the bias column and XᵀY at once — is
/// accumulated in double precision by a packed, register-blocked SYRK (<see cref="GramAccumulator"/>),
/// so several λ are tried for the cost of one Cholesky factorisation each. The result is (features + 1) × outputs, bias last, as
/// <see cref="Predict"/> reads it.
/// </summary>
public sealed class RidgeRegression
{
    private readonly int _f, _o, _d;
    private readonly GramAccumulator _gram;
    private long _samples;

    /// <summary>Creates an accumulator for <paramref name="features"/> inputs and <paramref name="outputs"/> targets.</summary>
    public RidgeRegression(int features, int outputs)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "features must be ≥ 1");
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "outputs must be ≥ 1");
        _f = features; _o = outputs; _d = features + 1;
        _gram = new GramAccumulator(features + 1 + outputs);
    }

    /// <summary>Features per sample.</summary>
    public int Features => _f;
    /// <summary>Outputs per sample.</summary>
    public int Outputs => _o;
    /// <summary>Samples accumulated so far.</summary>
    public long Samples => _samples;

    /// <summary>Adds rows of X (samples × features) and Y (samples × outputs).</summary>
    public void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int samples)
    {
        if (samples < 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "samples must be ≥ 0");
        if (x.Length < (long)samples * _f) throw new ArgumentException($"X has {x.Length} values, expected {samples}×{_f}");
        if (y.Length < (long)samples * _o) throw new ArgumentException($"Y has {y.Length} values, expected {samples}×{_o}");
        _gram.Add(x, _f, y, _o, samples);
        _samples += samples;
    }

    /// <summary>
    /// Solves (XᵀX + λI)w = XᵀY with the bias unpenalised, by Cholesky factorisation in double
    /// precision; returns (features + 1) × outputs, bias last.
    /// </summary>
    public float[] Fit(double lambda)
    {
        if (!(lambda >= 0) || !double.IsFinite(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ must be finite and ≥ 0");
        if (_samples == 0) throw new InvalidOperationException("no samples accumulated");
        int d = _d, ld = _gram.Stride;
        var g = _gram.Gram;
        var a = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = i; j < d; j++) { a[i * d + j] = g[i * ld + j]; a[j * d + i] = g[i * ld + j]; }
        double trace = 0; for (int i = 0; i < _f; i++) trace += a[i * d + i];
        for (int i = 0; i < _f; i++) a[i * d + i] += lambda;
        // A vanishing jitter (relative to the mean diagonal) keeps λ = 0 and constant features factorable.
        double jitter = 1e-13 * Math.Max(trace / _f, 1e-300);
        for (int i = 0; i < d; i++) a[i * d + i] += jitter;
        if (!Cholesky(a, d))
            throw new InvalidOperationException($"XᵀX + λI is not positive definite at λ = {lambda:G3} (features are linearly dependent); increase the ridge regularisation");
        var w = new double[d * _o];
        for (int i = 0; i < d; i++)
            for (int k = 0; k < _o; k++) w[i * _o + k] = g[i * ld + d + k];   // XᵀY: the target columns after the bias
        CholeskySolve(a, d, w, _o);
        var result = new float[w.Length];
        for (int i = 0; i < w.Length; i++) result[i] = (float)w[i];
        return result;
    }

    /// <summary>In-place lower Cholesky factor of a row-major SPD matrix (row-oriented, vectorised dot products); false if not positive definite.</summary>
    internal static bool Cholesky(double[] a, int n)
    {
        for (int j = 0; j < n; j++)
        {
            var lj = new ReadOnlySpan<double>(a, j * n, j);
            double djj = a[j * n + j] - TensorPrimitives.Dot(lj, lj);
            if (!(djj > 0)) return false;
            double ljj = Math.Sqrt(djj);
            a[j * n + j] = ljj;
            double inv = 1.0 / ljj;
            int jj = j;
            void Row(int i) => a[i * n + jj] = (a[i * n + jj] - TensorPrimitives.Dot(new ReadOnlySpan<double>(a, i * n, jj), new ReadOnlySpan<double>(a, jj * n, jj))) * inv;
            if (n - j > 256 && j > 64 && Parallelism.MaxThreads > 1)
                Parallel.For(0, Parallelism.MaxThreads, Parallelism.Options, c => { for (int i = jj + 1 + c; i < n; i += Parallelism.MaxThreads) Row(i); });
            else
                for (int i = j + 1; i < n; i++) Row(i);
        }
        return true;
    }

    /// <summary>Solves L·Lᵀ·X = B in place (B is n × m row-major) given the factor from <see cref="Cholesky"/>.</summary>
    internal static void CholeskySolve(double[] l, int n, double[] b, int m)
    {
        for (int i = 0; i < n; i++)
            for (int k = 0; k < m; k++)
            {
                double s = b[i * m + k];
                for (int j = 0; j < i; j++) s -= l[i * n + j] * b[j * m + k];
                b[i * m + k] = s / l[i * n + i];
            }
        for (int i = n - 1; i >= 0; i--)
            for (int k = 0; k < m; k++)
            {
                double s = b[i * m + k];
                for (int j = i + 1; j < n; j++) s -= l[j * n + i] * b[j * m + k];
                b[i * m + k] = s / l[i * n + i];
            }
    }

    /// <summary>Y = [X, 1]·W for a readout from <see cref="Fit"/> (W is (features + 1) × outputs, bias last).</summary>
    public static void Predict(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y, int samples, int features, int outputs)
    {
        if (w.Length < (features + 1) * outputs) throw new ArgumentException($"W has {w.Length} values, expected ({features}+1)×{outputs}");
        for (int s = 0; s < samples; s++)
        {
            var yr = y.Slice(s * outputs, outputs);
            w.Slice(features * outputs, outputs).CopyTo(yr);
            var xr = x.Slice(s * features, features);
            for (int f = 0; f < features; f++)
            {
                float xv = xr[f];
                if (xv != 0f) Kernels.AxpyFma(xv, w.Slice(f * outputs, outputs), yr);
            }
        }
    }

    /// <summary>
    /// Chooses λ on validation data: fits on (trainX, trainY) for every λ and returns the index of
    /// the one with the lowest validation error given by <paramref name="error"/>(prediction, target),
    /// with every validation error.
    /// </summary>
    public static (int Best, double[] Errors) SelectLambda(RidgeRegression fitted, ReadOnlySpan<float> valX, ReadOnlySpan<float> valY, int valSamples,
        IReadOnlyList<double> lambdas, Func<float[], float[], double> error)
    {
        if (lambdas.Count == 0) throw new ArgumentException("give at least one λ", nameof(lambdas));
        var pred = new float[valSamples * fitted._o];
        var target = valY[..(valSamples * fitted._o)].ToArray();
        var errs = new double[lambdas.Count];
        int best = 0;
        for (int i = 0; i < lambdas.Count; i++)
        {
            var w = fitted.Fit(lambdas[i]);
            Predict(w, valX, pred, valSamples, fitted._f, fitted._o);
            errs[i] = error(pred, target);
            if (double.IsNaN(errs[best]) || errs[i] < errs[best]) best = i;
        }
        return (best, errs);
    }
}

using System.Numerics.Tensors;

namespace Neuromorph.Numerics;

/// <summary>
/// Ridge-regression readout W = (XᵀX + λI)⁻¹ XᵀY with an unpenalised bias (Tikhonov 1963; the
/// standard reservoir readout, Lukoševičius 2012, "A practical guide to applying echo state
/// networks"). The Gram matrix XᵀX and XᵀY are accumulated in double precision block by block
/// (rows converted to a transposed double panel, every entry of the upper triangle one vectorised
/// dot product, rows of the Gram split across threads), so several λ are tried for the cost of
/// one Cholesky factorisation each. The result is (features + 1) × outputs, bias last, as
/// <see cref="Predict"/> reads it.
/// </summary>
public sealed class RidgeRegression
{
    private const int Panel = 256;
    private readonly int _f, _o, _d;
    private readonly double[] _xtx, _xty, _panel, _ypanel;
    private long _samples;

    /// <summary>Creates an accumulator for <paramref name="features"/> inputs and <paramref name="outputs"/> targets.</summary>
    public RidgeRegression(int features, int outputs)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "features must be ≥ 1");
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "outputs must be ≥ 1");
        _f = features; _o = outputs; _d = features + 1;
        _xtx = new double[_d * _d]; _xty = new double[_d * _o];
        _panel = new double[_d * Panel]; _ypanel = new double[_o * Panel];
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
        for (int s0 = 0; s0 < samples; s0 += Panel)
        {
            int b = Math.Min(Panel, samples - s0);
            // Transposed panels: feature j's b values contiguous at _panel[j*Panel ..].
            for (int r = 0; r < b; r++)
            {
                var row = x.Slice((s0 + r) * _f, _f);
                for (int j = 0; j < _f; j++) _panel[j * Panel + r] = row[j];
                _panel[_f * Panel + r] = 1.0;
                var yr = y.Slice((s0 + r) * _o, _o);
                for (int k = 0; k < _o; k++) _ypanel[k * Panel + r] = yr[k];
            }
            AccumulatePanel(b);
            _samples += b;
        }
    }

    private void AccumulatePanel(int b)
    {
        int d = _d, o = _o;
        var xtx = _xtx; var xty = _xty; var panel = _panel; var yp = _ypanel;
        // Balance the triangle: row i costs d − i dots; interleave rows across chunks.
        int chunks = Math.Max(1, Math.Min(Parallelism.MaxThreads * 4, d / 16));
        void DoRow(int i)
        {
            var pi = new ReadOnlySpan<double>(panel, i * Panel, b);
            int off = i * d, j = i;
            for (; j + 4 <= d; j += 4) Dot4(panel, i, j, b, xtx, off + j);
            for (; j < d; j++) xtx[off + j] += TensorPrimitives.Dot(pi, new ReadOnlySpan<double>(panel, j * Panel, b));
            for (int k = 0; k < o; k++) xty[i * o + k] += TensorPrimitives.Dot(pi, new ReadOnlySpan<double>(yp, k * Panel, b));
        }
        if (Parallelism.MaxThreads == 1 || (long)d * d * b < 1 << 20)
            for (int i = 0; i < d; i++) DoRow(i);
        else
            Parallel.For(0, chunks, Parallelism.Options, c => { for (int i = c; i < d; i += chunks) DoRow(i); });
    }

    /// <summary>g[at..at+4) += (rows j..j+3 of the panel)·(row i): four dot products sharing each load of row i.</summary>
    private static void Dot4(double[] panel, int i, int j, int b, double[] g, int at)
    {
        ref double pi = ref panel[i * Panel];
        ref double p0 = ref panel[j * Panel]; ref double p1 = ref panel[(j + 1) * Panel];
        ref double p2 = ref panel[(j + 2) * Panel]; ref double p3 = ref panel[(j + 3) * Panel];
        int k = 0;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
        {
            var a0 = System.Runtime.Intrinsics.Vector256<double>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
            for (; k + 4 <= b; k += 4)
            {
                var x = System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref pi, (nuint)k);
                a0 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref p0, (nuint)k), a0);
                a1 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref p1, (nuint)k), a1);
                a2 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref p2, (nuint)k), a2);
                a3 = System.Runtime.Intrinsics.Vector256.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref p3, (nuint)k), a3);
            }
            s0 = System.Runtime.Intrinsics.Vector256.Sum(a0); s1 = System.Runtime.Intrinsics.Vector256.Sum(a1);
            s2 = System.Runtime.Intrinsics.Vector256.Sum(a2); s3 = System.Runtime.Intrinsics.Vector256.Sum(a3);
        }
        for (; k < b; k++)
        {
            double x = System.Runtime.CompilerServices.Unsafe.Add(ref pi, k);
            s0 += x * System.Runtime.CompilerServices.Unsafe.Add(ref p0, k); s1 += x * System.Runtime.CompilerServices.Unsafe.Add(ref p1, k);
            s2 += x * System.Runtime.CompilerServices.Unsafe.Add(ref p2, k); s3 += x * System.Runtime.CompilerServices.Unsafe.Add(ref p3, k);
        }
        g[at] += s0; g[at + 1] += s1; g[at + 2] += s2; g[at + 3] += s3;
    }

    /// <summary>
    /// Solves (XᵀX + λI)w = XᵀY with the bias unpenalised, by Cholesky factorisation in double
    /// precision; returns (features + 1) × outputs, bias last.
    /// </summary>
    public float[] Fit(double lambda)
    {
        if (!(lambda >= 0) || !double.IsFinite(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ must be finite and ≥ 0");
        if (_samples == 0) throw new InvalidOperationException("no samples accumulated");
        int d = _d;
        var a = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = i; j < d; j++) { a[i * d + j] = _xtx[i * d + j]; a[j * d + i] = _xtx[i * d + j]; }
        double trace = 0; for (int i = 0; i < _f; i++) trace += a[i * d + i];
        for (int i = 0; i < _f; i++) a[i * d + i] += lambda;
        // A vanishing jitter (relative to the mean diagonal) keeps λ = 0 and constant features factorable.
        double jitter = 1e-13 * Math.Max(trace / _f, 1e-300);
        for (int i = 0; i < d; i++) a[i * d + i] += jitter;
        if (!Cholesky(a, d))
            throw new InvalidOperationException($"XᵀX + λI is not positive definite at λ = {lambda:G3} (features are linearly dependent); increase the ridge regularisation");
        var w = new double[d * _o];
        Array.Copy(_xty, w, w.Length);
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

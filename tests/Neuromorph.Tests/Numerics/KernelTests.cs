using MathNet.Numerics.LinearAlgebra;
using Neuromorph.Numerics;

namespace Neuromorph.Tests.Numerics;

public class KernelTests
{
    private static float[] Random(int n, uint index)
    {
        var s = new RandomStream(11, "kernels", index);
        var a = new float[n];
        s.FillNormal(a);
        return a;
    }

    /// <summary>Reference C = A·B (row-major, double accumulation), shared by the kernel tests.</summary>
    internal static float[] NaiveGemm(float[] a, float[] b, int m, int k, int n)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[p * n + j];
                c[i * n + j] = (float)s;
            }
        return c;
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(17, 33, 65)]
    [InlineData(64, 300, 130)]     // crosses the K block (256) and the parallel threshold
    [InlineData(70, 784, 256)]
    public void GemmMatchesNaiveProduct(int m, int k, int n)
    {
        var a = Random(m * k, 1); var b = Random(k * n, 2);
        var c = Random(m * n, 3); var c0 = (float[])c.Clone();
        Kernels.Gemm(a, b, c, m, k, n, alpha: 0.5f, beta: 2f);
        var r = NaiveGemm(a, b, m, k, n);
        for (int i = 0; i < c.Length; i++) Assert.Equal(0.5f * r[i] + 2f * c0[i], c[i], 1e-3f * MathF.Sqrt(k));
    }

    [Fact]
    public void TransposedProductsMatch()
    {
        int m = 9, k = 13, n = 11;
        var at = Random(k * m, 4); var b = Random(k * n, 5);
        var a = new float[m * k];
        for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) a[i * k + p] = at[p * m + i];
        var c1 = new float[m * n]; var c2 = new float[m * n];
        Kernels.GemmTransA(at, b, c1, m, k, n);
        Kernels.Gemm(a, b, c2, m, k, n);
        for (int i = 0; i < c1.Length; i++) Assert.Equal(c2[i], c1[i], 1e-4f);

        var bt = new float[n * k];
        for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) bt[j * k + p] = b[p * n + j];
        var c3 = new float[m * n];
        Kernels.GemmTransB(a, bt, c3, m, k, n);
        for (int i = 0; i < c1.Length; i++) Assert.Equal(c2[i], c3[i], 1e-4f);
    }

    [Fact]
    public void GemvAndTransposeMatchNaive()
    {
        int rows = 37, cols = 53;
        var a = Random(rows * cols, 6); var x = Random(cols, 7); var xt = Random(rows, 8);
        var y = new float[rows]; var yt = new float[cols];
        Kernels.Gemv(a, rows, cols, x, y);
        Kernels.GemvTransposed(a, rows, cols, xt, yt);
        for (int i = 0; i < rows; i++)
        {
            double s = 0; for (int j = 0; j < cols; j++) s += a[i * cols + j] * x[j];
            Assert.Equal((float)s, y[i], 1e-4f);
        }
        for (int j = 0; j < cols; j++)
        {
            double s = 0; for (int i = 0; i < rows; i++) s += a[i * cols + j] * xt[i];
            Assert.Equal((float)s, yt[j], 1e-4f);
        }
    }

    [Fact]
    public void DotAxpyAndNonlinearities()
    {
        float[] x = [1, 2, 3], y = [4, 5, 6];
        Assert.Equal(32f, Kernels.Dot(x, y));
        Kernels.Axpy(2f, x, y);
        Assert.Equal([6f, 9f, 12f], y);
        var s = new float[3];
        Kernels.Sigmoid([0f, 2f, -2f], s);
        Assert.Equal(0.5f, s[0], 1e-6f);
        Assert.Equal(1 / (1 + MathF.Exp(-2)), s[1], 1e-6f);
        Kernels.Tanh([0.5f, -1f, 0f], s);
        Assert.Equal(MathF.Tanh(0.5f), s[0], 1e-6f);
        Kernels.Exp([0f, 1f, -2.5f], s);
        Assert.Equal(1f, s[0], 1e-6f);
        Assert.Equal(MathF.E, s[1], 1e-5f);
        Assert.Equal(MathF.Exp(-2.5f), s[2], 1e-7f);
        Assert.Throws<ArgumentException>(() => Kernels.Dot([1f], [1f, 2f]));
        Assert.Throws<ArgumentException>(() => Kernels.Gemm(new float[5], new float[6], new float[6], 2, 3, 2));
    }

    [Fact]
    public void RidgeEqualsClosedForm()
    {
        int n = 200, d = 6, o = 3;
        var x = Random(n * d, 9); var y = Random(n * o, 10);
        double lambda = 0.7;
        var ridge = new RidgeRegression(d, o);
        ridge.Accumulate(x.AsSpan(0, 120 * d), y.AsSpan(0, 120 * o), 120);      // in two batches
        ridge.Accumulate(x.AsSpan(120 * d), y.AsSpan(120 * o), n - 120);
        var w = ridge.Fit(lambda);

        // Closed form with an unpenalised bias: W = (X̃ᵀX̃ + λ·diag(1..1, 0))⁻¹ X̃ᵀY.
        var xm = Matrix<double>.Build.Dense(n, d + 1, (i, j) => j < d ? x[i * d + j] : 1.0);
        var ym = Matrix<double>.Build.Dense(n, o, (i, j) => y[i * o + j]);
        var reg = Matrix<double>.Build.DenseDiagonal(d + 1, d + 1, i => i < d ? lambda : 0.0);
        var expected = (xm.TransposeThisAndMultiply(xm) + reg).Solve(xm.TransposeThisAndMultiply(ym));
        for (int i = 0; i <= d; i++) for (int j = 0; j < o; j++) Assert.Equal(expected[i, j], w[i * o + j], 1e-4);

        var pred = new float[n * o];
        RidgeRegression.Predict(w, x, pred, n, d, o);
        var expPred = xm * expected;
        for (int i = 0; i < n; i++) for (int j = 0; j < o; j++) Assert.Equal(expPred[i, j], pred[i * o + j], 1e-3);
    }

    [Fact]
    public void CholeskyAndLuSolve()
    {
        var a = Matrix<double>.Build.DenseOfArray(new double[,] { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } });
        var b = Vector<double>.Build.Dense([1.0, 2.0, 3.0]);
        var x1 = LinearAlgebra.CholeskySolve(a, b.ToColumnMatrix()).Column(0);
        var x2 = LinearAlgebra.LuSolve(a, b);
        Assert.True((a * x1 - b).L2Norm() < 1e-12);
        Assert.True((a * x2 - b).L2Norm() < 1e-12);
        var notSpd = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2 }, { 2, 1 } });
        Assert.Throws<InvalidOperationException>(() => LinearAlgebra.CholeskySolve(notSpd, Matrix<double>.Build.DenseIdentity(2)));
        var singular = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2 }, { 2, 4 } });
        Assert.Throws<InvalidOperationException>(() => LinearAlgebra.LuSolve(singular, Vector<double>.Build.Dense(2, 1.0)));
    }
}

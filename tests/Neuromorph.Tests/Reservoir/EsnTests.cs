using MathNet.Numerics.LinearAlgebra;
using Neuromorph.Data;
using Neuromorph.Numerics;
using Neuromorph.Reservoir;

namespace Neuromorph.Tests.Reservoir;

public class SpectralRadiusTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(1.25)]
    public void EsnRecurrentMatrixHasTheRequestedSpectralRadius(double rho)
    {
        var esn = new EchoStateNetwork(new EsnParameters { Units = 150, SpectralRadius = rho, Density = 0.1 }, 1, 3);
        // Independent check: all eigenvalues of the scaled matrix, dense.
        var m = Matrix<double>.Build.Dense(150, 150);
        var w = esn.W;
        for (int i = 0; i < 150; i++) for (int k = w.RowPointers[i]; k < w.RowPointers[i + 1]; k++) m[i, w.Columns[k]] = w.Values[k];
        double actual = m.Evd().EigenValues.Max(l => l.Magnitude);
        Assert.InRange(actual, rho * (1 - 1e-5), rho * (1 + 1e-5));
        // The raw radius really was computed: it is not the requested one, and it is far from 1.
        Assert.True(Math.Abs(esn.RawSpectralRadius.Radius - rho) > 0.1, $"raw ρ {esn.RawSpectralRadius.Radius}");
    }

    [Fact]
    public void ArnoldiAgreesWithTheDenseEigensolver()
    {
        var w = CsrMatrix.Random(300, 300, 0.05, 11, "test-w");
        var dense = SpectralRadius.Compute(w, SpectralMethod.Eigen);
        var arnoldi = SpectralRadius.Compute(w, SpectralMethod.Arnoldi, tolerance: 1e-7, maxKrylov: 300);
        Assert.Equal(SpectralMethod.Arnoldi, arnoldi.Method);
        Assert.True(Math.Abs(dense.Radius - arnoldi.Radius) <= 1e-5 * dense.Radius,
            $"dense ρ = {dense.Radius}, Arnoldi ρ = {arnoldi.Radius} after {arnoldi.Iterations} vectors (residual {arnoldi.RelativeResidual:E2})");
    }

    [Fact]
    public void CsrProductMatchesDenseProduct()
    {
        var w = CsrMatrix.Random(64, 48, 0.2, 5, "test-csr");
        var dense = w.ToDenseDouble();
        var rng = new RandomStream(9, "x");
        var x = new float[48]; rng.FillNormal(x);
        var y = new float[64];
        w.Multiply(x, y);
        for (int i = 0; i < 64; i++)
        {
            double s = 0; for (int j = 0; j < 48; j++) s += dense[i * 48 + j] * x[j];
            Assert.Equal(s, y[i], 4);
        }
        Assert.Equal(64 * (int)Math.Round(0.2 * 48), w.NonZeros);
    }
}

public class EchoStatePropertyTests
{
    [Fact]
    public void TwoInitialStatesConvergeUnderTheSameInput()
    {
        var p = new EsnParameters { Units = 200, SpectralRadius = 0.9, LeakRate = 0.5, InputScaling = 0.5 };
        var a = new EchoStateNetwork(p, 1, 7);
        var b = new EchoStateNetwork(p, 1, 7);
        var rng = new RandomStream(1, "init");
        var x0 = new float[200]; rng.FillUniform(x0, -1, 1);
        a.SetState(x0);
        for (int i = 0; i < 200; i++) x0[i] = -x0[i];
        b.SetState(x0);
        double Distance() { double s = 0; for (int i = 0; i < 200; i++) s += Math.Pow(a.State[i] - b.State[i], 2); return Math.Sqrt(s); }
        double d0 = Distance();
        var u = new float[1];
        var ur = new RandomStream(2, "u");
        for (int t = 0; t < 300; t++) { u[0] = ur.NextFloat() - 0.5f; a.Step(u); b.Step(u); }
        double d300 = Distance();
        Assert.True(d0 > 5, $"initial distance {d0}");
        Assert.True(d300 < 1e-4 * d0, $"states did not converge: distance {d0:G3} → {d300:G3}");
    }

    [Fact]
    public void SpectralRadiusFarAboveOneBreaksTheEchoStateProperty()
    {
        // The same test must be able to fail: with ρ = 3 and tiny input the two trajectories stay apart.
        var p = new EsnParameters { Units = 200, SpectralRadius = 3, LeakRate = 1, InputScaling = 0.01 };
        var a = new EchoStateNetwork(p, 1, 7);
        var b = new EchoStateNetwork(p, 1, 7);
        var rng = new RandomStream(1, "init");
        var x0 = new float[200]; rng.FillUniform(x0, -1, 1);
        a.SetState(x0); for (int i = 0; i < 200; i++) x0[i] = -x0[i]; b.SetState(x0);
        var u = new float[1];
        for (int t = 0; t < 300; t++) { u[0] = 0.1f; a.Step(u); b.Step(u); }
        double s = 0; for (int i = 0; i < 200; i++) s += Math.Pow(a.State[i] - b.State[i], 2);
        Assert.True(Math.Sqrt(s) > 1, "expected no echo-state convergence at ρ = 3");
    }

    [Fact]
    public void ParallelRunGivesTheSameStatesAsSerial()
    {
        var p = new EsnParameters { Units = 256, SpectralRadius = 0.9, LeakRate = 0.3 };
        var a = new EchoStateNetwork(p, 2, 5);
        var b = new EchoStateNetwork(p, 2, 5) { Threads = 3 };
        var u = new float[2 * 101]; new RandomStream(3, "u").FillUniform(u);
        var sa = new float[101 * 256]; var sb = new float[101 * 256];
        a.Run(u, 101, sa); b.Run(u, 101, sb);
        Assert.Equal(sa, sb);
        Assert.Equal(a.State.ToArray(), b.State.ToArray());
    }
}

public class ReadoutTests
{
    [Fact]
    public void RidgeEqualsTheClosedFormSolution()
    {
        int n = 300, f = 20, o = 2;
        var rng = new RandomStream(4, "ridge");
        var x = new float[n * f]; rng.FillNormal(x);
        var y = new float[n * o]; rng.FillNormal(y);
        double lambda = 0.7;
        var r = new RidgeRegression(f, o);
        r.Accumulate(x.AsSpan(0, 170 * f), y.AsSpan(0, 170 * o), 170);
        r.Accumulate(x.AsSpan(170 * f), y.AsSpan(170 * o), n - 170);
        var w = r.Fit(lambda);
        // Closed form with an unpenalised bias column: [X 1], D = diag(λ,…,λ,0).
        var X = Matrix<double>.Build.Dense(n, f + 1, (i, j) => j < f ? x[i * f + j] : 1.0);
        var Y = Matrix<double>.Build.Dense(n, o, (i, k) => y[i * o + k]);
        var D = Matrix<double>.Build.DenseDiagonal(f + 1, f + 1, j => j < f ? lambda : 0);
        var expected = (X.TransposeThisAndMultiply(X) + D).Inverse() * X.TransposeThisAndMultiply(Y);
        for (int j = 0; j <= f; j++) for (int k = 0; k < o; k++) Assert.Equal(expected[j, k], w[j * o + k], 5);
    }

    [Fact]
    public void LambdaIsChosenOnValidationData()
    {
        // Few noisy samples and many features: the smallest λ overfits, a moderate λ wins.
        int f = 40, nTr = 50, nVa = 200;
        var rng = new RandomStream(6, "lam");
        var wTrue = new float[f]; rng.FillNormal(wTrue);
        float[] Make(int n, out float[] yy)
        {
            var xx = new float[n * f]; var r2 = new RandomStream(7, "lam-x", (uint)n); r2.FillNormal(xx);
            yy = new float[n];
            for (int i = 0; i < n; i++) { double s = 0; for (int j = 0; j < f; j++) s += wTrue[j] * xx[i * f + j]; yy[i] = (float)(s + 3 * r2.NextNormal()); }
            return xx;
        }
        var xt = Make(nTr, out var yt); var xv = Make(nVa, out var yv);
        var r = new RidgeRegression(f, 1); r.Accumulate(xt, yt, nTr);
        double[] lambdas = [1e-6, 10, 1e6];
        var (best, errs) = RidgeRegression.SelectLambda(r, xv, yv, nVa, lambdas, (p, t) => PredictionMetrics.Nmse(p, t));
        Assert.Equal(1, best);
        Assert.True(errs[0] > errs[1] && errs[2] > errs[1], string.Join(", ", errs));
    }

    [Fact]
    public void RlsConvergesToTheLeastSquaresSolution()
    {
        int n = 2000, f = 8;
        var rng = new RandomStream(8, "rls");
        var x = new float[n * f]; rng.FillNormal(x);
        var y = new float[n];
        for (int i = 0; i < n; i++) { double s = 0.5; for (int j = 0; j < f; j++) s += (j - 3.5) * x[i * f + j]; y[i] = (float)s; }
        var rls = new RlsReadout(f, 1, alpha: 1e-3);
        for (int i = 0; i < n; i++) rls.Update(x.AsSpan(i * f, f), y.AsSpan(i, 1));
        var w = rls.Weights();
        for (int j = 0; j < f; j++) Assert.Equal(j - 3.5, w[j], 3);
        Assert.Equal(0.5, w[f], 3);
    }

    [Fact]
    public void MetricsMatchTheirDefinitions()
    {
        float[] t = [1, 2, 3, 4], p = [1, 2, 3, 6];
        Assert.Equal(4.0 / 4 / 1.25, PredictionMetrics.Nmse(p, t), 10);
        Assert.Equal(200.0 / 4 * (2.0 / 10), PredictionMetrics.Smape(p, t), 10);
    }
}

public class Narma10EsnTests
{
    [Fact]
    public void ScaledDownEsnLearnsNarma10()
    {
        // 150 units, 2,000 training steps: NRMSE must beat 0.35 (a linear readout of the input alone gives ≈ 0.9+).
        int wash = 100, train = 2000, test = 1000, T = wash + train + test + 1;
        var s = Narma10.Generate(T, 5);
        var u = s.Input.Select(v => (float)v).ToArray();
        var esn = new EchoStateNetwork(new EsnParameters { Units = 150, SpectralRadius = 0.95, LeakRate = 1, InputScaling = 0.2, BiasScaling = 0.3 }, 1, 2);
        var st = new float[(T - 1) * 150];
        esn.Run(u, T - 1, st);
        var feats = new ReservoirFeatures(FeatureSet.StatesSquaresInput, 150, 1);
        var X = feats.Build(st, u, wash, train); var Xt = feats.Build(st, u, wash + train, test);
        var Y = Enumerable.Range(wash, train).Select(t => (float)s.Output[t + 1]).ToArray();
        var Yt = Enumerable.Range(wash + train, test).Select(t => (float)s.Output[t + 1]).ToArray();
        var r = new RidgeRegression(feats.Count, 1); r.Accumulate(X, Y, train);
        var w = r.Fit(1e-6); var p = new float[test];
        RidgeRegression.Predict(w, Xt, p, test, feats.Count, 1);
        double nrmse = PredictionMetrics.Nrmse(p, Yt);
        Assert.True(nrmse < 0.35, $"NARMA10 NRMSE {nrmse:F3}");
    }
}

public class OutputFeedbackTests
{
    [Fact]
    public void TeacherForcedRunEqualsStepsWithTheFedBackOutput()
    {
        var p = new EsnParameters { Units = 60, SpectralRadius = 0.8, LeakRate = 0.5, FeedbackSize = 1, FeedbackScaling = 0.5 };
        var a = new EchoStateNetwork(p, 1, 3);
        var b = new EchoStateNetwork(p, 1, 3);
        var plain = new EchoStateNetwork(p with { FeedbackSize = 0, FeedbackScaling = 0 }, 1, 3);
        var rng = new Neuromorph.Numerics.RandomStream(4, "fb");
        var u = new float[50]; rng.FillUniform(u);
        var y = new float[50]; rng.FillUniform(y, -1, 1);
        var sa = new float[50 * 60];
        a.Run(u, 50, sa, y);
        var sp = new float[50 * 60];
        plain.Run(u, 50, sp);
        for (int t = 0; t < 50; t++)
        {
            b.Step(u.AsSpan(t, 1), y.AsSpan(t, 1));
            Assert.Equal(sa.AsSpan(t * 60, 60).ToArray(), b.State.ToArray());
        }
        // Feedback really enters the state: without it the trajectory differs.
        Assert.True(sa.Zip(sp).Max(z => Math.Abs(z.First - z.Second)) > 1e-3);
        Assert.Throws<ArgumentException>(() => a.Run(u, 50, sa));   // feedback network without the fed-back output
    }
}

using Neuromorph.Numerics;
using Neuromorph.Data;
using Neuromorph.Reservoir;

namespace Neuromorph.Tests.Reservoir;

public class DelayIntegratorTests
{
    // Classical MG-17 (β = 0.2, γ = 0.1, n = 10, τ = 17) is the Appeltant node with T = 1/γ = 10, η = β/γ = 2, p = 10, no input.
    private static readonly MackeyGlassNode Mg17 = new(Eta: 2.0, Exponent: 10, TimeConstant: 10.0);

    private static double[] Integrate(double h, int samples)
    {
        var integ = new DelayIntegrator<MackeyGlassNode>(Mg17, (int)Math.Round(17 / h), h, initialValue: 1.2);
        int per = (int)Math.Round(1 / h);
        var x = new double[samples + 1];
        x[0] = integ.X;
        for (int i = 1; i <= samples; i++) { for (int k = 0; k < per; k++) integ.Advance(0); x[i] = integ.X; }
        return x;
    }

    [Fact]
    public void MatchesAFineStepReferenceOnTheMackeyGlassEquation()
    {
        // Reference: the data library's independent RK4/Hermite generator at h = 0.01.
        var reference = MackeyGlass.Generate(301, 1.0, 0, MackeyGlassParameters.Chaotic17 with { Step = 0.01 });
        var x = Integrate(0.25, 300);
        double err = 0;
        for (int i = 0; i <= 300; i++) err = Math.Max(err, Math.Abs(x[i] - reference[i]));
        Assert.True(err < 1e-6, $"max |x(h = 0.25) − x_ref| over 300 time units = {err:E2}");
    }

    [Fact]
    public void ErrorFallsSixteenfoldPerHalvingOfTheStep()
    {
        var fine = Integrate(1.0 / 64, 60);
        double Err(double h) { var x = Integrate(h, 60); double e = 0; for (int i = 0; i <= 60; i++) e = Math.Max(e, Math.Abs(x[i] - fine[i])); return e; }
        double e1 = Err(0.5), e2 = Err(0.25);
        double ratio = e1 / e2;
        Assert.InRange(ratio, 10, 24);
    }

    [Fact]
    public void NoiseIsReproducibleAndChangesTheTrajectory()
    {
        var a = new DelayIntegrator<MackeyGlassNode>(Mg17, 170, 0.1, 1.2, noiseIntensity: 0.01, seed: 3);
        var b = new DelayIntegrator<MackeyGlassNode>(Mg17, 170, 0.1, 1.2, noiseIntensity: 0.01, seed: 3);
        var c = new DelayIntegrator<MackeyGlassNode>(Mg17, 170, 0.1, 1.2);
        for (int i = 0; i < 2000; i++) { a.Advance(0); b.Advance(0); c.Advance(0); }
        Assert.Equal(a.X, b.X);
        Assert.True(Math.Abs(a.X - c.X) > 1e-4);
    }
}

/// <summary>A linear low-pass node T·dx/dt = −x + J + κ·x(t − τ): exact solution known per θ interval.</summary>
internal readonly record struct LowPassNode(double TimeConstant, double Kappa) : IDelayNode
{
    public double Derivative(double x, double delayed, double drive) => (-x + drive + Kappa * delayed) / TimeConstant;
    public string Describe() => "low-pass test node";
}

public class MaskAndTimingTests
{
    [Fact]
    public void VirtualNodesAreReadAtTheEndOfTheirThetaIntervalWithTheirMaskValue()
    {
        // κ = 0: within interval i the node relaxes to J_i = γ·(M_i·u + offset) with time constant T, exactly
        // x_i = J_i + (x_{i−1} − J_i)·e^(−θ/T), chaining across virtual nodes and across input steps.
        var p = new DelayReservoirParameters { VirtualNodes = 7, Theta = 0.3, Substeps = 40, InputScaling = 0.5, InputOffset = 0.1, Mask = MaskKind.Uniform };
        var res = new DelayReservoir<LowPassNode>(new LowPassNode(1.0, 0), p, 2, 9);
        float[] u = [0.3f, -0.2f, 0.7f, 0.1f, -0.5f, 0.4f];
        var states = new float[3 * 7];
        res.Run(u, 3, states);
        var mask = res.Mask;
        double x = 0, decay = Math.Exp(-0.3);
        for (int t = 0; t < 3; t++)
            for (int i = 0; i < 7; i++)
            {
                double j = 0.5 * (mask[i * 2] * u[t * 2] + mask[i * 2 + 1] * u[t * 2 + 1] + 0.1);
                x = j + (x - j) * decay;
                Assert.Equal(x, states[t * 7 + i], 5);
            }
    }

    [Fact]
    public void DelayFeedsEachVirtualNodeItsOwnStateOnePeriodEarlier()
    {
        // With θ ≫ T the node follows its drive: x_i(k) ≈ J_i(k) + κ·x_i(k−1) (τ = N·θ), or x_{i−1}(k−1) when τ = (N+1)·θ.
        foreach (int offset in new[] { 0, 1 })
        {
            var p = new DelayReservoirParameters { VirtualNodes = 5, Theta = 30, Substeps = 300, InputScaling = 1, Mask = MaskKind.Binary, DelayOffset = offset };
            var res = new DelayReservoir<LowPassNode>(new LowPassNode(1.0, 0.5), p, 1, 4);
            float[] u = [1f, 0f, 0f];
            var s = new float[15];
            res.Run(u, 3, s);
            var m = res.Mask;
            for (int i = 0; i < 5; i++) Assert.Equal(m[i], s[i], 4);
            for (int i = 0; i < 5; i++)
            {
                double expected = offset == 0 ? 0.5 * s[i] : (i == 0 ? 0 : 0.5 * s[i - 1]);
                Assert.Equal(expected, s[5 + i], 4);
            }
        }
    }

    [Theory]
    [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(6)] [InlineData(7)] [InlineData(8)] [InlineData(10)]
    [InlineData(11)] [InlineData(12)] [InlineData(13)] [InlineData(14)] [InlineData(15)] [InlineData(16)] [InlineData(17)]
    public void EveryTapTableEntryGivesAMaximumLengthSequence(int bits)
    {
        var seq = Masks.MaximumLengthSequence(bits);
        int period = (1 << bits) - 1;
        Assert.Equal(1 << (bits - 1), seq.Count(v => v > 0));
        // Period exactly 2^b − 1: the sequence is not periodic with any proper divisor of it.
        for (int d = 1; d < period; d++)
            if (period % d == 0) Assert.Contains(Enumerable.Range(0, period), i => seq[i] != seq[(i + d) % period]);
    }

    [Fact]
    public void MaximumLengthSequenceHasFullPeriodAndBalance()
    {
        var seq = Masks.MaximumLengthSequence(9);
        Assert.Equal(511, seq.Length);
        Assert.Equal(256, seq.Count(v => v > 0));   // 2^(b−1) ones
        // Two-valued periodic autocorrelation: −1 at every non-zero lag.
        for (int lag = 1; lag < 511; lag += 37)
        {
            double c = 0; for (int i = 0; i < 511; i++) c += seq[i] * seq[(i + lag) % 511];
            Assert.Equal(-1, c);
        }
    }
}

public class DelayNarmaTests
{
    [Fact]
    public void ScaledDownMackeyGlassDelayReservoirLearnsNarma10()
    {
        int n = 200, wash = 50, train = 2500, test = 800, T = wash + train + test;
        var g = Narma10.Generate(T + 1, 3);
        var u = g.Input.Take(T).Select(v => (float)v).ToArray();
        var y = Enumerable.Range(0, T).Select(t => (float)g.Output[t + 1]).ToArray();
        var p = new DelayReservoirParameters { VirtualNodes = n, Theta = 2, DelayOffset = 1, Substeps = 2, InputScaling = 0.02, InputOffset = 0.25 };
        var res = new DelayReservoir<MackeyGlassNode>(new MackeyGlassNode(0.9, 1, 1), p, 1, 42);
        var st = new float[T * n];
        res.Run(u, T, st);
        var feats = new ReservoirFeatures(FeatureSet.StatesSquaresInput, n, 1);
        var X = feats.Build(st, u, wash, train); var Xt = feats.Build(st, u, wash + train, test);
        // Scale-free ridge: standardise with training statistics.
        int f = feats.Count;
        var mean = new double[f]; var sd = new double[f];
        for (int i = 0; i < train; i++) for (int j = 0; j < f; j++) mean[j] += X[i * f + j] / train;
        for (int i = 0; i < train; i++) for (int j = 0; j < f; j++) sd[j] += Math.Pow(X[i * f + j] - mean[j], 2) / train;
        void Std(float[] a, int rows) { for (int i = 0; i < rows; i++) for (int j = 0; j < f; j++) a[i * f + j] = (float)((a[i * f + j] - mean[j]) / Math.Sqrt(sd[j] + 1e-30)); }
        Std(X, train); Std(Xt, test);
        var r = new RidgeRegression(f, 1);
        r.Accumulate(X, y.AsSpan(wash, train), train);
        var w = r.Fit(1e-4);
        var pred = new float[test];
        RidgeRegression.Predict(w, Xt, pred, test, f, 1);
        double nrmse = PredictionMetrics.Nrmse(pred, y.AsSpan(wash + train, test));
        Assert.True(nrmse < 0.3, $"delay-reservoir NARMA10 NRMSE {nrmse:F3}");
    }
}

public class NodeModelTests
{
    [Fact]
    public void NodeRightHandSidesFollowTheirPublishedEquations()
    {
        var mg = new MackeyGlassNode(0.8, 2, 0.5);
        double z = 0.3 + 0.2;
        Assert.Equal((-0.1 + 0.8 * z / (1 + z * z)) / 0.5, mg.Derivative(0.1, 0.3, 0.2), 12);
        var ik = new IkedaNode(Beta: 1.5, Mu: 0.7, Phase: 0.4, TimeConstant: 2e-6);
        double s = Math.Sin(0.7 * 0.3 + 0.2 + 0.4);
        Assert.Equal((-0.1 + 1.5 * s * s) / 2e-6, ik.Derivative(0.1, 0.3, 0.2), 3);
        var mem = new VolatileMemristorNode(Lambda: 2, VoltageFactor: 3, RelaxationTime: 0.5, Feedback: 0.4);
        Assert.Equal(2 * Math.Sinh(3 * (0.4 * 0.3 + 0.2)) - 0.1 / 0.5, mem.Derivative(0.1, 0.3, 0.2), 12);
    }

    [Fact]
    public void VolatileMemristorForgetsWithItsRelaxationTime()
    {
        // No drive, no feedback: w decays as e^(−t/τ_w).
        var node = new VolatileMemristorNode(1, 1, 0.2, 0);
        var integ = new DelayIntegrator<VolatileMemristorNode>(node, 10, 0.01, initialValue: 1.0);
        for (int i = 0; i < 40; i++) integ.Advance(0);
        Assert.Equal(Math.Exp(-0.4 / 0.2), integ.X, 6);
    }
}

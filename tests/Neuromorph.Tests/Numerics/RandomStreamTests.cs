using Neuromorph.Numerics;

namespace Neuromorph.Tests.Numerics;

public class RandomStreamTests
{
    private static (double Mean, double Var) Moments(IEnumerable<double> xs)
    {
        var a = xs.ToArray();
        double m = a.Average();
        return (m, a.Sum(x => (x - m) * (x - m)) / (a.Length - 1));
    }

    [Fact]
    public void SameCoordinatesGiveSameNumbers_DifferentCoordinatesDiffer()
    {
        var a = new RandomStream(7, "neurons", 3);
        var b = new RandomStream(7, "neurons", 3);
        var c = new RandomStream(7, "neurons", 4);
        var d = new RandomStream(8, "neurons", 3);
        var e = new RandomStream(7, "synapses", 3);
        var xa = Enumerable.Range(0, 64).Select(_ => a.NextUInt32()).ToArray();
        Assert.Equal(xa, Enumerable.Range(0, 64).Select(_ => b.NextUInt32()).ToArray());
        Assert.NotEqual(xa, Enumerable.Range(0, 64).Select(_ => c.NextUInt32()).ToArray());
        Assert.NotEqual(xa, Enumerable.Range(0, 64).Select(_ => d.NextUInt32()).ToArray());
        Assert.NotEqual(xa, Enumerable.Range(0, 64).Select(_ => e.NextUInt32()).ToArray());
    }

    [Fact]
    public void NeighbouringStreamsAreUncorrelated()
    {
        const int n = 20000;
        var s1 = new RandomStream(1, 5, 0); var s2 = new RandomStream(1, 5, 1);
        var x = new double[n]; var y = new double[n];
        for (int i = 0; i < n; i++) { x[i] = s1.NextDouble(); y[i] = s2.NextDouble(); }
        double mx = x.Average(), my = y.Average(), cov = 0, vx = 0, vy = 0;
        for (int i = 0; i < n; i++) { cov += (x[i] - mx) * (y[i] - my); vx += (x[i] - mx) * (x[i] - mx); vy += (y[i] - my) * (y[i] - my); }
        double r = cov / Math.Sqrt(vx * vy);
        Assert.InRange(r, -4.0 / Math.Sqrt(n), 4.0 / Math.Sqrt(n));   // 4σ of the null distribution
    }

    [Fact]
    public void ResultsDoNotDependOnThreadCount()
    {
        static double[] Draw(int threads)
        {
            var result = new double[1000];
            Parallel.For(0, result.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
            {
                var s = new RandomStream(42, "device", (uint)i);
                double acc = 0;
                for (int k = 0; k < 10; k++) acc += s.NextNormal();
                result[i] = acc + CounterRandom.Uniform4(42, 9, (uint)i, 3).U2;
            });
            return result;
        }
        Assert.Equal(Draw(1), Draw(2));
        Assert.Equal(Draw(1), Draw(4));
    }

    [Fact]
    public void UniformIsOpenUnitInterval_WithCorrectMoments()
    {
        var s = new RandomStream(3, "u");
        var xs = Enumerable.Range(0, 100000).Select(_ => s.NextDouble()).ToArray();
        Assert.All(xs, x => Assert.InRange(x, double.Epsilon, 1 - 1e-17));
        var (m, v) = Moments(xs);
        Assert.InRange(m, 0.5 - 0.004, 0.5 + 0.004);
        Assert.InRange(v, 1 / 12.0 - 0.002, 1 / 12.0 + 0.002);
    }

    [Fact]
    public void NormalLogNormalExponential_Moments()
    {
        var s = new RandomStream(4, "n");
        var (m, v) = Moments(Enumerable.Range(0, 100000).Select(_ => s.Normal(2.0, 3.0)));
        Assert.InRange(m, 2 - 0.05, 2 + 0.05);
        Assert.InRange(v, 9 * 0.97, 9 * 1.03);
        // Log-normal: E = exp(μ + σ²/2).
        var (lm, _) = Moments(Enumerable.Range(0, 100000).Select(_ => s.LogNormal(0.1, 0.3)));
        Assert.InRange(lm, Math.Exp(0.1 + 0.045) * 0.99, Math.Exp(0.1 + 0.045) * 1.01);
        var (em, ev) = Moments(Enumerable.Range(0, 100000).Select(_ => s.Exponential(4.0)));
        Assert.InRange(em, 0.25 * 0.98, 0.25 * 1.02);
        Assert.InRange(ev, 0.0625 * 0.95, 0.0625 * 1.05);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(3.0)]
    [InlineData(9.9)]
    [InlineData(10.0)]
    [InlineData(57.0)]
    [InlineData(2000.0)]
    public void Poisson_MeanAndVarianceEqualLambda(double lambda)
    {
        var s = new RandomStream(5, "poisson", (uint)(lambda * 10));
        const int n = 60000;
        var (m, v) = Moments(Enumerable.Range(0, n).Select(_ => (double)s.Poisson(lambda)));
        double seMean = Math.Sqrt(lambda / n);
        Assert.InRange(m, lambda - 5 * seMean, lambda + 5 * seMean);
        Assert.InRange(v, lambda * 0.95, lambda * 1.05);
    }

    [Theory]
    [InlineData(10, 0.3)]
    [InlineData(40, 0.2)]
    [InlineData(100, 0.5)]
    [InlineData(1000, 0.9)]
    [InlineData(5000, 0.01)]
    public void Binomial_MeanAndVariance(int trials, double p)
    {
        var s = new RandomStream(6, "binomial", (uint)trials);
        const int n = 60000;
        var xs = Enumerable.Range(0, n).Select(_ => (double)s.Binomial(trials, p)).ToArray();
        Assert.All(xs, x => Assert.InRange(x, 0, trials));
        var (m, v) = Moments(xs);
        double mu = trials * p, var = trials * p * (1 - p);
        Assert.InRange(m, mu - 5 * Math.Sqrt(var / n), mu + 5 * Math.Sqrt(var / n));
        Assert.InRange(v, var * 0.94, var * 1.06);
    }

    [Fact]
    public void Bernoulli_Frequency()
    {
        var s = new RandomStream(8, "b");
        int hits = Enumerable.Range(0, 100000).Count(_ => s.Bernoulli(0.3));
        Assert.InRange(hits, 30000 - 725, 30000 + 725);  // 5σ
    }

    [Fact]
    public void BadParametersAreRejected()
    {
        var s = new RandomStream(1, "x");
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Poisson(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Binomial(10, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Exponential(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.NextInt(0));
    }

    [Fact]
    public void NextIntIsUniform()
    {
        var s = new RandomStream(9, "int");
        var counts = new int[7];
        for (int i = 0; i < 70000; i++) counts[s.NextInt(7)]++;
        Assert.All(counts, c => Assert.InRange(c, 10000 - 500, 10000 + 500));
    }
}

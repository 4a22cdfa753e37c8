using Neuromorph.Data;

namespace Neuromorph.Tests.Data;

public class MackeyGlassTests
{
    [Fact]
    public void Mg17StaysInItsAttractorRangeAfterTransients()
    {
        var x = MackeyGlass.Generate(3000, sampleInterval: 1.0, transient: 500);
        Assert.All(x, v => Assert.InRange(v, 0.2, 1.45));
        Assert.True(x.Min() < 0.5 && x.Max() > 1.2, $"range [{x.Min()}, {x.Max()}] is too narrow for the chaotic attractor");
        // Chaotic, not periodic: the series does not repeat with any period up to 200 samples.
        for (int lag = 5; lag <= 200; lag++)
        {
            double d = 0;
            for (int i = 0; i + lag < x.Length; i++) d = Math.Max(d, Math.Abs(x[i] - x[i + lag]));
            Assert.True(d > 0.05, $"series repeats with period {lag}");
        }
    }

    [Fact]
    public void StepPointOneConvergesToAFineReferenceOverThreeHundredTimeUnits()
    {
        var coarse = MackeyGlass.Generate(301, 1.0, 0, MackeyGlassParameters.Chaotic17 with { Step = 0.1 });
        var fine = MackeyGlass.Generate(301, 1.0, 0, MackeyGlassParameters.Chaotic17 with { Step = 0.01 });
        double err = 0;
        for (int i = 0; i < coarse.Length; i++) err = Math.Max(err, Math.Abs(coarse[i] - fine[i]));
        Assert.True(err < 1e-6, $"max |x(h=0.1) − x(h=0.01)| over t ∈ [0, 300] = {err:E2}, tolerance 1e-6");
    }

    [Fact]
    public void SchemeIsFourthOrderInTheStep()
    {
        // Over 60 time units (beyond 3τ, so the interpolated history is exercised) the error against a
        // fine reference must shrink ≈ 16× per halving of h.
        double Err(double h)
        {
            var p = MackeyGlassParameters.Chaotic17 with { Step = h };
            var a = MackeyGlass.Generate(31, 2.0, 0, p);
            var r = MackeyGlass.Generate(31, 2.0, 0, p with { Step = 1.0 / 64 });
            return a.Zip(r, (u, v) => Math.Abs(u - v)).Max();
        }
        double e1 = Err(0.5), e2 = Err(0.25), e3 = Err(0.125);   // τ/h = 34, 68, 136
        Assert.True(e1 / e2 is > 10 and < 24 && e2 / e3 is > 10 and < 24, $"errors {e1:E2}, {e2:E2}, {e3:E2}: ratios {e1 / e2:F1}, {e2 / e3:F1}, expected ≈ 16");
    }

    [Fact]
    public void DelayShapesTheDynamics()
    {
        // τ = 5 is not chaotic: after transients x settles onto a limit cycle, unlike MG-17.
        var p = MackeyGlassParameters.Chaotic17 with { Tau = 5 };
        var x = MackeyGlass.Generate(400, 1.0, 2000, p);
        var y = MackeyGlass.Generate(400, 1.0, 2000);
        Assert.True(x.Max() - x.Min() < y.Max() - y.Min());
        // Constant history and t = 0 sample.
        Assert.Equal(1.2, MackeyGlass.Generate(1)[0]);
    }

    [Fact]
    public void InvalidParametersAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MackeyGlass.Generate(10, 1.0, 0, MackeyGlassParameters.Chaotic17 with { Step = 18 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => MackeyGlass.Generate(10, 0.15, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MackeyGlass.Generate(10, 1.0, 0, MackeyGlassParameters.Chaotic17 with { Tau = -1 }));
    }
}

public class Narma10Tests
{
    [Fact]
    public void OutputSatisfiesTheRecurrenceExactly()
    {
        var s = Narma10.Generate(4000, seed: 42);
        var (u, y) = (s.Input, s.Output);
        Assert.All(u, v => Assert.InRange(v, 0.0, 0.5));
        for (int t = 0; t < 10; t++) Assert.Equal(0.0, y[t]);
        for (int t = 9; t + 1 < y.Length; t++)
        {
            double sum = 0;
            for (int i = 0; i < 10; i++) sum += y[t - i];
            double expected = 0.3 * y[t] + 0.05 * y[t] * sum + 1.5 * u[t - 9] * u[t] + 0.1;
            Assert.Equal(expected, y[t + 1]);
        }
        Assert.InRange(y[100..].Average(), 0.1, 0.5);
    }

    [Fact]
    public void SameSeedGivesTheSameSeriesAndStreamsAreIndependent()
    {
        var a = Narma10.Generate(500, 7);
        var b = Narma10.Generate(500, 7);
        var c = Narma10.Generate(500, 7, streamIndex: 1);
        Assert.Equal(a.Input, b.Input);
        Assert.Equal(a.Output, b.Output);
        Assert.NotEqual(a.Input, c.Input);
    }
}

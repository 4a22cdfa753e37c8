using Neuromorph.Crossbar;
using Neuromorph.Experiments.Crossbar;
using Neuromorph.Devices;
using Neuromorph.Learning.Deep;
using Neuromorph.Numerics;

namespace Neuromorph.Tests.Crossbar;

public class DriftTests
{
    private const double Year = 365.25 * 86400;

    [Fact]
    public void GlobalDriftCompensationRestoresTheMeanOutput()
    {
        int nin = 64, nout = 16;
        var w = new float[nin * nout];
        new RandomStream(3, "drift-w").FillNormal(w, 0, 0.2f);
        var m = new PcmProgrammedMatrix(w, nin, nout, PcmPresets.Joshi2020, 9);
        var w0 = new float[w.Length]; var wt = new float[w.Length];
        m.WeightsAt(PcmPresets.Joshi2020.DriftT0, w0, 0, readNoise: false);
        m.WeightsAt(Year, wt, 0, readNoise: false);
        double reference = DriftCompensation.Readout(w0, nin, nout);
        // Mean |output| over random non-negative inputs (activations after ReLU).
        var rng = new RandomStream(4, "drift-x");
        var x = new float[nin];
        double y0 = 0, yt = 0, yc = 0;
        float alpha = DriftCompensation.Factor(reference, wt, nin, nout);
        for (int s = 0; s < 200; s++)
        {
            rng.FillUniform(x, 0, 1);
            for (int j = 0; j < nout; j++)
            {
                double a = 0, b = 0;
                for (int i = 0; i < nin; i++) { a += w0[i * nout + j] * x[i]; b += wt[i * nout + j] * x[i]; }
                y0 += Math.Abs(a); yt += Math.Abs(b); yc += Math.Abs(alpha * b);
            }
        }
        Assert.True(yt < 0.85 * y0, $"a year of drift should shrink outputs (ratio {yt / y0:F3})");
        Assert.InRange(yc / y0, 0.95, 1.05);
        Assert.True(alpha > 1.15f);
    }

    [Fact]
    public void ProgrammedPairsReproduceTheWeightsRightAfterProgramming()
    {
        var w = new float[] { 0.5f, -0.25f, 0f, 1f, -1f, 0.1f };
        var m = new PcmProgrammedMatrix(w, 2, 3, PcmPresets.Joshi2020, 1);
        var r = new float[w.Length];
        m.WeightsAt(1, r, 0, readNoise: false);
        // Programming noise σ ≈ 0.26–1 µS on a 25 µS range: a few percent of max|W| = 1.
        for (int i = 0; i < w.Length; i++) Assert.InRange(r[i] - w[i], -0.2f, 0.2f);
        Assert.Equal(25e-6f, m.Scale, 1e-9f);
    }

    [Fact]
    public void SeveralPairsPerWeightAverageTheProgrammingAndDriftSpread()
    {
        // N pairs per weight: the error of the read weight (programming noise, per-device drift
        // exponents) is a mean of N independent errors, so its spread falls as 1/√N.
        var w = new float[4000];
        new RandomStream(6, "multi-w").FillUniform(w, -1, 1);
        double Rms(int n, double t)
        {
            var m = new PcmProgrammedMatrix(w, 40, 100, PcmPresets.Joshi2020, 11, n);
            var r = new float[w.Length];
            m.WeightsAt(t, r, 0, readNoise: false);
            double rw = 0, ww = 0; for (int i = 0; i < w.Length; i++) { rw += r[i] * w[i]; ww += w[i] * w[i]; }
            double mean = rw / ww;                               // the mean drift decay (least squares), removed
            double s = 0; for (int i = 0; i < w.Length; i++) { double e = r[i] - mean * w[i]; s += e * e; }
            return Math.Sqrt(s / w.Length);
        }
        foreach (double t in new[] { 1.0, Year })
        {
            double one = Rms(1, t), four = Rms(4, t);
            Assert.InRange(four / one, 0.4, 0.62);                // 1/√4 = 0.5
        }
        var m4 = new PcmProgrammedMatrix(w, 40, 100, PcmPresets.Joshi2020, 11, 4);
        Assert.Equal(4 * w.Length, m4.Plus.Count);
    }

    [Fact]
    public void HardwareAwareTrainingClipsWeights()
    {
        var f = new FloatWeights(50, 20, 0.1f, 2f, 5);
        var w = new float[1000];
        new RandomStream(6, "hwa").FillNormal(w, 0, 1);
        w[0] = 50f;   // an outlier
        f.WriteWeights(w);
        var opt = new SgdMomentum(0.01f, 0f);
        f.Bind(opt);
        var x = new float[50]; var dy = new float[20];
        f.Update(x, dy, 1, opt);
        var after = f.Values.ToArray();
        double sd = Math.Sqrt(after.Select(v => (double)v * v).Average());
        Assert.True(after.Max(v => Math.Abs(v)) <= 2.0 * 2.5 * sd + 1e-3, "clipped to ±κσ");
        Assert.True(after[0] < 10f);
    }

    [Theory]
    [InlineData(1.0, "1s")]
    [InlineData(3600.0, "1h")]
    [InlineData(86400.0, "1d")]
    [InlineData(365.25 * 86400 / 12, "1month")]
    [InlineData(365.25 * 86400, "1y")]
    public void TimeLabelsMatchTheMetricNames(double t, string label) => Assert.Equal(label, PcmDrift.Label(t));
}

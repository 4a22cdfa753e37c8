using Neuromorph.Crossbar;
using Neuromorph.Devices;
using Neuromorph.Learning.Deep;
using Neuromorph.Numerics;

namespace Neuromorph.Tests.Crossbar;

public class TikiTakaTests
{
    /// <summary>Soft-bounds devices: steps shrink toward each bound, so up and down steps differ away from w = 0 (asymmetric).</summary>
    private static PulsedDeviceParams SoftBounds => new()
    {
        Model = PulsedModel.SoftBounds, DwMin = 0.002f, DwMinDtod = 0, DwMinStd = 0.1f, UpDownDtod = 0,
        WMin = -1f, WMax = 1f, WMinDtod = 0, WMaxDtod = 0,
    };

    /// <summary>Relative weight error after online regression y = x·W* + noise with δ = ŷ − y.</summary>
    internal static double Train(IWeightMatrix m, int steps, ulong seed)
    {
        int nin = 4, nout = 3;
        var wStar = new float[nin * nout];
        var rng = new RandomStream(seed, "tt-problem");
        for (int k = 0; k < wStar.Length; k++) wStar[k] = (float)rng.Uniform(-0.6, 0.6);
        var opt = new SgdMomentum(0.05f, 0f);
        m.Bind(opt);
        var x = new float[nin]; var y = new float[nout]; var t = new float[nout]; var d = new float[nout];
        var data = new RandomStream(seed, "tt-data");
        for (int s = 0; s < steps; s++)
        {
            data.FillUniform(x, -1, 1);
            for (int j = 0; j < nout; j++)
            {
                double v = 0;
                for (int i = 0; i < nin; i++) v += x[i] * wStar[i * nout + j];
                t[j] = (float)(v + 0.5 * data.NextNormal());
            }
            m.Forward(x, y, 1, true);
            for (int j = 0; j < nout; j++) d[j] = y[j] - t[j];
            m.Update(x, d, 1, opt);
        }
        var w = new float[nin * nout];
        m.ReadWeights(w);
        double err = 0, norm = 0;
        for (int k = 0; k < w.Length; k++) { err += (w[k] - wStar[k]) * (w[k] - wStar[k]); norm += wStar[k] * wStar[k]; }
        return Math.Sqrt(err / norm);
    }

    [Fact]
    public void TikiTakaConvergesWhereAsymmetricSgdIsBiased()
    {
        var cfg = new AnalogConfig { Device = SoftBounds, Forward = IoParams.Perfect, Backward = IoParams.Perfect };
        double sgd = Train(new AnalogMatrix(4, 3, cfg, 3), 6000, 1);
        double tt = Train(new TikiTakaMatrix(4, 3, cfg, gamma: 0f, transferLearningRate: 0.02f, transferEvery: 5, seed: 3), 6000, 1);
        Assert.True(tt < 0.5 * sgd, $"Tiki-Taka error {tt:F3} vs plain pulsed SGD {sgd:F3}");
        Assert.True(tt < 0.15, $"Tiki-Taka error {tt:F3}");
    }
}

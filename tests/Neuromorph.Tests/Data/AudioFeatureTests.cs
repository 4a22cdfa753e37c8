using Neuromorph.Data;

namespace Neuromorph.Tests.Data;

public class AudioFeatureTests
{
    private static float[] Tone(double hz, int sampleRate, double seconds, double amplitude = 0.5)
    {
        var x = new float[(int)(seconds * sampleRate)];
        for (int n = 0; n < x.Length; n++) x[n] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * n / sampleRate));
        return x;
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static int Nearest(double[] centres, double hz)
    {
        int best = 0;
        for (int i = 1; i < centres.Length; i++) if (Math.Abs(centres[i] - hz) < Math.Abs(centres[best] - hz)) best = i;
        return best;
    }

    [Fact]
    public void ScalesMatchTheirPublishedAnchors()
    {
        Assert.Equal(1000.0, AuditoryScales.HzToMel(1000), 0.1);          // mel scale anchored near 1000 mel at 1 kHz
        Assert.Equal(2595 * Math.Log10(1 + 440 / 700.0), AuditoryScales.HzToMel(440), 0.01);  // 1127·ln ≡ 2595·log₁₀ to 5 digits
        Assert.Equal(440, AuditoryScales.MelToHz(AuditoryScales.HzToMel(440)), 1e-9);
        Assert.Equal(132.639, AuditoryScales.Erb(1000), 1e-3);            // 24.7·(4.37 + 1)
        Assert.Equal(3000, AuditoryScales.ErbRateToHz(AuditoryScales.HzToErbRate(3000)), 1e-6);
        Assert.Equal(15.62, AuditoryScales.HzToErbRate(1000), 0.01);
    }

    [Theory]
    [InlineData(300.0)]
    [InlineData(1000.0)]
    [InlineData(2500.0)]
    public void PureToneEnergyLandsInTheNearestMelFilter(double hz)
    {
        const int fs = 8000;
        var logMel = Mfcc.LogMelSpectrum(Tone(hz, fs, 0.5), fs);
        var centres = Mfcc.FilterCentres(fs);
        Assert.Equal(26, logMel.Channels);
        Assert.Equal((4000 - 200) / 80 + 1, logMel.Frames);
        for (int t = 0; t < logMel.Frames; t++) Assert.Equal(Nearest(centres, hz), ArgMax(logMel.Row(t)));
    }

    [Fact]
    public void MfccShapesDeltasAndRealRecording()
    {
        var wav = Wav.Read(Path.Combine(TestData.Bundled("fsdd"), "recordings", "7_jackson_12.wav"));
        var m = Mfcc.Compute(wav.Samples, wav.SampleRate);
        Assert.Equal(13, m.Channels);
        Assert.Equal((wav.Samples.Length - 200) / 80 + 1, m.Frames);
        Assert.Equal(100.0, m.FrameRate);
        Assert.All(m.Values, v => Assert.True(float.IsFinite(v)));
        var full = Mfcc.Compute(wav.Samples, wav.SampleRate, new MfccOptions(Deltas: true, DeltaDeltas: true));
        Assert.Equal(39, full.Channels);
        Assert.Equal(m.Row(3).ToArray(), full.Row(3)[..13].ToArray());

        // c₀ = √(2/M)·Σ log-mel: the DCT's zeroth row.
        var logMel = Mfcc.LogMelSpectrum(wav.Samples, wav.SampleRate);
        double c0 = Math.Sqrt(2.0 / 26) * logMel.Row(5).ToArray().Sum(v => (double)v);
        Assert.Equal(c0, m.Row(5)[0], 1e-3);

        // HTK regression deltas of a linear ramp are its slope away from the edges.
        var ramp = new FeatureMatrix(Enumerable.Range(0, 20).Select(t => 0.5f * t).ToArray(), 20, 1, 100);
        var d = Mfcc.Deltas(ramp, 2);
        for (int t = 2; t < 18; t++) Assert.Equal(0.5f, d.Values[t], 5);
        Assert.Equal((0.5f * 1 + 2 * 0.5f * 2) / 10f, d.Values[0], 5);   // edges replicated
    }

    [Fact]
    public void ShortSignalGivesOneFrameAndBadOptionsAreRejected()
    {
        Assert.Equal(1, Mfcc.Compute(new float[50], 8000).Frames);
        Assert.Throws<ArgumentOutOfRangeException>(() => Mfcc.Compute(new float[500], 8000, new MfccOptions(HighFrequency: 6000)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mfcc.Compute(new float[500], 8000, new MfccOptions(CoefficientCount: 40)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cochleagram.Compute(new float[500], 8000, new CochleagramOptions(HighFrequency: 4000)));
    }

    [Theory]
    [InlineData(200.0)]
    [InlineData(440.0)]
    [InlineData(1000.0)]
    [InlineData(3000.0)]
    public void CochleagramOfAPureTonePeaksInTheNearestChannel(double hz)
    {
        const int fs = 8000;
        var opts = new CochleagramOptions(Channels: 32);
        var cg = Cochleagram.Compute(Tone(hz, fs, 0.3), fs, opts);
        var centres = Cochleagram.CentreFrequencies(fs, opts);
        Assert.Equal(32, cg.Channels);
        Assert.Equal(30, cg.Frames);
        for (int t = 5; t < cg.Frames; t++) Assert.Equal(Nearest(centres, hz), ArgMax(cg.Row(t)));
    }

    [Fact]
    public void GammatoneHasUnitGainAtItsCentreFrequency()
    {
        // A unit tone exactly at a channel's centre passes with gain 1 and no phase shift, so the last
        // frame equals the mean of the half-wave rectified input samples (≈ 1/π; 0.3142 at 16 samples/cycle).
        const int fs = 16000;
        var opts = new CochleagramOptions(Channels: 1, LowFrequency: 1000, HighFrequency: 1000, Compression: CochleagramCompression.None);
        var x = Tone(1000, fs, 0.5, amplitude: 1.0);
        var cg = Cochleagram.Compute(x, fs, opts);
        double expected = x[^160..].Average(v => Math.Max(v, 0f));
        Assert.Equal(expected, cg.Values[^1], 1e-3);
        Assert.Equal(1 / Math.PI, cg.Values[^1], 0.01);
        // Centre frequencies are ERB-spaced: equal steps in ERB-rate.
        var f = Cochleagram.CentreFrequencies(8000, new CochleagramOptions(Channels: 10, LowFrequency: 100, HighFrequency: 3000));
        var steps = f.Zip(f.Skip(1), (a, b) => AuditoryScales.HzToErbRate(b) - AuditoryScales.HzToErbRate(a)).ToArray();
        Assert.All(steps, s => Assert.Equal(steps[0], s, 1e-9));
        Assert.Equal(100, f[0], 1e-9);
        Assert.Equal(3000, f[^1], 1e-6);
        // Compression: cube root of the uncompressed value.
        var cube = Cochleagram.Compute(Tone(1000, fs, 0.5, amplitude: 1.0), fs, opts with { Compression = CochleagramCompression.CubeRoot });
        Assert.Equal(MathF.Cbrt(cg.Values[^1]), cube.Values[^1], 6);
    }

    [Fact]
    public void FeatureSequencesOfFsddTestSplitKeepOrderAndLabels()
    {
        var test = Fsdd.Load().Test;
        var mfcc = FeatureSequences.Extract(test.Audio, x => Mfcc.Compute(x, test.SampleRate));
        Assert.Equal(test.Count, mfcc.Count);
        Assert.Equal(test.Digits, mfcc.Labels);
        Assert.Equal(13, mfcc.FeatureCount);
        for (int i = 0; i < test.Count; i += 37)
        {
            var direct = Mfcc.Compute(test.Recording(i), test.SampleRate);
            Assert.Equal(direct.Frames, mfcc.Length(i));
            Assert.Equal(direct.Values, mfcc.Sequence(i).ToArray());
        }
    }
}

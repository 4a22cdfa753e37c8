using Neuromorph.Data;

namespace Neuromorph.Tests.Data;

public class PoissonEncoderTests
{
    [Fact]
    public void MeanCountEqualsRateTimesDuration()
    {
        var enc = new PoissonEncoder(MaxRate: 100, Dt: 1e-3, Steps: 1000);     // 1 s window
        float[] values = [0f, 0.1f, 0.25f, 0.5f, 1f];
        const int samples = 400;
        var totals = new double[values.Length];
        for (uint s = 0; s < samples; s++)
        {
            var counts = enc.Encode(values, seed: 11, sampleIndex: s).CountPerChannel();
            for (int i = 0; i < values.Length; i++) totals[i] += counts[i];
        }
        for (int i = 0; i < values.Length; i++)
        {
            double p = values[i] * 100 * 1e-3, expected = p * 1000;           // rate × duration
            double sd = Math.Sqrt(1000 * p * (1 - p) / samples);             // binomial, per-sample mean
            double mean = totals[i] / samples;
            Assert.True(Math.Abs(mean - expected) <= 4 * sd + 1e-12, $"value {values[i]}: mean count {mean}, expected {expected} ± {4 * sd:F3}");
        }
        Assert.Equal(0, totals[0]);
        // rate × dt = 1 fires at every step.
        Assert.Equal(Enumerable.Repeat(20, 3), new PoissonEncoder(1000, 1e-3, 20).Encode([1f, 1f, 1f], 1, 0).CountPerChannel());
    }

    [Fact]
    public void SameSeedAndSampleIndexGiveTheSameSpikesOnAnyThreadCount()
    {
        var enc = new PoissonEncoder(200, 1e-3, 50);
        var data = new float[64 * 20];
        for (int i = 0; i < data.Length; i++) data[i] = (i * 37 % 101) / 100f;
        var batch = enc.EncodeBatch(data, 64, seed: 5, firstSampleIndex: 100);
        for (int r = 0; r < 20; r++)
        {
            var single = enc.Encode(data.AsSpan(r * 64, 64), 5, (uint)(100 + r));
            Assert.Equal(single.StepOffsets, batch[r].StepOffsets);
            Assert.Equal(single.Indices, batch[r].Indices);
        }
        var again = enc.EncodeBatch(data, 64, seed: 5, firstSampleIndex: 100);
        Assert.Equal(batch.SelectMany(b => b.Indices), again.SelectMany(b => b.Indices));
        var other = enc.Encode(data.AsSpan(0, 64), seed: 6, sampleIndex: 100);
        Assert.NotEqual(batch[0].Indices, other.Indices);
        var nextSample = enc.Encode(data.AsSpan(0, 64), seed: 5, sampleIndex: 101);
        Assert.NotEqual(batch[0].Indices, nextSample.Indices);
    }

    [Fact]
    public void InterSpikeGapsAreGeometricLikeOneTrialPerStep()
    {
        // For a Bernoulli(p) process the fraction of steps at which a spike follows a spike is p,
        // and consecutive counts in disjoint windows are uncorrelated.
        var enc = new PoissonEncoder(MaxRate: 300, Dt: 1e-3, Steps: 20_000);   // p = 0.3
        var r = enc.Encode([1f, 1e-12f], seed: 2, sampleIndex: 0);
        var first = r.CountPerChannel();
        Assert.InRange(first[0], 6000 - 4 * 65, 6000 + 4 * 65);               // sd = √(20000·0.3·0.7) ≈ 65
        Assert.Equal(0, first[1]);                                            // p = 1e-14: essentially never
        int pairs = 0, spikes = 0;
        bool prev = false;
        for (int t = 0; t < r.Steps; t++)
        {
            bool now = r.At(t).Contains(0);
            if (prev) { spikes++; if (now) pairs++; }
            prev = now;
        }
        double pHat = (double)pairs / spikes;
        Assert.InRange(pHat, 0.3 - 4 * Math.Sqrt(0.21 / spikes), 0.3 + 4 * Math.Sqrt(0.21 / spikes));
    }

    [Fact]
    public void RateTimesDtAboveOneOrValuesOutsideUnitIntervalAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoissonEncoder(2000, 1e-3, 10).Encode([0.5f], 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoissonEncoder(100, 1e-3, 10).Encode([1.5f], 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoissonEncoder(100, 1e-3, 10).Encode([float.NaN], 1, 0));
    }

    [Fact]
    public void RasterIsSortedCsrAndCountsAgree()
    {
        var enc = new PoissonEncoder(300, 1e-3, 200);
        var values = Enumerable.Range(0, 30).Select(i => i / 29f).ToArray();
        var r = enc.Encode(values, 3, 0);
        Assert.Equal(201, r.StepOffsets.Length);
        for (int t = 0; t < r.Steps; t++)
        {
            var at = r.At(t);
            for (int k = 1; k < at.Length; k++) Assert.True(at[k] > at[k - 1]);
        }
        var counts = r.CountPerChannel();
        Assert.Equal(r.SpikeCount, counts.Sum());
        var binned = SpikeCounts.Binned(r, 50);
        Assert.Equal(4 * 30, binned.Length);
        for (int c = 0; c < 30; c++) Assert.Equal(counts[c], binned[c] + binned[30 + c] + binned[60 + c] + binned[90 + c]);
        var matrix = SpikeCounts.Matrix([r, r]);
        Assert.Equal(counts.Select(x => (float)x), matrix[30..]);
        Assert.Equal(0.2, r.Duration, 12);
    }
}

public class LatencyEncoderTests
{
    [Theory]
    [InlineData(LatencyCode.Linear)]
    [InlineData(LatencyCode.Logarithmic)]
    public void BrighterInputsSpikeEarlierAndOnlyOnce(LatencyCode code)
    {
        var enc = new LatencyEncoder(Steps: 100, Dt: 1e-3, Code: code, Threshold: 0.05, Tau: 0.1);
        float[] values = [1f, 0.8f, 0.6f, 0.4f, 0.2f, 0.1f, 0.05f, 0f];
        var r = enc.Encode(values);
        var first = r.FirstSpikeSteps();
        Assert.All(r.CountPerChannel(), c => Assert.InRange(c, 0, 1));
        for (int i = 1; i < 6; i++) Assert.True(first[i] > first[i - 1], $"{code}: value {values[i]} spiked at {first[i]}, not after {values[i - 1]} at {first[i - 1]}");
        Assert.Equal(-1, first[6]);          // at threshold: silent
        Assert.Equal(-1, first[7]);
        // Linear: full intensity at step 0; logarithmic: τ·ln(1/(1 − θ)) = 0.1 s · ln(1/0.95) = 5.1 ms → step 5.
        Assert.Equal(code == LatencyCode.Linear ? 0 : 5, first[0]);
    }

    [Fact]
    public void LinearCodeSpansTheWindowAndMnistDigitsEncode()
    {
        var enc = new LatencyEncoder(50, 1e-3, LatencyCode.Linear, Threshold: 0);
        Assert.Equal(0, enc.SpikeStep(1f));
        Assert.Equal(49, enc.SpikeStep(1e-6f));
        Assert.Equal(-1, enc.SpikeStep(0f));
        var digits = Digits8x8.Load(scaleToUnit: true);
        var rasters = enc.EncodeBatch(digits.Features[..(64 * 10)], 64);
        for (int s = 0; s < 10; s++)
        {
            var sample = digits.Sample(s);
            int nonzero = 0;
            foreach (var v in sample) if (v > 0) nonzero++;
            Assert.Equal(nonzero, rasters[s].SpikeCount);
        }
    }
}

public class DeltaEncoderTests
{
    [Fact]
    public void ReconstructionStaysWithinTheThreshold()
    {
        const int steps = 2000, channels = 3;
        var x = new float[steps * channels];
        var rng = new Neuromorph.Numerics.RandomStream(9, "delta-test");
        for (int t = 0; t < steps; t++)
        {
            x[t * 3] = MathF.Sin(2 * MathF.PI * 5 * t * 1e-3f);
            x[t * 3 + 1] = 0.3f * MathF.Cos(2 * MathF.PI * 13 * t * 1e-3f) + 0.05f * (float)rng.NextNormal();
            x[t * 3 + 2] = t < 1000 ? 0f : 2f;        // a step of 2 → 20 UP events at once
        }
        var enc = new DeltaEncoder(Threshold: 0.1);
        var encoded = enc.Encode(x, channels, 1e-3);
        Assert.Equal(6, encoded.Raster.Channels);
        var r = enc.Reconstruct(encoded);
        for (int i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(x[i] - r[i]) < 0.1 + 1e-6, $"step {i / 3} channel {i % 3}: |x − r| = {Math.Abs(x[i] - r[i])}");
        var counts = encoded.Raster.CountPerChannel();
        Assert.Equal(20, counts[4]);                  // channel 2 UP
        Assert.Equal(0, counts[5]);
        Assert.Equal(20, encoded.Raster.At(1000).Count(4));         // all 20 at the jump
        Assert.True(counts[0] > 150 && counts[1] > 150, "a 5 Hz unit sine over 2 s crosses 0.1 steps ≈ 400 times");
        // Encoding is deterministic and sparse relative to the number of samples.
        Assert.True(encoded.Raster.SpikeCount < steps * channels);
    }

    [Fact]
    public void ConstantSignalIsSilentAndBadInputIsRejected()
    {
        var enc = new DeltaEncoder(0.5);
        Assert.Equal(0, enc.Encode(Enumerable.Repeat(3f, 100).ToArray(), 1, 1e-3).Raster.SpikeCount);
        Assert.Throws<ArgumentException>(() => enc.Encode(new float[7], 2, 1e-3));
        Assert.Throws<ArgumentException>(() => enc.Encode([0f, float.NaN], 1, 1e-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeltaEncoder(1e-9).Encode([0f, 1f], 1, 1e-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeltaEncoder(0).Encode([0f, 1f], 1, 1e-3));
    }
}

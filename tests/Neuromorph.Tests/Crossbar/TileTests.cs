using Neuromorph.Crossbar;
using Neuromorph.Data;
using Neuromorph.Devices;
using Neuromorph.Energy;
using Neuromorph.Experiments;
using Neuromorph.Learning.Deep;
using Neuromorph.Numerics;

namespace Neuromorph.Tests.Crossbar;

public class TileTests
{
    internal static float[] Random(int n, ulong seed, float std = 1f)
    {
        var a = new float[n];
        var r = new RandomStream(seed, "tile-test");
        r.FillNormal(a, 0, std);
        return a;
    }

    /// <summary>A noise-free constant-step device: no spreads, wide bounds.</summary>
    internal static PulsedDeviceParams Clean(float dw = 0.001f) => new()
    {
        Model = PulsedModel.ConstantStep, DwMin = dw, DwMinDtod = 0, DwMinStd = 0, UpDownDtod = 0,
        WMin = -1f, WMax = 1f, WMinDtod = 0, WMaxDtod = 0,
    };

    [Fact]
    public void DifferentialPairHoldsSignedWeights()
    {
        var dev = Clean() with { WMin = 0f, WMax = 1f };
        var w = Random(6 * 5, 5, 0.3f);
        var tile = new AnalogTile(6, 5, dev, CellMapping.Differential, IoParams.Perfect, IoParams.Perfect, new UpdateParams(), 3, 0);
        tile.Program(w);
        for (int i = 0; i < w.Length; i++) Assert.Equal(w[i], tile.Weights[i], 1e-6f);
    }

    [Fact]
    public void NoisyBatchMvmDoesNotDependOnThreadCount()
    {
        // Large enough for the periphery to run in parallel parts; large weights so that some
        // samples saturate the ADC and take bound-management retries.
        int rows = 160, cols = 40, batch = 64;
        var w = Random(rows * cols, 21, 0.05f);
        for (int k = 0; k < w.Length; k++) w[k] += 0.5f;
        var x = Random(batch * rows, 22);
        for (int k = 0; k < x.Length; k++) x[k] = MathF.Abs(x[k]);   // Σ w x ≈ 25 > ADC bound 20
        int saved = Parallelism.MaxThreads;
        var result = new List<(float[] Y, float[] Yt, long Adc)>();
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Parallelism.MaxThreads = threads;
                var tile = new AnalogTile(rows, cols, PulsedPresets.GokmenVlasov2016, CellMapping.Single,
                    IoParams.Preset with { WeightNoise = 0.02f }, IoParams.PresetBackward, new UpdateParams(), 5, 0);
                tile.Program(w);
                var counters = new OpCounters();
                var y = new float[batch * cols];
                tile.Mvm(x, rows, 0, y, batch, false, counters);
                var yt = new float[batch * rows];
                tile.Mvm(y, cols, 0, yt, batch, true, counters);
                result.Add((y, yt, counters[Op.AdcConversion]));
            }
        }
        finally { Parallelism.MaxThreads = saved; }
        Assert.True(result[0].Adc > batch * (cols + rows), "no sample took a bound-management retry");
        Assert.Equal(result[0].Adc, result[1].Adc);
        Assert.Equal(result[0].Y, result[1].Y);
        Assert.Equal(result[0].Yt, result[1].Yt);
    }

    [Fact]
    public void TiledMatrixEqualsOneBigTile()
    {
        int nin = 12, nout = 7, batch = 3;
        var w = Random(nin * nout, 6, 0.3f);
        var x = Random(batch * nin, 7);
        var cfg = new AnalogConfig { Device = null, Forward = IoParams.Perfect, Backward = IoParams.Perfect, TileRows = 5, TileCols = 3 };
        var tiled = new AnalogMatrix(nin, nout, cfg, 1) { Counters = new OpCounters() };
        Assert.Equal(3, tiled.TileRowCount); Assert.Equal(3, tiled.TileColCount);
        tiled.WriteWeights(w);
        var y = new float[batch * nout];
        tiled.Forward(x, y, batch, false);
        var f = new FloatWeights(nin, nout); f.WriteWeights(w);
        var yRef = new float[batch * nout];
        f.Forward(x, yRef, batch, false);
        for (int i = 0; i < y.Length; i++) Assert.Equal(yRef[i], y[i], 1e-4f);
        // Partial sums of the 2 extra row-tiles are added digitally.
        Assert.Equal(2L * batch * nout, tiled.Counters[Op.Accumulate]);
        Assert.Equal((long)batch * nin * nout, tiled.Counters[Op.Mac]);
        var back = new float[nin * nout];
        tiled.ReadWeights(back);
        Assert.Equal(w, back);
    }

    [Fact]
    public void ConvertersHaveTheirLevelsAndSaturate()
    {
        var io = new IoParams { InputBits = 3, OutputBits = 4, OutputBound = 2f };
        // A b-bit converter over ±bound has 2^b − 1 levels, step 2·bound/(2^b − 2).
        var levels = Enumerable.Range(0, 2001).Select(k => io.QuantizeInput(-1.2f + 2.4f * k / 2000)).Distinct().Count();
        Assert.Equal(7, levels);
        Assert.Equal(1f / 3f, io.InputStep, 1e-6f);
        Assert.Equal(1f, io.QuantizeInput(5f));
        Assert.Equal(-1f, io.QuantizeInput(-5f));
        var outLevels = Enumerable.Range(0, 4001).Select(k => io.QuantizeOutput(-3f + 6f * k / 4000)).Distinct().Count();
        Assert.Equal(15, outLevels);
        Assert.Equal(2f, io.QuantizeOutput(100f));
    }

    [Fact]
    public void BoundManagementRecoversSaturatedOutputs()
    {
        int rows = 64, cols = 4;
        var w = new float[rows * cols];
        Array.Fill(w, 0.5f);
        var x = new float[rows];
        Array.Fill(x, 1f);   // exact output 32 > bound 20
        var noBm = new IoParams { OutputNoise = 0, BoundManagement = BoundManagement.None };
        var bm = new IoParams { OutputNoise = 0 };
        var y = new float[cols];
        var t1 = new AnalogTile(rows, cols, null, CellMapping.Single, noBm, noBm, new UpdateParams(), 1, 0);
        t1.Program(w);
        t1.Mvm(x, rows, 0, y, 1, false, null);
        Assert.Equal(20f, y[0], 1e-4f);
        var t2 = new AnalogTile(rows, cols, null, CellMapping.Single, bm, bm, new UpdateParams(), 1, 0);
        t2.Program(w);
        var counters = new OpCounters();
        t2.Mvm(x, rows, 0, y, 1, false, counters);
        Assert.InRange(y[0], 31.8f, 32.2f);
        Assert.Equal(2 * cols, counters[Op.AdcConversion]);   // one retry at half input
    }

    [Fact]
    public void NoiseManagementKeepsSmallInputsAboveTheDacStep()
    {
        int rows = 8, cols = 2;
        var w = Random(rows * cols, 9, 0.3f);
        var x = Random(rows, 10, 0.001f);   // far below one DAC step of an unscaled input
        var f = new FloatWeights(rows, cols); f.WriteWeights(w);
        var yRef = new float[cols]; f.Forward(x, yRef, 1, false);
        var io = new IoParams { OutputNoise = 0, OutputBits = 0 };
        var tile = new AnalogTile(rows, cols, null, CellMapping.Single, io, io, new UpdateParams(), 1, 0);
        tile.Program(w);
        var y = new float[cols];
        tile.Mvm(x, rows, 0, y, 1, false, null);
        for (int j = 0; j < cols; j++) Assert.Equal(yRef[j], y[j], 5e-5f);
        var noNm = io with { NoiseManagement = NoiseManagement.None };
        var t2 = new AnalogTile(rows, cols, null, CellMapping.Single, noNm, noNm, new UpdateParams(), 1, 0);
        t2.Program(w);
        t2.Mvm(x, rows, 0, y, 1, false, null);
        Assert.All(y, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void AllZeroInputGivesExactZeroUnderNoiseManagement()
    {
        // A zero error vector (e.g. max-pooled-away pixels) must not turn into output noise.
        var tile = new AnalogTile(5, 3, null, CellMapping.Single, IoParams.Preset, IoParams.PresetBackward, new UpdateParams(), 1, 0);
        tile.Program(Random(15, 3, 0.3f));
        var x = new float[2 * 5]; x[7] = 0.5f;   // sample 0 all zero, sample 1 not
        var y = new float[2 * 3];
        tile.Mvm(x, 5, 0, y, 2, false, null);
        Assert.All(y.AsSpan(0, 3).ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(y.AsSpan(3, 3).ToArray(), v => v != 0f);
    }

    [Theory]
    [InlineData(PulseType.Stochastic)]
    [InlineData(PulseType.Deterministic)]
    public void PulsedUpdateHasTheSgdMean(PulseType type)
    {
        // E[ΔW] = −η·x·δᵀ (Gokmen & Vlasov 2016): average many single-sample updates from W = 0.
        int rows = 6, cols = 5, reps = 400;
        float lr = 0.02f;
        var x = new float[] { 1f, -0.5f, 0.25f, 0f, 0.8f, -1f };
        var d = new float[] { 0.3f, -0.2f, 0.1f, -0.05f, 0.25f };
        var mean = new double[rows * cols];
        var tile = new AnalogTile(rows, cols, Clean(0.0005f), CellMapping.Single, IoParams.Perfect, IoParams.Perfect, new UpdateParams { PulseType = type }, 11, 0);
        var zero = new float[rows * cols];
        for (int r = 0; r < reps; r++)
        {
            tile.Program(zero);
            tile.UpdateWeights(x, rows, 0, d, cols, 0, 1, lr, null);
            for (int k = 0; k < mean.Length; k++) mean[k] += tile.Weights[k] / reps;
        }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                double expect = -lr * x[i] * d[j];
                // Deterministic counts round to whole pulses: error up to half a step (Δw_min/2).
                double tol = type == PulseType.Stochastic ? 0.1 * Math.Abs(expect) + 1.5e-4 : 0.5 * 0.0005 + 1e-6;
                Assert.True(Math.Abs(mean[i * cols + j] - expect) <= tol,
                    $"{type} ΔW[{i},{j}] = {mean[i * cols + j]:G4}, expected {expect:G4}");
            }
    }

    [Fact]
    public void MixedPrecisionAccumulatesSubThresholdUpdates()
    {
        // Each update is a quarter of Δw_min: rounding would drop all of them; the accumulator
        // fires one pulse every fourth update and carries the remainder.
        var tile = new AnalogTile(1, 1, Clean(0.01f), CellMapping.Single, IoParams.Perfect, IoParams.Perfect, new UpdateParams { PulseType = PulseType.MixedPrecision }, 1, 0);
        var c = new OpCounters();
        for (int k = 0; k < 10; k++) tile.UpdateWeights([1f], 1, 0, [-0.025f], 1, 0, 1, 0.1f, c);
        Assert.Equal(2, c[Op.ProgrammingPulse]);
        Assert.Equal(0.02f, tile.Weights[0], 1e-6f);
        Assert.Equal(0.005f, tile.Accumulator[0], 1e-6f);
        var det = new AnalogTile(1, 1, Clean(0.01f), CellMapping.Single, IoParams.Perfect, IoParams.Perfect, new UpdateParams { PulseType = PulseType.Deterministic }, 1, 0);
        for (int k = 0; k < 10; k++) det.UpdateWeights([1f], 1, 0, [-0.025f], 1, 0, 1, 0.1f, null);
        Assert.Equal(0f, det.Weights[0]);
    }

    [Fact]
    public void PulseCountsAreCountedAsProgrammingPulses()
    {
        var tile = new AnalogTile(3, 3, Clean(0.01f), CellMapping.Single, IoParams.Perfect, IoParams.Perfect, new UpdateParams { PulseType = PulseType.Deterministic }, 1, 0);
        var c = new OpCounters();
        tile.UpdateWeights([1f, 0f, 0f], 3, 0, [0.5f, 0f, 0f], 3, 0, 1, 0.1f, c);
        // 0.1·1·0.5 / 0.01 = 5 pulses, each −0.01.
        Assert.Equal(5, c[Op.ProgrammingPulse]);
        Assert.Equal(-0.05f, tile.Weights[0], 1e-6f);
    }

    [Fact]
    public void MlpLearnsDigitsOnConstantStepTiles()
    {
        var (train, test) = ReadoutClassification.StratifiedSplit(Digits8x8.Load(scaleToUnit: true), 0.3, 3);
        var cfg = new AnalogConfig { Device = PulsedPresets.GokmenVlasov2016 };
        var net = new Sequential(
            new Dense(new AnalogMatrix(64, 64, cfg, 5, 0), 1), new Activation(ActivationKind.Relu, 64),
            new Dense(new AnalogMatrix(64, 10, cfg, 5, 1), 2));
        net.Bind(new SgdMomentum(0.1f, 0f));
        for (int e = 0; e < 15; e++) net.TrainEpoch(train, 16, 1, e, cancel: TestContext.Current.CancellationToken);
        var acc = net.Evaluate(test).Accuracy;
        Assert.True(acc > 0.9, $"test accuracy {acc:P2}");
    }

    [Fact]
    public void VectorConvertersEqualTheScalarConverters()
    {
        var io = new IoParams { InputBits = 7, OutputBits = 9, OutputBound = 3f };
        var r = new RandomStream(5, "converters");
        var x = new float[37]; r.FillNormal(x, 0, 2);
        var q = new float[37];
        io.QuantizeInputs(x, 1.7f, q);
        for (int i = 0; i < x.Length; i++) Assert.Equal(io.QuantizeInput(x[i] / 1.7f), q[i]);

        var y = new float[41]; r.FillNormal(y, 0, 1);           // below the bound: no saturation
        var expect = y.Select(io.QuantizeOutput).ToArray();
        Assert.False(io.QuantizeOutputs(y));
        Assert.Equal(expect, y);
        y[3] = 3.5f;                                            // in the vector part
        Assert.True(io.QuantizeOutputs(y));
        Assert.Equal(3f, y[3]);
        var tail = new float[41]; tail[40] = -3f;               // exactly at the bound, in the scalar tail
        Assert.True(io.QuantizeOutputs(tail));
    }
}

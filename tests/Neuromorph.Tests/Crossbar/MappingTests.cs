using Neuromorph.Crossbar;
using Neuromorph.Data;
using Neuromorph.Devices;
using Neuromorph.Energy;
using Neuromorph.Experiments;
using Neuromorph.Experiments.Crossbar;
using Neuromorph.Learning.Deep;
using Neuromorph.Numerics;

namespace Neuromorph.Tests.Crossbar;

/// <summary>Weight-to-device mappings of the tile: single, reference column, differential pair; N cells per weight.</summary>
public class MappingTests
{
    private static float[] Random(int n, ulong seed, float std = 1f) => TileTests.Random(n, seed, std);

    /// <summary>A noise-free constant-step device: no spreads, bounds ±1.</summary>
    private static PulsedDeviceParams Clean(float dw = 0.001f) => TileTests.Clean(dw);

    private static AnalogTile Tile(int rows, int cols, PulsedDeviceParams dev, CellMapping m, ulong seed = 3, UpdateParams? update = null) =>
        new(rows, cols, dev, m, IoParams.Perfect, IoParams.Perfect, update ?? new UpdateParams(), seed, 0);

    /// <summary>Every cell kind with one and with three cells per weight.</summary>
    public static readonly TheoryData<MappingKind, int> EveryMapping = new()
    {
        { MappingKind.Single, 1 }, { MappingKind.Single, 3 }, { MappingKind.Reference, 1 },
        { MappingKind.Reference, 3 }, { MappingKind.Differential, 1 }, { MappingKind.Differential, 3 },
    };

    [Fact]
    public void DifferentialPairsOfDispersedDevicesReadBackTheProgrammedWeight()
    {
        // Bounds spread 30 % device to device (aihwkit's default): each pair is written from its
        // own common floor, so g⁺ − g⁻ = w wherever the window allows (here |w| ≤ 0.2 ≪ 0.6).
        int rows = 20, cols = 10;
        var dev = new PulsedDeviceParams { DwMin = 0.001f, WMin = -0.6f, WMax = 0.6f, DwMinDtod = 0.3f, WMinDtod = 0.3f, WMaxDtod = 0.3f, DwMinStd = 0.3f };
        var w = Random(rows * cols, 5, 0.07f);
        for (int i = 0; i < w.Length; i++) w[i] = Math.Clamp(w[i], -0.2f, 0.2f);
        var tile = Tile(rows, cols, dev, CellMapping.Differential);
        tile.Program(w);
        for (int i = 0; i < w.Length; i++) Assert.Equal(w[i], tile.Weights[i], 1e-5f);
        Assert.Contains(tile.Devices!.LowerBounds.ToArray(), b => Math.Abs(b + 0.6f) > 0.05f);   // the floors really are dispersed
    }

    [Theory]
    [MemberData(nameof(EveryMapping))]
    public void KirchhoffSumEqualsMatrixProductUnderEveryMapping(MappingKind kind, int n)
    {
        int rows = 11, cols = 6, batch = 3;
        var w = Random(rows * cols, 1, 0.2f);
        var x = Random(batch * rows, 2);
        var tile = Tile(rows, cols, Clean(), new CellMapping(kind, n));
        tile.Program(w);
        Assert.Equal(n * rows * cols, tile.Devices!.Count);
        var y = new float[batch * cols];
        tile.Mvm(x, rows, 0, y, batch, transposed: false, null);
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < cols; j++)
            {
                double s = 0;
                for (int i = 0; i < rows; i++) s += (double)w[i * cols + j] * x[b * rows + i];
                Assert.Equal(s, y[b * cols + j], 1e-4);
            }
        var d = Random(batch * cols, 4);
        var dx = new float[batch * rows];
        tile.Mvm(d, cols, 0, dx, batch, transposed: true, null);
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < rows; i++)
            {
                double s = 0;
                for (int j = 0; j < cols; j++) s += (double)w[i * cols + j] * d[b * cols + j];
                Assert.Equal(s, dx[b * rows + i], 1e-4);
            }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ReferenceOffsetIsTheReferenceDeviationWeightedByTheInput(int n)
    {
        // Bounds dispersed 20 % from device to device: each row's reference sits at the middle of
        // its own window, g_ref,i ≠ ḡ = 0, and shifts the row: y − W·x = −Σ_i (Σ_k g_ref,ik − N·ḡ)·x_i.
        int rows = 24, cols = 5;
        var dev = Clean() with { WMinDtod = 0.2f, WMaxDtod = 0.2f };
        var w = Random(rows * cols, 7, 0.03f);
        var x = Random(rows, 8);
        var tile = Tile(rows, cols, dev, new CellMapping(MappingKind.Reference, n));
        tile.Program(w);
        var r = tile.ReferenceDevices!;
        Assert.Equal(n * rows, r.Count);
        var offset = new double[rows];
        double spread = 0;
        for (int i = 0; i < rows; i++)
        {
            for (int k = 0; k < n; k++) offset[i] += r.State[k * rows + i] - 0.5 * (dev.WMin + dev.WMax);
            spread += offset[i] * offset[i] / rows;
        }
        // The dispersion is real: the midpoint of a window with ±20 % bounds spreads by 0.2/√2 per device.
        Assert.InRange(Math.Sqrt(spread / n), 0.09, 0.2);
        var y = new float[cols];
        tile.Mvm(x, rows, 0, y, 1, transposed: false, null);
        double expected = 0;
        for (int i = 0; i < rows; i++) expected -= offset[i] * x[i];
        for (int j = 0; j < cols; j++)
        {
            double wx = 0;
            for (int i = 0; i < rows; i++) wx += (double)w[i * cols + j] * x[i];
            Assert.Equal(expected, y[j] - wx, 1e-4);
        }
    }

    [Theory]
    [InlineData(MappingKind.Single)]
    [InlineData(MappingKind.Reference)]
    [InlineData(MappingKind.Differential)]
    public void OnePulseMovesTheWeightByOneDeviceStepAndTheCounterCyclesThroughTheCells(MappingKind kind)
    {
        const int n = 4;
        const float dw = 0.01f;
        // Device-to-device spread of the step, so each cell's step is its own.
        var dev = Clean(dw) with { DwMinDtod = 0.3f };
        var tile = Tile(1, 1, dev, new CellMapping(kind, n), update: new UpdateParams { PulseType = PulseType.Deterministic });
        tile.Program([0f]);
        float[] x = [1f], d = [-1f];   // descent step +η·1·1 = one pulse up with η = Δw_min
        for (int e = 0; e < 2 * n; e++)
        {
            int k = e % n;
            Assert.Equal(k, tile.SelectedDevice);
            var before = tile.Devices!.State.ToArray();
            float w0 = tile.Weights[0];
            tile.UpdateWeights(x, 1, 0, d, 1, 0, 1, dw, null);
            float change = tile.Weights[0] - w0;
            // Exactly the selected cell's up step, never N steps.
            Assert.Equal(tile.Devices.StepUp[k], change, 1e-6f);
            Assert.InRange(change, 0.3f * dw, 2f * dw);
            for (int c = 0; c < n; c++)
                if (c == k) Assert.NotEqual(before[c], tile.Devices.State[c]);
                else Assert.Equal(before[c], tile.Devices.State[c]);
        }
        Assert.Equal(0, tile.SelectedDevice);
        Assert.Equal(n, tile.Devices!.StepUp.ToArray().Distinct().Count());
        if (kind == MappingKind.Differential) Assert.All(tile.MinusDevices!.State.ToArray(), g => Assert.Equal(dev.WMin, g));
    }

    [Fact]
    public void SpreadOfPulseWrittenWeightsFallsAsOneOverSqrtN()
    {
        // 16 update events of one pulse per weight: with N cells each takes 16/N pulses of its own
        // step Δw_k (30 % device-to-device spread), w = (16/N)·Σ_k Δw_k, so the relative spread
        // of the written weights is 0.3/√N (Boybat et al. 2018).
        const int rows = 64, cols = 64, events = 16;
        const float dw = 0.001f;
        var dev = Clean(dw) with { DwMinDtod = 0.3f, WMin = -10f, WMax = 10f };
        var x = new float[rows]; Array.Fill(x, 1f);
        var d = new float[cols]; Array.Fill(d, -1f);
        var cv = new Dictionary<int, double>();
        foreach (int n in new[] { 1, 4, 16 })
        {
            var tile = Tile(rows, cols, dev, new CellMapping(MappingKind.Single, n), seed: 11, update: new UpdateParams { PulseType = PulseType.Deterministic });
            tile.Program(new float[rows * cols]);
            for (int e = 0; e < events; e++) tile.UpdateWeights(x, rows, 0, d, cols, 0, 1, dw, null);
            var w = tile.Weights.ToArray();
            double mean = w.Average(v => (double)v);
            Assert.Equal(events * dw, mean, events * dw * 0.05);
            cv[n] = Math.Sqrt(w.Average(v => (v - mean) * (v - mean))) / mean;
        }
        Assert.Equal(0.3, cv[1], 0.3 * 0.1);
        Assert.Equal(0.5, cv[4] / cv[1], 0.5 * 0.1);
        Assert.Equal(0.25, cv[16] / cv[1], 0.25 * 0.1);
    }

    [Theory]
    [InlineData(MappingKind.Single, 1)]
    [InlineData(MappingKind.Reference, 1)]
    [InlineData(MappingKind.Single, 3)]
    [InlineData(MappingKind.Differential, 2)]
    public void PulsedUpdateUnderEveryMappingDoesNotDependOnThreadCount(MappingKind kind, int n)
    {
        int nin = 12, nout = 7, batch = 4;
        var x = Random(batch * nin, 8); var d = Random(batch * nout, 9, 0.05f);
        var cfg = new AnalogConfig { Device = PulsedPresets.GokmenVlasov2016, Mapping = new CellMapping(kind, n), TileRows = 5, TileCols = 3 };
        int saved = Parallelism.MaxThreads;
        var result = new List<(float[] W, long Pulses)>();
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Parallelism.MaxThreads = threads;
                var m = new AnalogMatrix(nin, nout, cfg, 3) { Counters = new OpCounters() };
                var opt = new SgdMomentum(0.5f, 0f);
                for (int step = 0; step < 5; step++) m.Update(x, d, batch, opt);
                var w = new float[nin * nout];
                m.ReadWeights(w);
                result.Add((w, m.Counters[Op.ProgrammingPulse]));
            }
        }
        finally { Parallelism.MaxThreads = saved; }
        Assert.True(result[0].Pulses > 0);
        Assert.Equal(result[0].Pulses, result[1].Pulses);
        Assert.Equal(result[0].W, result[1].W);
    }

    [Theory]
    [MemberData(nameof(EveryMapping))]
    public void DigitsClassifierLearnsOnTilesUnderEveryMapping(MappingKind kind, int n)
    {
        // A 64–10 softmax classifier on the 8×8 digits, trained in situ with stochastic pulses on
        // Gokmen–Vlasov constant-step devices (30 % device-to-device and cycle-to-cycle spread).
        var (train, test) = ReadoutClassification.StratifiedSplit(Digits8x8.Load(scaleToUnit: true), 0.3, 3);
        var cfg = new AnalogConfig { Device = PulsedPresets.GokmenVlasov2016, Mapping = new CellMapping(kind, n) };
        var net = new Sequential(new Dense(new AnalogMatrix(64, 10, cfg, 5, 0), 1, "xavier"));
        double before = net.Evaluate(test).Accuracy;
        net.Bind(new SgdMomentum(0.1f, 0f));
        for (int e = 0; e < 6; e++) net.TrainEpoch(train, 16, 1, e, cancel: TestContext.Current.CancellationToken);
        var acc = net.Evaluate(test).Accuracy;
        Assert.True(before < 0.5, $"untrained accuracy {before:P2}");
        Assert.True(acc > 0.8, $"{new CellMapping(kind, n)}: test accuracy {acc:P2}");
    }

    private static ConfigSection Substrate(string yaml, out ConfigBinding binding)
    {
        var map = ConfigTree.Parse(yaml, "test.yaml");
        binding = new ConfigBinding("test.yaml", Path.GetTempPath());
        return ConfigSection.Root(map, binding).Section("substrate");
    }

    [Fact]
    public void MappingKeysAreReadAndValidated()
    {
        var s = Substrate("substrate:\n  mapping: [single, preset, reference]\n  devices_per_weight: [1, 4]\n", out var b);
        var m = AnalogSetup.MappingSpec.Read(s).For(CellMapping.Differential);
        Assert.Empty(b.AllErrors);
        Assert.Equal([CellMapping.Single, new CellMapping(MappingKind.Single, 4), CellMapping.Differential, new CellMapping(MappingKind.Differential, 4),
            CellMapping.Reference, new CellMapping(MappingKind.Reference, 4)], m);

        s = Substrate("substrate:\n  tile_size: 4\n", out b);
        Assert.Equal([CellMapping.Differential], AnalogSetup.MappingSpec.Read(s).For(CellMapping.Differential));
        Assert.Empty(b.AllErrors);

        s = Substrate("substrate:\n  mapping: quad\n  devices_per_weight: 2.5\n", out b);
        AnalogSetup.MappingSpec.Read(s).For(CellMapping.Single);
        Assert.Contains(b.AllErrors, e => e.Contains("substrate.mapping") && e.Contains("'quad' is not allowed"));
        Assert.Contains(b.AllErrors, e => e.Contains("substrate.devices_per_weight") && e.Contains("whole number"));

        s = Substrate("substrate:\n  devices_per_weight: 0\n", out b);
        AnalogSetup.MappingSpec.Read(s).For(CellMapping.Single);
        Assert.Contains(b.AllErrors, e => e.Contains("substrate.devices_per_weight") && e.Contains("out of range"));

        s = Substrate("substrate:\n  mapping: [reference, reference]\n  devices_per_weight: [2, 2]\n", out b);
        AnalogSetup.MappingSpec.Read(s);
        Assert.Contains(b.AllErrors, e => e.Contains("substrate.mapping") && e.Contains("listed twice"));
        Assert.Contains(b.AllErrors, e => e.Contains("substrate.devices_per_weight") && e.Contains("listed twice"));

        // 'preset' naming the same cell as a listed kind trains it once.
        s = Substrate("substrate:\n  mapping: [differential, preset]\n", out b);
        Assert.Equal([CellMapping.Differential], AnalogSetup.MappingSpec.Read(s).For(CellMapping.Differential));
        Assert.Empty(b.AllErrors);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CellMapping(MappingKind.Single, 0));
    }
}

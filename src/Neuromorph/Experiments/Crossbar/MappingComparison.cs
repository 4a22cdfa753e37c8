using System.Diagnostics;
using System.Globalization;
using Neuromorph.Crossbar;
using Neuromorph.Energy;
using Neuromorph.Figures;
using Neuromorph.Learning.Deep;

namespace Neuromorph.Experiments.Crossbar;

/// <summary>
/// <c>experiment: analog-mappings</c> — the same MLP trained in situ on analog tiles of one device
/// preset, once per weight-to-device mapping (<see cref="CellMapping"/>): single device, single
/// device against a per-row reference device, differential pair, each with N cells per weight
/// (multi-memristive synapse with counter-based arbitration, Boybat et al. 2018, Nat. Commun.
/// 9:2514). Reports, per mapping, the test accuracy, the seconds per epoch, the device pulses per
/// mini-batch and the RMS error of the programmed initial weights (read back through the devices,
/// against the float weights the initialiser asked for) — the last shows the reference column's
/// offsets and the 1/√N averaging of N cells.
/// </summary>
public sealed class MappingComparison : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("analog-mappings",
        "MLP trained on analog tiles of one device preset, once per weight mapping (single, reference column, differential pair; N devices per weight)",
        section => new MappingComparison(section));

    private readonly AnalogSetup.DataSpec _data;
    private readonly int[] _hidden;
    private readonly ActivationKind _act;
    private readonly string _preset;
    private readonly CellMapping[] _mappings;
    private readonly int _tile;
    private readonly IoParams _fwd, _bwd;
    private readonly UpdateParams _update;
    private readonly int _epochs, _batch;
    private readonly double _lr, _decay;

    private MappingComparison(ConfigSection root)
    {
        _data = new AnalogSetup.DataSpec(root.Section("data"));
        var net = root.Section("network");
        (_hidden, _act) = AnalogSetup.MlpShape(net);
        var sub = root.Section("substrate");
        _preset = sub.GetString("preset", "pcm", AnalogSetup.PresetNames);
        if (_preset == "ideal") sub.Error("preset", "the mappings need a device model; choose a preset other than 'ideal'");
        _mappings = AnalogSetup.Mappings(sub, AnalogSetup.Preset(_preset).Mapping);
        _tile = sub.GetInt("tile_size", 512, 1, 1 << 16);
        _fwd = AnalogSetup.Io(sub.Section("forward"), IoParams.Preset);
        _bwd = AnalogSetup.Io(sub.Section("backward"), IoParams.PresetBackward);
        _update = AnalogSetup.Update(sub.Section("update"));
        var tr = root.Section("training");
        _epochs = tr.GetInt("epochs", 3, 1, 1000);
        _batch = tr.GetInt("batch", 64, 1, 65536);
        _lr = tr.GetDouble("learning_rate", 0.1, 1e-6, 10);
        _decay = tr.GetDouble("lr_decay", 0.92, 0.01, 1);
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        var (train, test) = _data.Load(ctx.Seed);
        int d = train.FeatureCount, c = train.ClassCount;
        var device = AnalogSetup.Preset(_preset).Device!;
        ctx.Log($"data: {_data.Dataset}, {train.Count} training / {test.Count} test samples; network {d}–{string.Join("–", _hidden)}–{c}; device preset {_preset}");
        // The weights the initialiser asks for, to measure what the devices hold after programming.
        var target = ConvNets.WeightMatrices(AnalogSetup.Mlp(d, _hidden, c, _act, (i, o, _) => new FloatWeights(i, o), ctx.Seed)).ToArray();
        var rows = new List<string[]>();
        var names = new List<string>();
        var accs = new List<double>();
        var curves = new List<Series>();
        foreach (var mapping in _mappings)
        {
            string name = mapping.DevicesPerWeight == 1 ? CellMapping.Name(mapping.Kind) : $"{CellMapping.Name(mapping.Kind)}-x{mapping.DevicesPerWeight}";
            var cfg = new AnalogConfig { Device = device, Mapping = mapping, Forward = _fwd, Backward = _bwd, Update = _update, TileRows = _tile, TileCols = _tile };
            var net = AnalogSetup.Mlp(d, _hidden, c, _act, (i, o, l) => new AnalogMatrix(i, o, cfg, ctx.Seed, (uint)l), ctx.Seed);
            double rmse = ProgrammingError(ConvNets.WeightMatrices(net).ToArray(), target);
            var opt = new SgdMomentum((float)_lr, 0f);
            net.Bind(opt);
            var counts = new OpCounters();
            AnalogSetup.Count(net, counts);
            var xs = new double[_epochs]; var ys = new double[_epochs];
            double secs = 0;
            for (int e = 0; e < _epochs; e++)
            {
                var sw = Stopwatch.StartNew();
                var r = net.TrainEpoch(train, _batch, ctx.Seed, e, (done, total) => ctx.Progress($"{name} epoch {e + 1}/{_epochs}", done, total), ctx.Cancellation);
                secs += sw.Elapsed.TotalSeconds;
                xs[e] = e + 1; ys[e] = net.Evaluate(test).Accuracy;
                ctx.Log($"  {name} epoch {e + 1}: loss {r.Loss:F4}, train {Pct(r.Accuracy)}, test {Pct(ys[e])}, lr {opt.LearningRate:G3}, {sw.Elapsed.TotalSeconds:F1} s");
                opt.LearningRate = (float)(opt.LearningRate * _decay);
            }
            AnalogSetup.Count(net, null);
            double pulsesPerStep = counts[Op.ProgrammingPulse] / (double)((long)_epochs * ((train.Count + _batch - 1) / _batch));
            ctx.Metric($"test_accuracy/{name}", ys[^1]);
            ctx.Metric($"epoch_seconds/{name}", secs / _epochs);
            ctx.Metric($"programming_pulses_per_step/{name}", pulsesPerStep);
            ctx.Metric($"programming_rmse/{name}", rmse);
            names.Add(name); accs.Add(ys[^1]); curves.Add(new Series(name, xs, ys, Markers: true));
            rows.Add([name, Pct(ys[^1]), rmse.ToString("G3", CultureInfo.InvariantCulture), (secs / _epochs).ToString("F1", CultureInfo.InvariantCulture), pulsesPerStep.ToString("F0", CultureInfo.InvariantCulture)]);
            ctx.Summary.Add($"{_preset}, {name}: test accuracy {Pct(ys[^1])} after {_epochs} epochs; RMS error of the programmed initial weights {rmse:G3}.");
        }
        ctx.Tables.Add(new ReportTable($"Test accuracy per weight mapping ({_preset})", ["mapping", "test accuracy", "programming RMSE", "s / epoch", "pulses / step"], [.. rows]));
        ctx.Figures.Add(new BarFigure
        {
            Name = "accuracy-per-mapping", Title = $"Test accuracy per weight mapping ({_preset})", XLabel = "mapping", YLabel = "test accuracy",
            Categories = [.. names], Values = [[.. accs]],
        });
        ctx.Figures.Add(new LineFigure { Name = "learning-curves", Title = "Test accuracy during training", XLabel = "epoch", YLabel = "test accuracy", Series = [.. curves] });
    }

    /// <summary>RMS of (weights read from the devices − requested weights) over all layers.</summary>
    private static double ProgrammingError(IWeightMatrix[] got, IWeightMatrix[] want)
    {
        double sum = 0; long n = 0;
        for (int l = 0; l < got.Length; l++)
        {
            var a = new float[got[l].Inputs * got[l].Outputs]; var b = new float[a.Length];
            got[l].ReadWeights(a); want[l].ReadWeights(b);
            for (int i = 0; i < a.Length; i++) { double e = a[i] - b[i]; sum += e * e; }
            n += a.Length;
        }
        return Math.Sqrt(sum / n);
    }

    private static string Pct(double a) => (100 * a).ToString("F2", CultureInfo.InvariantCulture) + " %";
}

using Neuromorph.Figures;
using System.Diagnostics;
using System.Globalization;
using Neuromorph.Energy;
using Neuromorph.Experiments;
using Neuromorph.Learning.Deep;
using Neuromorph.Data;

using Neuromorph.Crossbar;

namespace Neuromorph.Experiments.Crossbar;

/// <summary>
/// <c>experiment: analog-training</c> — an MLP trained in situ on analog tiles, once per device
/// preset, next to the same network on ideal float weights. Every tile runs forward and backward
/// through its DAC/ADC periphery (aihwkit IOParameters) and is updated by parallel stochastic
/// pulse trains (Gokmen &amp; Vlasov 2016) on the device model, with its asymmetry, bounds and
/// noise acting on every pulse. Reports test accuracy per preset, learning curves, operation
/// counts and the energy per inference of the analog array against 45 nm digital CMOS.
/// </summary>
public sealed class AnalogTraining : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("analog-training",
        "MLP trained in situ on analog crossbar tiles (pulsed updates on device presets) vs ideal float weights; accuracy and energy",
        section => new AnalogTraining(section));

    private readonly AnalogSetup.DataSpec _data;
    private readonly int[] _hidden;
    private readonly string _architecture;
    private readonly ActivationKind _act;
    private readonly NetworkSpec? _spec;
    private IReadOnlyList<int> _shape = [];
    private readonly string[] _presets, _algorithms;
    private readonly float _ttGamma, _ttLearningRate;
    private readonly int _ttEvery;
    private readonly int _tile;
    private readonly IoParams _fwd, _bwd;
    private readonly UpdateParams _update;
    private readonly AnalogSetup.MappingSpec _mappings;
    private readonly int _epochs, _batch, _floatEpochs, _floatBatch, _validation;
    private readonly double _lr, _decay, _lrFinal, _floatLr, _floatMomentum, _floatDecay;
    private readonly string _schedule;
    private readonly AnalogEnergyModel _energy;

    private AnalogTraining(ConfigSection root)
    {
        _data = new AnalogSetup.DataSpec(root.Section("data"));
        var net = root.Section("network");
        _architecture = net.GetString("kind", net.Has("layers") ? "layers" : "mlp", "mlp", "lenet5", "lenet5-aihwkit", "layers");
        if (_architecture == "layers") _spec = NetworkSpec.Read(net);
        else if (net.Has("layers")) net.Error("layers", $"a layer list describes the network only with kind: layers (or no kind), not kind: {_architecture}");
        (_hidden, _act) = AnalogSetup.MlpShape(net);
        var sub = root.Section("substrate");
        _presets = sub.GetStringList("presets", ["ideal", "constant-step"], AnalogSetup.PresetNames);
        if (_presets.Length == 0) sub.Error("presets", "name at least one device preset");
        _tile = sub.GetInt("tile_size", 512, 1, 1 << 16);
        _fwd = AnalogSetup.Io(sub.Section("forward"), IoParams.Preset);
        _bwd = AnalogSetup.Io(sub.Section("backward"), IoParams.PresetBackward);
        _update = AnalogSetup.Update(sub.Section("update"));
        // Weight mappings for every device preset (substrate.mapping / devices_per_weight; each
        // combination is one run). Absent: each preset's own cell, one per weight.
        _mappings = AnalogSetup.MappingSpec.Read(sub);
        // Training algorithm on the tiles: plain pulsed SGD (the update section as given), Tiki-Taka
        // (two arrays, Gokmen & Haensch 2020) or mixed precision (Nandakumar et al. 2020).
        _algorithms = sub.GetStringList("algorithms", ["sgd"], "sgd", "tiki-taka", "mixed-precision");
        if (_algorithms.Length == 0) sub.Error("algorithms", "name at least one algorithm (sgd, tiki-taka, mixed-precision)");
        if (_algorithms.Contains("tiki-taka") && _presets.Contains("ideal")) sub.Error("algorithms", "tiki-taka needs a device model; remove 'ideal' from presets");
        var tt = sub.Section("tiki_taka");
        _ttGamma = (float)tt.GetDouble("gamma", 0, 0, 10);
        _ttLearningRate = (float)tt.GetDouble("transfer_learning_rate", 0.05, 1e-6, 100);
        _ttEvery = tt.GetInt("transfer_every", 1, 1, 1_000_000);
        var tr = root.Section("training");
        _epochs = tr.GetInt("epochs", 15, 1, 1000);
        _batch = tr.GetInt("batch", 64, 1, 65536);
        _lr = tr.GetDouble("learning_rate", 0.1, 1e-6, 10);
        _decay = tr.GetDouble("lr_decay", 0.92, 0.01, 1);
        _schedule = tr.GetString("lr_schedule", "exponential", "exponential", "cosine");
        _lrFinal = tr.GetDouble("lr_final", 0, 0, 10);
        if (_schedule == "exponential" && tr.Has("lr_final")) tr.Error("lr_final", "lr_final belongs to lr_schedule: cosine; the exponential schedule uses lr_decay");
        if (_schedule == "cosine" && tr.Has("lr_decay")) tr.Error("lr_decay", "lr_decay belongs to lr_schedule: exponential; the cosine schedule uses lr_final");
        _validation = tr.GetInt("validation_samples", 0, 0, 1_000_000);
        var fl = root.Section("float_reference");
        _floatEpochs = fl.GetInt("epochs", 10, 0, 1000);
        _floatBatch = fl.GetInt("batch", _batch, 1, 65536);
        _floatLr = fl.GetDouble("learning_rate", 0.05, 1e-6, 10);
        _floatMomentum = fl.GetDouble("momentum", 0.9, 0, 0.999);
        _floatDecay = fl.GetDouble("lr_decay", 0.7, 0.01, 1);
        _energy = AnalogEnergyModel.Bind(root.Section("energy_model"));
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        var (train, test) = _data.Load(ctx.Seed);
        // Hyperparameter scans: hold out the last validation_samples training images and watch
        // them instead of the test set, which then is touched once, after the last epoch.
        LabeledSet? validation = null;
        if (_validation > 0)
        {
            if (_validation >= train.Count) throw new InvalidOperationException($"training.validation_samples = {_validation} leaves no training images (the set has {train.Count})");
            (train, validation) = (Rows(train, 0, train.Count - _validation), Rows(train, train.Count - _validation, _validation));
        }
        int d = train.FeatureCount, c = train.ClassCount;
        if (_architecture is "lenet5" or "lenet5-aihwkit" && (train.SampleShape.Count != 2 || train.SampleShape[0] < 12 || train.SampleShape[1] < 12))
            throw new InvalidOperationException($"network.kind {_architecture} needs images of at least 12×12 pixels; {_data.Dataset} has shape [{string.Join(", ", train.SampleShape)}]");
        _shape = train.SampleShape;
        ctx.Log($"data: {_data.Dataset}, {train.Count} training / {(validation is null ? "" : $"{validation.Count} validation / ")}{test.Count} test samples; network " + (_architecture == "mlp" ? $"{d}–{string.Join("–", _hidden)}–{c} ({_act})" : NetworkSpec.Describe(Build(d, c, (i, o, _) => new FloatWeights(i, o), ctx.Seed))));
        var curves = new List<Series>();
        var accuracies = new List<(string Name, double Acc)>();
        var rows = new List<string[]>();

        if (_floatEpochs > 0)
        {
            var net = Build(d, c, (i, o, _) => new FloatWeights(i, o), ctx.Seed);
            var opt = new SgdMomentum((float)_floatLr, (float)_floatMomentum);
            net.Bind(opt);
            var (acc, curve, secs) = Train(ctx, net, opt, train, validation, test, _floatEpochs, _floatBatch, e => LearningRateSchedule.Exponential(e, _floatLr, _floatDecay), "float");
            ctx.Metric("test_accuracy/float", acc);
            ctx.Metric("epoch_seconds/float", secs);
            accuracies.Add(("float", acc)); curves.Add(curve);
            rows.Add(["float (digital, SGD-momentum)", Pct(acc), secs.ToString("F2", CultureInfo.InvariantCulture), "—", "—", "—"]);
        }

        OpCounters? inferenceCounts = null;
        foreach (var preset in _presets)
        {
            var (device, own) = AnalogSetup.Preset(preset);
            foreach (var algorithm in _algorithms)
            foreach (var mapping in device is null ? [own] : _mappings.For(own))
            {
                var update = algorithm == "mixed-precision" ? _update with { PulseType = PulseType.MixedPrecision } : _update;
                var cfg = new AnalogConfig { Device = device, Mapping = mapping, Forward = _fwd, Backward = _bwd, Update = update, TileRows = _tile, TileCols = _tile };
                // Metrics keep the bare preset name for plain SGD (test_accuracy/<preset>), else <preset>/<algorithm>.
                // With substrate.mapping / devices_per_weight given, /<mapping>[-xN] follows.
                string name = (algorithm == "sgd" ? preset : $"{preset}/{algorithm}") + (device is null || _mappings.IsDefault ? "" : "/" + AnalogSetup.MappingSpec.Label(mapping));
                var net = Build(d, c, algorithm == "tiki-taka"
                    ? (i, o, l) => new TikiTakaMatrix(i, o, cfg, _ttGamma, _ttLearningRate, _ttEvery, ctx.Seed, (uint)l)
                    : (i, o, l) => new AnalogMatrix(i, o, cfg, ctx.Seed, (uint)l), ctx.Seed);
                // Analog SGD: the tiles integrate η·x·δ as pulses; no momentum (aihwkit AnalogSGD).
                if (device is not null) ctx.Metric($"programming_rmse/{name}", ProgrammingError(net, Build(d, c, (i, o, _) => new FloatWeights(i, o), ctx.Seed)));
                var opt = new SgdMomentum((float)_lr, 0f);
                net.Bind(opt);
                var trainCounts = new OpCounters();
                AnalogSetup.Count(net, trainCounts);
                var (acc, curve, secs) = Train(ctx, net, opt, train, validation, test, _epochs, _batch, AnalogLearningRate, name);
                // Inference counts on the test set (forward only).
                var counts = new OpCounters();
                AnalogSetup.Count(net, counts);
                net.Evaluate(test);
                AnalogSetup.Count(net, null);
                inferenceCounts ??= counts;
                long steps = (long)_epochs * ((train.Count + _batch - 1) / _batch);
                double pulsesPerStep = trainCounts[Op.ProgrammingPulse] / (double)steps;
                ctx.Metric($"test_accuracy/{name}", acc);
                ctx.Metric($"epoch_seconds/{name}", secs);
                ctx.Metric($"programming_pulses_per_step/{name}", pulsesPerStep);
                // Energy of one training step (forward, backward and update of a mini-batch) from the
                // training counts, and the silicon area of the weights on this mapping.
                double stepJoules = _energy.Breakdown(trainCounts, _fwd.OutputBits, _tile).Sum(p => p.Joules) / steps;
                var (arrayArea, adcArea) = _energy.Area(net, mapping, _tile);
                ctx.Metric($"energy_analog_joules_per_training_step/{name}", stepJoules);
                ctx.Metric($"area_mm2/{name}", (arrayArea + adcArea) * 1e6);
                ctx.Metric($"area_mm2/{name}/array", arrayArea * 1e6);
                ctx.Metric($"area_mm2/{name}/adc", adcArea * 1e6);
                accuracies.Add((name, acc)); curves.Add(curve);
                rows.Add([name + (device is null ? " (ideal weights, analog periphery)" : mapping != CellMapping.Single ? $" ({mapping})" : ""), Pct(acc), secs.ToString("F2", CultureInfo.InvariantCulture), pulsesPerStep.ToString("F0", CultureInfo.InvariantCulture), stepJoules.ToString("G3", CultureInfo.InvariantCulture), ((arrayArea + adcArea) * 1e6).ToString("G3", CultureInfo.InvariantCulture)]);
                ctx.Summary.Add($"{name}: test accuracy {Pct(acc)} after {_epochs} epochs of pulsed training ({pulsesPerStep:F0} device pulses per mini-batch).");
            }
        }

        ctx.Tables.Add(new ReportTable("Test accuracy per substrate", ["substrate", "test accuracy", "s / epoch", "pulses / step", "J / training step", "area (mm², cells + ADCs)"], [.. rows]));
        ctx.Figures.Add(new BarFigure
        {
            Name = "accuracy-per-preset", Title = "Test accuracy per device preset", XLabel = "substrate", YLabel = "test accuracy",
            Categories = [.. accuracies.Select(a => a.Name)], Values = [[.. accuracies.Select(a => a.Acc)]],
        });
        ctx.Figures.Add(new LineFigure
        {
            Name = "learning-curves", Title = "Test accuracy during training", XLabel = "epoch", YLabel = "test accuracy",
            Series = [.. curves],
        });
        if (inferenceCounts != null)
        {
            ctx.Counters.Add(inferenceCounts);
            ctx.Inferences = test.Count;
            AddEnergy(ctx, inferenceCounts, test.Count, d, c);
        }
    }

    private Sequential Build(int d, int c, Func<int, int, int, IWeightMatrix> weights, ulong seed) => _architecture switch
    {
        "lenet5" => ConvNets.LeNet5(weights, seed),
        "lenet5-aihwkit" => ConvNets.LeNet5Aihwkit(weights, seed),
        "layers" => _spec!.Build(_shape, c, weights, seed),
        _ => AnalogSetup.Mlp(d, _hidden, c, _act, weights, seed),
    };

    /// <summary>RMS of (weights read from the devices − weights the initialiser asked for) over all layers.</summary>
    private static double ProgrammingError(Sequential got, Sequential want)
    {
        double sum = 0; long n = 0;
        foreach (var (a, b) in ConvNets.WeightMatrices(got).Zip(ConvNets.WeightMatrices(want)))
        {
            var wa = new float[a.Inputs * a.Outputs]; var wb = new float[wa.Length];
            a.ReadWeights(wa); b.ReadWeights(wb);
            for (int i = 0; i < wa.Length; i++) { double e = wa[i] - wb[i]; sum += e * e; }
            n += wa.Length;
        }
        return Math.Sqrt(sum / n);
    }

    private void AddEnergy(RunContext ctx, OpCounters counts, int inferences, int d, int c)
    {
        var parts = _energy.Breakdown(counts, _fwd.OutputBits, _tile);
        double analog = parts.Sum(p => p.Joules) / inferences;
        long macsPerInference = ConvNets.MacsPerInference(Build(d, c, (i, o, _) => new FloatWeights(i, o), 0));
        double digital = macsPerInference * 4.6e-12;
        ctx.Metric("energy_analog_joules_per_inference", analog);
        ctx.Metric("energy_cmos45_fp32_joules_per_inference", digital);
        ctx.Figures.Add(new BarFigure
        {
            Name = "energy-breakdown", Title = "Energy per inference: analog tile parts vs 45 nm FP32 MACs", XLabel = "part", YLabel = "J per inference", LogY = true,
            Categories = [.. parts.Select(p => p.Part), "analog total", "cmos45 FP32 MACs"],
            Values = [[.. parts.Select(p => p.Joules / inferences), analog, digital]],
            Caption = $"Array: G·V²·t_read with G = {_energy.Conductance:G3} S, V = {_energy.ReadVoltage:G3} V, t = {_energy.ReadTime:G3} s; ADC: Walden FOM {_energy.AdcFom:G3} J/step (Murmann survey SAR median); digital: {macsPerInference} MACs × 4.6 pJ (Horowitz 2014).",
        });
        ctx.Summary.Add($"Energy per inference: analog {analog:G3} J vs {digital:G3} J for FP32 MACs on 45 nm CMOS ({digital / analog:F0}× less on the array, periphery included).");
    }

    /// <summary>Learning rate of analog epoch e (0-based): <c>lr_schedule</c> exponential (η₀·γᵉ, <c>lr_decay</c> γ) or cosine (to <c>lr_final</c>).</summary>
    private double AnalogLearningRate(int e) => _schedule == "cosine"
        ? LearningRateSchedule.Cosine(e, _epochs, _lr, _lrFinal)
        : LearningRateSchedule.Exponential(e, _lr, _decay);

    private (double Acc, Series Curve, double EpochSeconds) Train(RunContext ctx, Sequential net, Optimizer opt, LabeledSet train, LabeledSet? validation, LabeledSet test, int epochs, int batch, Func<int, double> learningRate, string name)
    {
        var xs = new double[epochs]; var ys = new double[epochs];
        double secs = 0;
        var watched = validation ?? test;
        string what = validation is null ? "test" : "validation";
        for (int e = 0; e < epochs; e++)
        {
            opt.LearningRate = (float)learningRate(e);
            var sw = Stopwatch.StartNew();
            var r = net.TrainEpoch(train, batch, ctx.Seed, e, (done, total) => ctx.Progress($"{name} epoch {e + 1}/{epochs}", done, total), ctx.Cancellation);
            secs += sw.Elapsed.TotalSeconds;
            double acc = net.Evaluate(watched).Accuracy;
            xs[e] = e + 1; ys[e] = acc;
            ctx.Log($"  {name} epoch {e + 1}: loss {r.Loss:F4}, train {Pct(r.Accuracy)}, {what} {Pct(acc)}, lr {opt.LearningRate:G3}, {sw.Elapsed.TotalSeconds:F1} s");
        }
        if (validation is null) return (ys[^1], new Series(name, xs, ys, Markers: true), secs / epochs);
        double test1 = net.Evaluate(test).Accuracy;
        ctx.Metric($"validation_accuracy/{name}", ys[^1]);
        ctx.Log($"  {name}: validation {Pct(ys[^1])}, test {Pct(test1)} after the last epoch");
        return (test1, new Series(name + " (validation)", xs, ys, Markers: true), secs / epochs);
    }

    private static LabeledSet Rows(LabeledSet s, int start, int n) =>
        new(s.Features.AsSpan(start * s.FeatureCount, n * s.FeatureCount).ToArray(), s.Labels.AsSpan(start, n).ToArray(), s.FeatureCount, s.ClassCount, s.SampleShape, s.ClassNames);

    private static string Pct(double a) => (100 * a).ToString("F2", CultureInfo.InvariantCulture) + " %";
}

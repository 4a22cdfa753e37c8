using Neuromorph.Figures;
using System.Diagnostics;
using System.Globalization;
using Neuromorph.Data;
using Neuromorph.Devices;
using Neuromorph.Energy;
using Neuromorph.Experiments;

using Neuromorph.Learning.Unsupervised;

namespace Neuromorph.Experiments.Stdp;

/// <summary>
/// <c>experiment: mnist-stdp-memristor</c> — the Querlioz et al. 2013 network
/// (<see cref="QuerliozNetwork"/>) learning MNIST without labels on a synaptic substrate chosen by
/// the <c>substrate</c> section (ideal float, the Querlioz memristor with device-to-device and
/// cycle-to-cycle variability, NeuroSim RRAM presets, PCM with abrupt RESET and several devices
/// per synapse, stochastic binary MTJs). With a <c>sweep</c> section the whole
/// train–label–test pipeline is repeated for each device-to-device dispersion (and each
/// cycle-to-cycle noise level) and accuracy is plotted against it; finished points are
/// checkpointed so <c>--resume</c> skips them.
/// </summary>
public sealed class MemristorStdpExperiment : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("mnist-stdp-memristor",
        "Querlioz 2013 STDP network on memristive (or other device) synapses; accuracy vs device variability",
        section => new MemristorStdpExperiment(section));

    private readonly string? _dataPath;
    private readonly QuerliozParams _p;
    private readonly string _substrate, _preset;
    private readonly double _d2d, _c2c, _mtjProbability;
    private readonly double? _d2dBounds;
    private readonly int _devicesPerSynapse;
    private readonly int _trainImages, _epochs, _labelImages, _testImages, _fields;
    private readonly double[] _sweepD2d, _sweepC2c;

    private static readonly string[] NeuroSimPresetNames = ["AgASi", "TaOxHfOx", "Pcmo", "AlOxHfO2", "EpiRam"];

    private MemristorStdpExperiment(ConfigSection root)
    {
        var data = root.Section("data");
        data.GetString("dataset", "mnist", "mnist");
        _dataPath = data.GetPath("path", null, directory: true);

        var net = root.Section("network");
        net.GetString("model", "querlioz", "querlioz");
        var d = new QuerliozParams();
        _p = d with
        {
            Neurons = net.GetInt("neurons", 50, 2, 100_000),
            MaxRate = net.GetQuantity("max_rate", Units.Dimension.Frequency, d.MaxRate, 0, 1e4, minExclusive: true),
            PresentationTime = net.GetQuantity("presentation", Units.Dimension.Time, d.PresentationTime, 1e-3, 10),
            TauLeak = net.GetQuantity("tau_leak", Units.Dimension.Time, d.TauLeak, 1e-4, 100),
            Threshold = net.GetDouble("threshold", 20, 1e-3, 1e6),
            InhibitTime = net.GetQuantity("inhibit", Units.Dimension.Time, d.InhibitTime, 0, 10),
            RefractoryTime = net.GetQuantity("refractory", Units.Dimension.Time, d.RefractoryTime, 0, 10),
            LtpWindow = net.GetQuantity("ltp_window", Units.Dimension.Time, d.LtpWindow, 1e-5, 10),
            HomeostasisPeriod = net.GetInt("homeostasis_period", d.HomeostasisPeriod, 1, 100_000),
            HomeostasisRate = net.GetDouble("homeostasis_rate", d.HomeostasisRate, 0, 1e3),
        };

        var sub = root.Section("substrate");
        _substrate = sub.GetString("kind", "querlioz-memristor", "ideal", "querlioz-memristor", "neurosim", "pcm", "mtj");
        _preset = sub.GetString("preset", "", ["", .. NeuroSimPresetNames, "Joshi2020", "Vincent2015"]);
        _d2d = sub.GetDouble("d2d", 0.25, 0, 10);
        _c2c = sub.GetDouble("c2c", 0.10, 0, 10);
        _d2dBounds = sub.Has("d2d_bounds") ? sub.GetDouble("d2d_bounds", 0, 0, 10) : null;
        _devicesPerSynapse = sub.GetInt("devices_per_synapse", 1, 1, 16);
        _mtjProbability = sub.GetDouble("switching_probability", 0.1, 1e-6, 1);
        if (_substrate == "ideal") _p = _p with { IdealStep = sub.GetDouble("step", 0.005, 1e-6, 0.5) };
        if (_substrate == "neurosim" && _preset.Length > 0 && !NeuroSimPresetNames.Contains(_preset))
            sub.Error("preset", $"'{_preset}' is not a NeuroSim preset; choose one of {string.Join(", ", NeuroSimPresetNames)}");

        var tr = root.Section("training");
        _trainImages = tr.GetInt("images", 10_000, 1, Mnist.TrainCount);
        _epochs = tr.GetInt("epochs", 1, 1, 100);
        _labelImages = root.Section("labelling").GetInt("images", 0, 0, Mnist.TrainCount);
        _testImages = root.Section("evaluation").GetInt("test_images", Mnist.TestCount, 1, Mnist.TestCount);
        var sw = root.Section("sweep");
        _sweepD2d = sw.GetDoubleList("d2d", [], 0, 10);
        _sweepC2c = sw.GetDoubleList("c2c", [], 0, 10);
        if ((_sweepD2d.Length > 0 || _sweepC2c.Length > 0) && _substrate != "querlioz-memristor")
            sw.Error("d2d", "a variability sweep needs substrate.kind: querlioz-memristor");
        _fields = root.Section("report").GetInt("receptive_fields", 100, 0, 10_000);
        try { _p.Validate(); } catch (ArgumentException e) { net.Error("neurons", e.Message); }
    }

    private ISynapseStore? MakeStore(double d2d, double c2c, ulong seed)
    {
        int count = _p.Neurons * _p.Inputs;
        var opt = SynapseStoreOptions.Default with
        {
            Mapping = WeightMapping.SingleWithReference, DevicesPerGroup = _devicesPerSynapse, RefreshThreshold = 0,
            Translation = PulseTranslation.Deterministic, Seed = seed,
        };
        return _substrate switch
        {
            "ideal" => null,
            "querlioz-memristor" => new DeviceSynapseStore(count, n => new QuerliozMemristorArray(n, QuerliozMemristorParams.Nominal with { DeviceToDevice = d2d, CycleToCycle = c2c, BoundsDeviceToDevice = _d2dBounds }, seed), opt),
            "neurosim" => new DeviceSynapseStore(count, n => new NeuroSimDeviceArray(n, NeuroSim(_preset), seed), opt),
            "pcm" => new DeviceSynapseStore(count, n => new PcmDeviceArray(n, PcmPresets.Joshi2020, seed), opt),
            _ => new DeviceSynapseStore(count, n => new MtjArray(n, MtjPresets.Vincent2015, MtjCurrent(MtjPresets.Vincent2015, _mtjProbability, 10e-9), 10e-9, seed), opt),
        };
    }

    private static NeuroSimParams NeuroSim(string preset) => preset switch
    {
        "TaOxHfOx" => NeuroSimPresets.TaOxHfOx,
        "Pcmo" => NeuroSimPresets.Pcmo,
        "AlOxHfO2" => NeuroSimPresets.AlOxHfO2,
        "EpiRam" => NeuroSimPresets.EpiRam,
        _ => NeuroSimPresets.AgASi,
    };

    /// <summary>Pulse current giving switching probability P for a pulse of width t: I = I_c(1 − ln(−t/(τ₀ ln(1 − P)))/Δ).</summary>
    public static double MtjCurrent(MtjParams m, double probability, double width)
    {
        double tau = -width / Math.Log(1 - probability);
        return m.CriticalCurrent * (1 - Math.Log(tau / m.Tau0) / m.Delta);
    }

    private sealed record PointResult(double Accuracy, int[] Assignments, int[] Predictions, OpCounters TestCounters, double TestSpikes, double TrainSeconds, QuerliozNetwork Net);

    private PointResult RunPoint(RunContext ctx, LabeledSet train, LabeledSet test, double d2d, double c2c, string stage)
    {
        var store = MakeStore(d2d, c2c, ctx.Seed);
        var net = new QuerliozNetwork(_p, ctx.Seed, store);
        var sw = Stopwatch.StartNew();
        for (int e = 0; e < _epochs; e++)
            for (int k = 0; k < _trainImages; k++)
            {
                ctx.Cancellation.ThrowIfCancellationRequested();
                net.Train(train.Sample(k), ctx.Seed);
                if ((k & 63) == 0) ctx.Progress($"train {stage}", (long)e * _trainImages + k, (long)_epochs * _trainImages);
            }
        double trainSeconds = sw.Elapsed.TotalSeconds;
        int n = _p.Neurons, labels = _labelImages > 0 ? _labelImages : _trainImages;
        var lc = new int[labels * n];
        for (int k = 0; k < labels; k++)
        {
            net.Infer(train.Sample(k), ctx.Seed, (uint)k); net.Counts.CopyTo(lc, k * n);
            if ((k & 255) == 0) ctx.Progress($"label {stage}", k, labels);
        }
        var assign = NeuronLabelling.Assign(lc, train.Labels.AsSpan(0, labels), n, 10);
        var before = net.Counters.Clone();
        var tc = new int[_testImages * n];
        long spikes = 0;
        for (int k = 0; k < _testImages; k++)
        {
            spikes += net.Infer(test.Sample(k), ctx.Seed, (uint)(Mnist.TrainCount + k)); net.Counts.CopyTo(tc, k * n);
            if ((k & 255) == 0) ctx.Progress($"test {stage}", k, _testImages);
        }
        var testCounters = new OpCounters();
        foreach (var op in OpCounters.All) testCounters.Add(op, net.Counters[op] - before[op]);
        var pred = NeuronLabelling.PredictAll(tc, assign, 10);
        double acc = Enumerable.Range(0, _testImages).Count(i => pred[i] == test.Labels[i]) / (double)_testImages;
        ctx.Log($"  {stage}: test accuracy {100 * acc:F2} %, {spikes / (double)_testImages:F1} output spikes per inference, training {1e3 * trainSeconds / ((double)_epochs * _trainImages):F2} ms per image");
        return new PointResult(acc, assign, pred, testCounters, spikes / (double)_testImages, trainSeconds, net);
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        var mnist = Mnist.Load(_dataPath, scaleToUnit: true);
        var train = mnist.Train; var test = mnist.Test;
        ctx.Log($"Querlioz network: {_p.Neurons} output neurons, substrate {_substrate}{(_preset.Length > 0 ? " " + _preset : "")}" +
                (_substrate == "querlioz-memristor" ? $" (d2d {100 * _d2d:F0} %, c2c {100 * _c2c:F0} %)" : "") +
                $"; {_trainImages} training images × {_epochs} epoch(s), test on {_testImages}");

        var main = RunPoint(ctx, train, test, _d2d, _c2c, "main");
        ctx.Counters.Add(main.TestCounters);
        ctx.Inferences = _testImages;
        ctx.Metric("test_accuracy", main.Accuracy);
        ctx.Metric("output_spikes_per_inference", main.TestSpikes);
        ctx.Metric("train_seconds_per_image", main.TrainSeconds / ((double)_epochs * _trainImages));
        ctx.Metric("unlabelled_neurons", main.Assignments.Count(a => a < 0));
        if (main.Net.Store is DeviceSynapseStore ds)
            ctx.Metric("programming_pulses_per_training_image", ds.Counters[Op.ProgrammingPulse] / ((double)_epochs * _trainImages));
        ctx.Summary.Add($"Test accuracy {100 * main.Accuracy:F2} % on {_testImages} MNIST test images: Querlioz 2013 network, {_p.Neurons} neurons, substrate {_substrate}{(_substrate == "querlioz-memristor" ? $" with {100 * _d2d:F0} % device-to-device and {100 * _c2c:F0} % cycle-to-cycle dispersion" : "")}.");

        // Variability sweep (each point a full train–label–test run), checkpointed point by point.
        var done = new Dictionary<string, double>(StringComparer.Ordinal);
        if (ctx.Resuming && ctx.Checkpoints.TryLoad("sweep", out var cp))
        {
            var keys = cp.GetString("keys").Split('|', StringSplitOptions.RemoveEmptyEntries);
            var vals = cp.GetDoubles("values");
            for (int i = 0; i < keys.Length; i++) done[keys[i]] = vals[i];
        }
        double Point(string key, double d2d, double c2c)
        {
            if (done.TryGetValue(key, out var a)) { ctx.Log($"  {key}: {100 * a:F2} % (from checkpoint)"); return a; }
            var r = RunPoint(ctx, train, test, d2d, c2c, key);
            done[key] = r.Accuracy;
            var c = new Checkpoint();
            c.Set("keys", string.Join('|', done.Keys)); c.Set("values", done.Values.ToArray());
            ctx.Checkpoints.Save("sweep", c);
            return r.Accuracy;
        }
        string F(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);
        if (_sweepD2d.Length > 0)
        {
            var acc = _sweepD2d.Select(x => Point($"dispersion-{F(x)}", x, _c2c)).ToArray();
            for (int i = 0; i < acc.Length; i++) ctx.Metric($"test_accuracy/dispersion-{F(_sweepD2d[i])}", acc[i]);
            ctx.Figures.Add(new LineFigure
            {
                Name = "accuracy-vs-dispersion", Title = $"Test accuracy vs device-to-device dispersion (c2c {100 * _c2c:F0} %)",
                XLabel = "device-to-device dispersion σ/μ (%)", YLabel = "test accuracy",
                Series = [new Series("Querlioz memristor", [.. _sweepD2d.Select(x => 100 * x)], acc, Markers: true)],
                Caption = "Each point: the whole network trained, labelled and tested on devices whose α±, β±, G_min, G_max are drawn with this relative spread.",
            });
            ctx.Tables.Add(new ReportTable("Accuracy vs dispersion", ["d2d", "c2c", "test accuracy"],
                [.. _sweepD2d.Select((x, i) => new[] { $"{100 * x:F0} %", $"{100 * _c2c:F0} %", $"{100 * acc[i]:F2} %" })]));
        }
        if (_sweepC2c.Length > 0)
        {
            var acc = _sweepC2c.Select(x => Point($"c2c-{F(x)}", _d2d, x)).ToArray();
            for (int i = 0; i < acc.Length; i++) ctx.Metric($"test_accuracy/c2c-{F(_sweepC2c[i])}", acc[i]);
            ctx.Figures.Add(new LineFigure
            {
                Name = "accuracy-vs-c2c", Title = $"Test accuracy vs cycle-to-cycle noise (d2d {100 * _d2d:F0} %)",
                XLabel = "cycle-to-cycle noise σ/μ (%)", YLabel = "test accuracy",
                Series = [new Series("Querlioz memristor", [.. _sweepC2c.Select(x => 100 * x)], acc, Markers: true)],
            });
        }
        AddFigures(ctx, main, test);
    }

    private void AddFigures(RunContext ctx, PointResult r, LabeledSet test)
    {
        int n = _p.Neurons, d = _p.Inputs, shown = Math.Min(n, _fields);
        if (shown > 0)
        {
            var px = new double[shown * d];
            var w = r.Net.Store.Weights;
            for (int j = 0; j < shown; j++)
                for (int i = 0; i < d; i++) px[j * d + i] = 0.5 * (w[i * n + j] + 1);
            ctx.Figures.Add(new ImageGridFigure
            {
                Name = "receptive-fields", Title = $"Receptive fields (effective weights) of {shown} of {n} neurons",
                ImageWidth = 28, ImageHeight = 28, Count = shown, Columns = (int)Math.Ceiling(Math.Sqrt(shown)), Pixels = px,
                Labels = shown <= 100 ? [.. Enumerable.Range(0, shown).Select(j => r.Assignments[j] < 0 ? "–" : r.Assignments[j].ToString(CultureInfo.InvariantCulture))] : null,
                Caption = "Weights as read from the substrate after training, labelled with each neuron's class.",
            });
        }
        var conf = new double[100];
        for (int i = 0; i < _testImages; i++) conf[test.Labels[i] * 10 + r.Predictions[i]]++;
        var names = Enumerable.Range(0, 10).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        ctx.Figures.Add(new HeatmapFigure
        {
            Name = "confusion", Title = "Confusion matrix (test set)", XLabel = "predicted class", YLabel = "true class",
            Rows = 10, Cols = 10, Values = conf, RowLabels = names, ColLabels = names, Annotate = true,
        });
        ctx.Figures.Add(new HistogramFigure
        {
            Name = "weights", Title = "Effective weights after training", XLabel = "weight", YLabel = "synapses",
            Values = [[.. r.Net.Store.Weights.ToArray().Select(x => 0.5 * (x + 1.0))]],
        });
    }
}

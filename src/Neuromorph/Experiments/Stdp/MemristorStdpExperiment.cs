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
/// per synapse, stochastic binary MTJs, ferroelectric tunnel junctions — <see cref="StdpSubstrate"/>). With a <c>sweep</c> section the whole
/// train–label–test pipeline is repeated for each device-to-device dispersion (and each
/// cycle-to-cycle noise level) and accuracy is plotted against it; finished points are
/// checkpointed so <c>--resume</c> skips them. Readout (<c>evaluation.readout</c>): <c>winner</c>, the
/// paper's and N2D2's (<see cref="QuerliozReadout"/>), or <c>vote</c>, Diehl &amp; Cook's class means
/// (<see cref="NeuronLabelling"/>).
/// </summary>
public sealed class MemristorStdpExperiment : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("mnist-stdp-memristor",
        "Querlioz 2013 STDP network on memristive (or other device) synapses; accuracy vs device variability",
        section => new MemristorStdpExperiment(section));

    private readonly string? _dataPath;
    private readonly QuerliozParams _p;
    private readonly StdpSubstrate _sub;
    private readonly double _d2d, _c2c;
    private readonly int _trainImages, _epochs, _labelImages, _testImages, _fields;
    private readonly DispersionSweep _sweep;
    private readonly bool _winnerReadout;

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
            InputCoding = net.GetString("input_coding", "jittered-periodic", "jittered-periodic", "poisson") == "poisson" ? QuerliozInputCoding.Poisson : QuerliozInputCoding.JitteredPeriodic,
            MaxRate = net.GetQuantity("max_rate", Units.Dimension.Frequency, d.MaxRate, 0, 1e4, minExclusive: true),
            MinRate = net.GetQuantity("min_rate", Units.Dimension.Frequency, d.MinRate, 0, 1e4),
            InputCutoff = net.GetDouble("input_cutoff", d.InputCutoff, 0, 0.999),
            PeriodJitter = net.GetDouble("period_jitter", d.PeriodJitter, 0, 0.999),
            MinPeriod = net.GetQuantity("min_period", Units.Dimension.Time, d.MinPeriod, 1e-6, 10),
            PresentationTime = net.GetQuantity("presentation", Units.Dimension.Time, d.PresentationTime, 1e-3, 10),
            TauLeak = net.GetQuantity("tau_leak", Units.Dimension.Time, d.TauLeak, 1e-4, 100),
            Threshold = net.GetDouble("threshold", d.Threshold, 1e-3, 1e6),
            InitialWeight = net.GetDouble("initial_weight", d.InitialWeight, 0, 1),
            InitialWeightSpread = net.GetDouble("initial_weight_spread", d.InitialWeightSpread, 0, 10),
            InhibitTime = net.GetQuantity("inhibit", Units.Dimension.Time, d.InhibitTime, 0, 10),
            RefractoryTime = net.GetQuantity("refractory", Units.Dimension.Time, d.RefractoryTime, 0, 10),
            LtpWindow = net.GetQuantity("ltp_window", Units.Dimension.Time, d.LtpWindow, 1e-5, 10),
            HomeostasisPeriod = net.GetInt("homeostasis_period", d.HomeostasisPeriod, 1, 100_000),
            HomeostasisRate = net.GetDouble("homeostasis_rate", d.HomeostasisRate, 0, 1e3),
        };

        _sub = new StdpSubstrate(root.Section("substrate"), "querlioz-memristor", PulseTranslation.Deterministic);
        _d2d = _sub.DeviceToDevice; _c2c = _sub.CycleToCycle;
        if (_sub.IsIdeal) _p = _p with { IdealStep = _sub.Section.GetDouble("step", 0.005, 1e-6, 0.5) };

        var tr = root.Section("training");
        _trainImages = tr.GetInt("images", 10_000, 1, Mnist.TrainCount);
        _epochs = tr.GetInt("epochs", 1, 1, 100);
        _labelImages = root.Section("labelling").GetInt("images", 0, 0, Mnist.TrainCount);
        _testImages = root.Section("evaluation").GetInt("test_images", Mnist.TestCount, 1, Mnist.TestCount);
        _sweep = new DispersionSweep(root.Section("sweep"), _sub);
        _fields = root.Section("report").GetInt("receptive_fields", 100, 0, 10_000);
        _winnerReadout = root.Section("evaluation").GetString("readout", "winner", "winner", "vote") == "winner";
        try { _p.Validate(); } catch (ArgumentException e) { net.Error("neurons", e.Message); }
    }

    private sealed record PointResult(double Accuracy, int[] Assignments, int[] Predictions, OpCounters TestCounters, double TestSpikes, double TrainSeconds, QuerliozNetwork Net);

    private PointResult RunPoint(RunContext ctx, LabeledSet train, LabeledSet test, double d2d, double c2c, string stage)
    {
        var store = _sub.Build(_p.Neurons * _p.Inputs, StdpSubstrate.Polarity.Bipolar, d2d, c2c, ctx.Seed);
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
        var assign = _winnerReadout ? QuerliozReadout.Assign(lc, train.Labels.AsSpan(0, labels), n, 10)
                                    : NeuronLabelling.Assign(lc, train.Labels.AsSpan(0, labels), n, 10);
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
        var pred = _winnerReadout ? QuerliozReadout.PredictAll(tc, assign) : NeuronLabelling.PredictAll(tc, assign, 10);
        double acc = Enumerable.Range(0, _testImages).Count(i => pred[i] == test.Labels[i]) / (double)_testImages;
        ctx.Log($"  {stage}: test accuracy {100 * acc:F2} %, {spikes / (double)_testImages:F1} output spikes per inference, training {1e3 * trainSeconds / ((double)_epochs * _trainImages):F2} ms per image");
        return new PointResult(acc, assign, pred, testCounters, spikes / (double)_testImages, trainSeconds, net);
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        var mnist = Mnist.Load(_dataPath, scaleToUnit: true);
        var train = mnist.Train; var test = mnist.Test;
        ctx.Log($"Querlioz network: {_p.Neurons} output neurons, substrate {_sub.Describe(_d2d, _c2c)}" +
                $"; {_trainImages} training images × {_epochs} epoch(s), test on {_testImages}");

        var main = RunPoint(ctx, train, test, _d2d, _c2c, "main");
        ctx.Counters.Add(main.TestCounters);
        ctx.Inferences = _testImages;
        ctx.Metric("test_accuracy", main.Accuracy);
        ctx.Metric("output_spikes_per_inference", main.TestSpikes);
        ctx.Metric("train_seconds_per_image", main.TrainSeconds / ((double)_epochs * _trainImages));
        ctx.Metric("unlabelled_neurons", main.Assignments.Count(a => a < 0));
        if (StdpSubstrate.Devices(main.Net.Store) is { } ds)
            ctx.Metric("programming_pulses_per_training_image", ds.Counters[Op.ProgrammingPulse] / ((double)_epochs * _trainImages));
        ctx.Summary.Add($"Test accuracy {100 * main.Accuracy:F2} % on {_testImages} MNIST test images: Querlioz 2013 network, {_p.Neurons} neurons, substrate {_sub.Describe(_d2d, _c2c)}.");

        // Variability sweep (each point a full train–label–test run), checkpointed point by point.
        _sweep.Run(ctx, _d2d, _c2c, "Querlioz network", (d2d, c2c, key) => RunPoint(ctx, train, test, d2d, c2c, key).Accuracy);
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
        for (int i = 0; i < _testImages; i++) if (r.Predictions[i] >= 0) conf[test.Labels[i] * 10 + r.Predictions[i]]++;
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

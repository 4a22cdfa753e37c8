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
/// <c>experiment: mnist-stdp</c> — unsupervised STDP learning of MNIST with the Diehl &amp; Cook
/// 2015 network (<see cref="DiehlCookNetwork"/>): train on K images for E epochs (checkpoint
/// after every chunk, so <c>--resume</c> continues), label neurons by their strongest class
/// response on the training images with frozen weights and thresholds, classify the test images
/// by the class with the highest mean spike count. Reports accuracy, receptive fields,
/// confusion matrix, accuracy per epoch, spikes and operations per inference. The synapses live
/// on the substrate of the <c>substrate</c> section (<see cref="StdpSubstrate"/>: ideal floats or
/// a device model behind <see cref="Devices.ISynapseStore"/>, weights w ∈ [0, 1] mapped onto a
/// device's conductance range); a <c>sweep</c> section (<see cref="DispersionSweep"/>) repeats the
/// pipeline for each memristor dispersion.
/// </summary>
public sealed class StdpMnistExperiment : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("mnist-stdp",
        "Diehl & Cook 2015 unsupervised STDP network on MNIST: labelling by class response, voting, receptive fields",
        section => new StdpMnistExperiment(section));

    private readonly string? _dataPath;
    private readonly DiehlCookParams _p;
    private readonly int _trainImages, _epochs, _chunk, _labelImages, _testImages, _fields;
    private readonly bool _evaluateEachEpoch;
    private readonly StdpSubstrate _sub;
    private readonly DispersionSweep _sweep;

    private StdpMnistExperiment(ConfigSection root)
    {
        var data = root.Section("data");
        data.GetString("dataset", "mnist", "mnist");
        _dataPath = data.GetPath("path", null, directory: true);

        var net = root.Section("network");
        net.GetString("model", "diehl-cook", "diehl-cook");
        var d = new DiehlCookParams();
        _p = d with
        {
            Neurons = net.GetInt("neurons", 100, 2, 100_000),
            Dt = net.GetQuantity("dt", Units.Dimension.Time, d.Dt, 1e-5, 1e-3),
            PresentationTime = net.GetQuantity("presentation", Units.Dimension.Time, d.PresentationTime, 1e-3, 10),
            RestTime = net.GetQuantity("rest", Units.Dimension.Time, d.RestTime, 0, 10),
            TauTheta = net.GetQuantity("tau_theta", Units.Dimension.Time, d.TauTheta, 1e-3, 1e12),
            ThetaPlus = net.GetQuantity("theta_plus", Units.Dimension.Voltage, d.ThetaPlus, 0, 1),
            EtaPre = net.GetDouble("eta_pre", d.EtaPre, 0, 1),
            EtaPost = net.GetDouble("eta_post", d.EtaPost, 0, 1),
            WeightSum = net.GetDouble("weight_sum", d.WeightSum, 1e-6, 1e6),
            MinSpikes = net.GetInt("min_spikes", d.MinSpikes, 0, 1000),
            ExponentialEuler = net.GetString("integrator", "exponential-euler", "exponential-euler", "euler") == "exponential-euler",
        };
        _sub = new StdpSubstrate(root.Section("substrate"), "ideal", PulseTranslation.StochasticRounding);

        var tr = root.Section("training");
        _trainImages = tr.GetInt("images", 10_000, 1, Mnist.TrainCount);
        _epochs = tr.GetInt("epochs", 1, 1, 100);
        _chunk = tr.GetInt("chunk", 1000, 1, Mnist.TrainCount);
        _evaluateEachEpoch = tr.GetBool("evaluate_each_epoch", true);

        var lab = root.Section("labelling");
        _labelImages = lab.GetInt("images", 0, 0, Mnist.TrainCount);

        var ev = root.Section("evaluation");
        _testImages = ev.GetInt("test_images", Mnist.TestCount, 1, Mnist.TestCount);

        _sweep = new DispersionSweep(root.Section("sweep"), _sub);
        _fields = root.Section("report").GetInt("receptive_fields", 400, 0, 10_000);
        try { _p.Validate(); }
        catch (ArgumentException e) { net.Error("neurons", e.Message); }
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        var mnist = Mnist.Load(_dataPath, scaleToUnit: true);
        var train = mnist.Train; var test = mnist.Test;
        int n = _p.Neurons, labelCount = _labelImages > 0 ? _labelImages : _trainImages;
        ctx.Log($"Diehl & Cook network: {n} excitatory + {n} inhibitory neurons, {_p.Inputs * n} plastic synapses; {_trainImages} training images × {_epochs} epoch(s), labelling on {labelCount}, test on {_testImages}");

        ctx.Log($"substrate: {_sub.Describe(_sub.DeviceToDevice, _sub.CycleToCycle)}");
        var store = _sub.Build(_p.Inputs * n, StdpSubstrate.Polarity.Unipolar, _sub.DeviceToDevice, _sub.CycleToCycle, ctx.Seed);
        var net = new DiehlCookNetwork(_p, ctx.Seed, store);
        int epoch = 0, next = 0;
        var epochAcc = new List<double>();
        long presentations = 0;
        double trainSeconds = 0;
        if (ctx.Resuming && ctx.Checkpoints.TryLoad("training", out var cp))
        {
            net.LoadFrom(cp);
            epoch = (int)cp.GetLong("epoch"); next = (int)cp.GetLong("next");
            presentations = cp.GetLong("train_presentations");
            trainSeconds = cp.GetDouble("train_seconds");
            epochAcc.AddRange(cp.GetDoubles("epoch_accuracy"));
            ctx.Log($"resumed at epoch {epoch + 1}, image {next}");
        }

        while (epoch < _epochs)
        {
            var sw = Stopwatch.StartNew();
            while (next < _trainImages)
            {
                ctx.Cancellation.ThrowIfCancellationRequested();
                int end = Math.Min(_trainImages, next + _chunk);
                for (int k = next; k < end; k++)
                {
                    presentations += net.Train(train.Sample(k), ctx.Seed);
                    if ((k & 63) == 0) ctx.Progress($"train epoch {epoch + 1}", k, _trainImages);
                }
                next = end;
                trainSeconds += sw.Elapsed.TotalSeconds; sw.Restart();
                Save(ctx, net, epoch, next, presentations, trainSeconds, epochAcc);
                ctx.Log($"  epoch {epoch + 1}: {next}/{_trainImages} images, {presentations} presentations, {1e3 * trainSeconds / (epoch * (double)_trainImages + next):F2} ms per image, mean θ {net.Theta.ToArray().Average() * 1e3:F2} mV");
            }
            bool last = epoch == _epochs - 1;
            if (last) break;
            if (_evaluateEachEpoch)
            {
                var (acc, _, _, _) = Evaluate(ctx, net, train, test, labelCount, counters: null, $"epoch {epoch + 1}");
                epochAcc.Add(acc);
                ctx.Log($"  epoch {epoch + 1}: test accuracy {100 * acc:F2} %");
            }
            epoch++; next = 0;
            Save(ctx, net, epoch, next, presentations, trainSeconds, epochAcc);
        }

        // Final evaluation with operation counts for the energy report.
        var counters = new OpCounters();
        var (testAcc, assignments, predictions, testCounts) = Evaluate(ctx, net, train, test, labelCount, counters, "final");
        epochAcc.Add(testAcc);
        ctx.Counters.Add(counters);
        ctx.Inferences = _testImages;
        double excSpikes = testCounts.Sum() / (double)_testImages;
        ctx.Metric("test_accuracy", testAcc);
        ctx.Log($"final: test accuracy {100 * testAcc:F2} %");
        ctx.Metric("train_seconds_per_image", trainSeconds / ((double)_epochs * _trainImages));
        ctx.Metric("train_presentations_per_image", presentations / ((double)_epochs * _trainImages));
        ctx.Metric("excitatory_spikes_per_inference", excSpikes);
        ctx.Metric("spikes_per_inference", counters[Op.Spike] / (double)_testImages);
        ctx.Metric("synaptic_events_per_inference", counters[Op.SynapticEvent] / (double)_testImages);
        ctx.Metric("unlabelled_neurons", assignments.Count(a => a < 0));
        if (StdpSubstrate.ProgrammingCounters(net.Store) is { } pc)
            ctx.Metric("programming_pulses_per_training_image", pc[Op.ProgrammingPulse] / ((double)_epochs * _trainImages));
        for (int e = 0; e < epochAcc.Count; e++) ctx.Metric($"test_accuracy/epoch-{e + 1}", epochAcc[e]);
        ctx.Summary.Add($"Test accuracy {100 * testAcc:F2} % on {_testImages} MNIST test images with {n} excitatory neurons trained without labels on {_trainImages} images × {_epochs} epoch(s) (Diehl & Cook 2015 network, STDP + adaptive thresholds), substrate {_sub.Describe(_sub.DeviceToDevice, _sub.CycleToCycle)}.");
        ctx.Summary.Add($"Training: {1e3 * trainSeconds / ((double)_epochs * _trainImages):F2} ms wall per image; {excSpikes:F1} excitatory spikes and {counters[Op.SynapticEvent] / (double)_testImages:F0} synaptic events per inference.");
        AddFigures(ctx, net, test, assignments, predictions, epochAcc);

        // Variability sweep: the same pipeline (without chunk checkpoints) for each dispersion point.
        _sweep.Run(ctx, _sub.DeviceToDevice, _sub.CycleToCycle, $"Diehl & Cook, N = {n}", (d2d, c2c, key) =>
        {
            var pointNet = new DiehlCookNetwork(_p, ctx.Seed, _sub.Build(_p.Inputs * n, StdpSubstrate.Polarity.Unipolar, d2d, c2c, ctx.Seed));
            for (int e = 0; e < _epochs; e++)
                for (int k = 0; k < _trainImages; k++)
                {
                    ctx.Cancellation.ThrowIfCancellationRequested();
                    pointNet.Train(train.Sample(k), ctx.Seed);
                    if ((k & 63) == 0) ctx.Progress($"train {key}", (long)e * _trainImages + k, (long)_epochs * _trainImages);
                }
            double acc = Evaluate(ctx, pointNet, train, test, labelCount, counters: null, key).Accuracy;
            ctx.Log($"  {key}: test accuracy {100 * acc:F2} %");
            return acc;
        });
    }

    private static void Save(RunContext ctx, DiehlCookNetwork net, int epoch, int next, long presentations, double seconds, List<double> epochAcc)
    {
        var cp = new Checkpoint();
        net.SaveTo(cp);
        cp.Set("epoch", (long)epoch); cp.Set("next", (long)next);
        cp.Set("train_presentations", presentations); cp.Set("train_seconds", seconds);
        cp.Set("epoch_accuracy", epochAcc.ToArray());
        ctx.Checkpoints.Save("training", cp);
    }

    private (double Accuracy, int[] Assignments, int[] Predictions, int[] TestCounts) Evaluate(
        RunContext ctx, DiehlCookNetwork net, LabeledSet train, LabeledSet test, int labelCount, OpCounters? counters, string stage)
    {
        int n = _p.Neurons;
        var lc = new int[labelCount * n];
        DiehlCookInference.Respond(net, train.Features, labelCount, ctx.Seed, "diehl-cook/label-input", lc, null,
            done => ctx.Progress($"label ({stage})", done, labelCount), ctx.Cancellation);
        var assign = NeuronLabelling.Assign(lc, train.Labels.AsSpan(0, labelCount), n, 10);
        var tc = new int[_testImages * n];
        DiehlCookInference.Respond(net, test.Features, _testImages, ctx.Seed, "diehl-cook/test-input", tc, counters,
            done => ctx.Progress($"test ({stage})", done, _testImages), ctx.Cancellation);
        var pred = NeuronLabelling.PredictAll(tc, assign, 10);
        int ok = 0;
        for (int i = 0; i < _testImages; i++) if (pred[i] == test.Labels[i]) ok++;
        return (ok / (double)_testImages, assign, pred, tc);
    }

    private void AddFigures(RunContext ctx, DiehlCookNetwork net, LabeledSet test, int[] assign, int[] pred, List<double> epochAcc)
    {
        int n = _p.Neurons, d = _p.Inputs;
        int shown = Math.Min(n, _fields);
        if (shown > 0)
        {
            var px = new double[shown * d];
            var w = net.Store.Weights;
            for (int j = 0; j < shown; j++)
                for (int i = 0; i < d; i++) px[j * d + i] = w[i * n + j];
            ctx.Figures.Add(new ImageGridFigure
            {
                Name = "receptive-fields", Title = $"Receptive fields (input weights) of {shown} of {n} excitatory neurons",
                ImageWidth = 28, ImageHeight = 28, Count = shown, Columns = (int)Math.Ceiling(Math.Sqrt(shown)),
                Pixels = px, Labels = shown <= 100 ? [.. Enumerable.Range(0, shown).Select(j => assign[j] < 0 ? "–" : assign[j].ToString(CultureInfo.InvariantCulture))] : null,
                Caption = "One 28×28 map of input weights per neuron after training, labelled with the class the neuron was assigned.",
            });
        }
        var conf = new double[100];
        for (int i = 0; i < _testImages; i++) conf[test.Labels[i] * 10 + pred[i]]++;
        var names = Enumerable.Range(0, 10).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        ctx.Figures.Add(new HeatmapFigure
        {
            Name = "confusion", Title = "Confusion matrix (test set)", XLabel = "predicted class", YLabel = "true class",
            Rows = 10, Cols = 10, Values = conf, RowLabels = names, ColLabels = names, Annotate = true,
        });
        ctx.Figures.Add(new LineFigure
        {
            Name = "accuracy-per-epoch", Title = "Test accuracy after each training epoch", XLabel = "epoch", YLabel = "test accuracy",
            Series = [new Series("test", [.. Enumerable.Range(1, epochAcc.Count).Select(e => (double)e)], [.. epochAcc], Markers: true)],
        });
        ctx.Figures.Add(new BarFigure
        {
            Name = "neurons-per-class", Title = "Neurons assigned to each class", XLabel = "class", YLabel = "neurons",
            Categories = names, Values = [[.. Enumerable.Range(0, 10).Select(c => (double)assign.Count(a => a == c))]],
        });
        ctx.Figures.Add(new HistogramFigure
        {
            Name = "theta", Title = "Adaptive thresholds θ after training", XLabel = "θ (mV)", YLabel = "neurons",
            Values = [[.. net.Theta.ToArray().Select(t => t * 1e3)]],
        });
    }
}

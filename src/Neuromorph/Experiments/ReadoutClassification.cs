using Neuromorph.Figures;
using System.Globalization;
using Neuromorph.Data;
using Neuromorph.Energy;
using Neuromorph.Numerics;
using Neuromorph.Units;

namespace Neuromorph.Experiments;

/// <summary>
/// <c>experiment: readout-classification</c> — the quickstart pipeline: a labelled data set is
/// encoded into Poisson spike trains (rate = x·r_max for x scaled to [0, 1], per-step Bernoulli
/// with p = rate·dt), each input's spike count over the presentation window is the feature, and a
/// linear readout W = (XᵀX + λI)⁻¹XᵀY (ridge regression on one-hot targets, λ chosen on a
/// held-out validation split) classifies. Operations are counted as a spike-driven readout
/// would run them in hardware: every input spike is one synaptic event into each of the C
/// readout units, and each readout unit integrates once per time step.
/// </summary>
public sealed class ReadoutClassification : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("readout-classification",
        "Data → spike encoding → ridge-regression linear readout → accuracy, energy (the quickstart pipeline)",
        section => new ReadoutClassification(section));

    private readonly string _dataset;
    private readonly string? _dataPath;
    private readonly double _testFraction;
    private readonly int _maxTrain, _maxTest;
    private readonly string _encoding;
    private readonly double _maxRate, _duration, _dt;
    private readonly double[] _lambdas;
    private readonly double _validationFraction;
    private readonly int _examples;

    private ReadoutClassification(ConfigSection root)
    {
        var data = root.Section("data");
        _dataset = data.GetString("dataset", "digits-8x8", "digits-8x8", "mnist");
        _dataPath = data.GetPath("path", null, directory: true);
        _testFraction = data.GetDouble("test_fraction", 0.3, 0.05, 0.95);
        _maxTrain = data.GetInt("train_samples", 0, 0);
        _maxTest = data.GetInt("test_samples", 0, 0);

        var enc = root.Section("encoding");
        _encoding = enc.GetString("kind", "poisson-rate", "poisson-rate", "none");
        _maxRate = enc.GetQuantity("max_rate", Dimension.Frequency, 200, 0, 1e4, minExclusive: true);
        _duration = enc.GetQuantity("duration", Dimension.Time, 0.1, 0, 10, minExclusive: true);
        _dt = enc.GetQuantity("dt", Dimension.Time, 1e-3, 0, 0.1, minExclusive: true);
        if (_encoding == "poisson-rate" && _maxRate * _dt > 1)
            enc.Error("dt", $"max_rate·dt = {_maxRate * _dt:G3} exceeds 1: a Bernoulli step cannot fire more than once; lower dt below {Quantity.Format(1 / _maxRate, "s")}");
        if (_duration < _dt) enc.Error("duration", "must be at least one time step (dt)");

        var learning = root.Section("learning");
        learning.GetString("readout", "ridge", "ridge");
        _lambdas = learning.GetDoubleList("lambdas", [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100], 0, 1e12);
        if (_lambdas.Length == 0) learning.Error("lambdas", "give at least one regularisation value");
        _validationFraction = learning.GetDouble("validation_fraction", 0.2, 0.05, 0.5);

        _examples = root.Section("report").GetInt("examples", 20, 0, 100);
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        var (train, test) = LoadData(ctx);
        int d = train.FeatureCount, c = train.ClassCount;
        ctx.Log($"data: {_dataset}, {train.Count} training and {test.Count} test samples, {d} inputs, {c} classes");

        int steps = Math.Max(1, (int)Math.Round(_duration / _dt));
        var trainX = Encode(train, ctx, "encode training set", firstIndex: 0, counters: null);
        var testCounters = new OpCounters();
        var testX = Encode(test, ctx, "encode test set", firstIndex: (uint)train.Count, counters: testCounters);

        var fit = FitReadout(ctx, train, trainX, test, testX, log: true);
        double lambda = fit.Lambda, testAcc = fit.TestAccuracy;
        var predictions = fit.Predictions;
        var valAcc = fit.ValidationAccuracy;

        // Hardware-style op counts for the test inferences: each readout unit integrates every step.
        testCounters.Add(Op.NeuronUpdate, (long)test.Count * c * steps);
        ctx.Counters.Add(testCounters);
        ctx.Inferences = test.Count;

        ctx.Metric("test_accuracy", testAcc);
        ctx.Metric("train_accuracy", fit.TrainAccuracy);
        ctx.Metric("validation_accuracy", valAcc.Max());
        ctx.Metric("ridge_lambda", lambda);
        ctx.Metric("input_spikes_per_inference", testCounters[Op.Spike] / (double)test.Count);
        ctx.Metric("synaptic_events_per_inference", testCounters[Op.SynapticEvent] / (double)test.Count);
        ctx.Summary.Add($"Test accuracy {100 * testAcc:F2} % on {test.Count} {_dataset} samples: {d} inputs as {_encoding} spike trains ({Quantity.Format(_duration, "s")}, up to {Quantity.Format(_maxRate, "Hz")}) into a ridge-regression readout (λ = {lambda:G3}).");
        ctx.Summary.Add($"{testCounters[Op.Spike] / (double)test.Count:F1} input spikes and {testCounters[Op.SynapticEvent] / (double)test.Count:F0} synaptic events per inference.");
        if (_encoding != "none")
        {
            // The same readout on the raw features: the ceiling spike encoding is measured against.
            var raw = FitReadout(ctx, train, train.Features, test, test.Features, log: false);
            ctx.Metric("test_accuracy/raw-features", raw.TestAccuracy);
            ctx.Summary.Add($"The same readout on the raw features reaches {100 * raw.TestAccuracy:F2} %: spike encoding costs {100 * (raw.TestAccuracy - testAcc):F2} points.");
        }

        AddFigures(ctx, train, test, testX, predictions, valAcc);
    }

    private sealed record ReadoutFit(double Lambda, double[] ValidationAccuracy, double TrainAccuracy, double TestAccuracy, int[] Predictions);

    /// <summary>Chooses λ on a seeded validation split of the training set, refits on all of it, scores train and test.</summary>
    private ReadoutFit FitReadout(RunContext ctx, LabeledSet train, float[] trainX, LabeledSet test, float[] testX, bool log)
    {
        int d = train.FeatureCount, c = train.ClassCount;
        var order = Enumerable.Range(0, train.Count).ToArray();
        var rng = new RandomStream(ctx.Seed, "validation-split");
        rng.Shuffle(order.AsSpan());
        int nVal = Math.Max(1, (int)(train.Count * _validationFraction));
        var valIdx = order[..nVal]; var fitIdx = order[nVal..];
        var partial = new RidgeRegression(d, c);
        partial.Accumulate(RowMajor.Gather(trainX, d, fitIdx), RowMajor.OneHot(train.Labels, c, fitIdx), fitIdx.Length);
        var valX = RowMajor.Gather(trainX, d, valIdx);
        var valLabels = valIdx.Select(i => train.Labels[i]).ToArray();
        var (best, errors) = RidgeRegression.SelectLambda(partial, valX, RowMajor.OneHot(train.Labels, c, valIdx), valIdx.Length, _lambdas,
            (prediction, target) => 1 - RowMajor.ArgmaxAccuracy(prediction, valLabels, c, out _));
        var valAcc = errors.Select(e => 1 - e).ToArray();
        if (log)
            for (int i = 0; i < _lambdas.Length; i++) ctx.Log($"  λ = {_lambdas[i]:G3}: validation accuracy {100 * valAcc[i]:F2} %");
        double lambda = _lambdas[best];
        var full = new RidgeRegression(d, c);
        full.Accumulate(trainX, RowMajor.OneHot(train.Labels, c), train.Count);
        var w = full.Fit(lambda);
        double trainAcc = Accuracy(w, trainX, train.Labels, d, c, out _);
        double testAcc = Accuracy(w, testX, test.Labels, d, c, out var predictions);
        return new ReadoutFit(lambda, valAcc, trainAcc, testAcc, predictions);
    }

    private (LabeledSet Train, LabeledSet Test) LoadData(RunContext ctx)
    {
        LabeledSet train, test;
        if (_dataset == "mnist")
        {
            var m = Mnist.Load(_dataPath, scaleToUnit: true);
            train = m.Train; test = m.Test;
        }
        else
        {
            var all = Digits8x8.Load(scaleToUnit: true);
            (train, test) = StratifiedSplit(all, _testFraction, ctx.Seed);
        }
        if (_maxTrain > 0 && _maxTrain < train.Count) train = Subset(train, Enumerable.Range(0, _maxTrain).ToArray());
        if (_maxTest > 0 && _maxTest < test.Count) test = Subset(test, Enumerable.Range(0, _maxTest).ToArray());
        return (train, test);
    }

    /// <summary>Splits a set so every class keeps the same test fraction; seeded shuffle within each class.</summary>
    public static (LabeledSet Train, LabeledSet Test) StratifiedSplit(LabeledSet all, double testFraction, ulong seed)
    {
        var trainIdx = new List<int>(); var testIdx = new List<int>();
        for (int k = 0; k < all.ClassCount; k++)
        {
            var idx = Enumerable.Range(0, all.Count).Where(i => all.Labels[i] == k).ToArray();
            var rng = new RandomStream(seed, "stratified-split", (uint)k);
            rng.Shuffle(idx.AsSpan());
            int nTest = (int)Math.Round(idx.Length * testFraction);
            testIdx.AddRange(idx[..nTest]); trainIdx.AddRange(idx[nTest..]);
        }
        trainIdx.Sort(); testIdx.Sort();
        return (Subset(all, [.. trainIdx]), Subset(all, [.. testIdx]));
    }

    private static LabeledSet Subset(LabeledSet s, int[] idx)
    {
        int d = s.FeatureCount;
        var f = new float[idx.Length * d]; var l = new int[idx.Length];
        for (int i = 0; i < idx.Length; i++) { s.Sample(idx[i]).CopyTo(f.AsSpan(i * d, d)); l[i] = s.Labels[idx[i]]; }
        return new LabeledSet(f, l, d, s.ClassCount, s.SampleShape, s.ClassNames);
    }

    /// <summary>
    /// Spike-count features (counts / count at the maximum rate) from the shared
    /// <see cref="PoissonEncoder"/>, or the raw values when encoding is "none". Sample i of a set
    /// is encoded as stream index <paramref name="firstIndex"/> + i, so training and test spikes
    /// come from disjoint streams. Encodes in chunks so large sets never hold every raster at once.
    /// </summary>
    private float[] Encode(LabeledSet set, RunContext ctx, string stage, uint firstIndex, OpCounters? counters)
    {
        int d = set.FeatureCount, n = set.Count;
        var x = new float[n * d];
        if (_encoding == "none") { set.Features.AsSpan().CopyTo(x); return x; }
        var encoder = Encoder();
        float scale = (float)(1.0 / (_maxRate * _dt * encoder.Steps));
        const int chunk = 1024;
        long spikes = 0;
        for (int start = 0; start < n; start += chunk)
        {
            ctx.Cancellation.ThrowIfCancellationRequested();
            int len = Math.Min(chunk, n - start);
            var rasters = encoder.EncodeBatch(set.Features.AsSpan(start * d, len * d).ToArray(), d, ctx.Seed, firstIndex + (uint)start);
            var counts = SpikeCounts.Matrix(rasters);
            foreach (var r in rasters) spikes += r.SpikeCount;
            for (int i = 0; i < counts.Length; i++) x[start * d + i] = counts[i] * scale;
            ctx.Progress(stage, start + len, n);
        }
        if (counters != null)
        {
            counters.Add(Op.Spike, spikes);
            counters.Add(Op.SynapticEvent, spikes * set.ClassCount);
        }
        return x;
    }

    private PoissonEncoder Encoder() => new(_maxRate, _dt, Math.Max(1, (int)Math.Round(_duration / _dt)));

    private static double Accuracy(float[] w, float[] x, int[] labels, int d, int c, out int[] predictions)
    {
        var y = new float[labels.Length * c];
        RidgeRegression.Predict(w, x, y, labels.Length, d, c);
        return RowMajor.ArgmaxAccuracy(y, labels, c, out predictions);
    }

    private void AddFigures(RunContext ctx, LabeledSet train, LabeledSet test, float[] testX, int[] predictions, double[] valAcc)
    {
        int c = test.ClassCount, d = test.FeatureCount;
        var names = test.ClassNames.ToArray();
        var confusion = new double[c * c];
        for (int i = 0; i < test.Count; i++) confusion[test.Labels[i] * c + predictions[i]]++;
        ctx.Figures.Add(new HeatmapFigure
        {
            Name = "confusion", Title = "Confusion matrix (test set)", XLabel = "predicted class", YLabel = "true class",
            Rows = c, Cols = c, Values = confusion, RowLabels = names, ColLabels = names, Annotate = c <= 12,
            Caption = "Counts of test samples by true (rows) and predicted (columns) class.",
        });

        var perClass = new double[c];
        for (int k = 0; k < c; k++)
        {
            double tot = 0; for (int j = 0; j < c; j++) tot += confusion[k * c + j];
            perClass[k] = tot > 0 ? confusion[k * c + k] / tot : double.NaN;
        }
        ctx.Figures.Add(new BarFigure
        {
            Name = "per-class-accuracy", Title = "Test accuracy per class", XLabel = "class", YLabel = "accuracy",
            Categories = names, Values = [perClass],
        });
        ctx.Tables.Add(new ReportTable("Accuracy per class", ["class", "test samples", "accuracy"],
            [.. Enumerable.Range(0, c).Select(k => new[] { names[k], test.Labels.Count(l => l == k).ToString(CultureInfo.InvariantCulture), (100 * perClass[k]).ToString("F1", CultureInfo.InvariantCulture) + " %" })]));

        if (_lambdas.Length > 1)
            ctx.Figures.Add(new LineFigure
            {
                Name = "validation-lambda", Title = "Ridge regularisation chosen on validation data", XLabel = "λ", YLabel = "validation accuracy",
                LogX = true, Series = [new Series("validation", _lambdas.Where(l => l > 0).ToArray(), _lambdas.Select((l, i) => (l, i)).Where(t => t.l > 0).Select(t => valAcc[t.i]).ToArray(), Markers: true)],
                Caption = "The readout is refitted on the whole training set with the best λ.",
            });

        if (_examples > 0 && test.SampleShape.Count == 2)
        {
            int n = Math.Min(_examples, test.Count), h = test.SampleShape[0], w = test.SampleShape[1];
            ctx.Figures.Add(new ImageGridFigure
            {
                Name = "inputs", Title = "Test inputs", ImageWidth = w, ImageHeight = h, Count = n, Columns = 10,
                Pixels = test.Features.AsSpan(0, n * d).ToArray().Select(v => (double)v).ToArray(),
                Labels = [.. Enumerable.Range(0, n).Select(i => $"{names[test.Labels[i]]}→{names[predictions[i]]}")],
                Caption = "Each image is labelled true→predicted.",
            });
            if (_encoding != "none")
                ctx.Figures.Add(new ImageGridFigure
                {
                    Name = "spike-counts", Title = "What the readout sees: spike counts per input", ImageWidth = w, ImageHeight = h, Count = n, Columns = 10,
                    Pixels = testX.AsSpan(0, n * d).ToArray().Select(v => (double)v).ToArray(),
                    Caption = $"Spike counts over {Quantity.Format(_duration, "s")}, divided by the count at the maximum rate.",
                });
        }

        if (_encoding == "poisson-rate" && test.Count > 0)
        {
            // Raster of the first test sample, regenerated from its own (seed, index) stream.
            var raster = Encoder().Encode(test.Sample(0), ctx.Seed, (uint)train.Count);
            var times = new List<double>(); var ids = new List<int>();
            for (int t = 0; t < raster.Steps; t++)
                foreach (int j in raster.At(t)) { times.Add(t * raster.Dt); ids.Add(j); }
            ctx.Figures.Add(new RasterFigure
            {
                Name = "input-raster", Title = $"Input spike trains of test sample 0 (class {names[test.Labels[0]]})",
                XLabel = "time (s)", YLabel = "input", Times = [.. times], Neurons = [.. ids],
            });
        }
    }
}

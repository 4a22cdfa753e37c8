using Neuromorph.Figures;
using System.Globalization;
using Neuromorph.Data;
using Neuromorph.Energy;
using Neuromorph.Experiments;
using Neuromorph.Numerics;
using Neuromorph.Units;

using Neuromorph.Reservoir;

namespace Neuromorph.Experiments.Reservoir;

/// <summary>
/// <c>experiment: reservoir-classification</c> — sequence classification with a reservoir: each
/// sequence (Japanese Vowels LPC frames, or FSDD recordings turned into MFCC or cochleagram frames)
/// drives the reservoir from rest, one frame per input step; the states are pooled over time
/// (mean, last, or the means of K equal segments concatenated) and a ridge readout on one-hot
/// targets classifies (λ chosen on a stratified validation split of the training set). Inputs are
/// standardised per channel with training statistics. Optionally the same pooling and readout are
/// applied to the preprocessed inputs alone (<c>test_accuracy/no-reservoir</c>), which shows what
/// the reservoir adds.
/// </summary>
public sealed class ReservoirClassification : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("reservoir-classification",
        "Sequences (Japanese Vowels, FSDD via MFCC/cochleagram) → reservoir → pooled states → ridge readout; optional no-reservoir baseline",
        section => new ReservoirClassification(section));

    private readonly string _dataset, _preprocessing;
    private readonly int _channels, _maxTrain, _maxTest;
    private readonly double _frameHop;
    private readonly ReservoirSpec _reservoir;
    private readonly ReadoutSpec _readout;
    private readonly string _pooling;
    private readonly int _segments;
    private readonly bool _baseline;
    private readonly double[] _snrDb;
    private readonly int[] _redundancy;

    private ReservoirClassification(ConfigSection root)
    {
        var data = root.Section("data");
        _dataset = data.GetString("dataset", "japanese-vowels", "japanese-vowels", "fsdd");
        if (_dataset == "fsdd")
        {
            _preprocessing = data.GetString("preprocessing", "mfcc", "mfcc", "cochleagram");
            _channels = data.GetInt("channels", _preprocessing == "mfcc" ? 13 : 32, 1, 256);
            _frameHop = data.GetQuantity("frame_hop", Dimension.Time, 0.01, 1e-4, 1, minExclusive: true);
        }
        else _preprocessing = "none";
        _maxTrain = data.GetInt("train_samples", 0, 0);
        _maxTest = data.GetInt("test_samples", 0, 0);
        _reservoir = new ReservoirSpec(root.Section("reservoir"));
        _readout = new ReadoutSpec(root.Section("readout"), "states");
        var pool = root.Section("pooling");
        _pooling = pool.GetString("kind", "segments", "mean", "last", "segments");
        _segments = _pooling == "segments" ? pool.GetInt("segments", 4, 1, 100) : 1;
        _baseline = root.Section("baseline").GetBool("no_reservoir", true);
        var noise = root.Section("noise_study");
        _snrDb = noise.GetDoubleList("snr_db", [], -40, 200);
        _redundancy = noise.GetDoubleList("redundancy", [1], 1, 1e6).Select(v => (int)v).ToArray();
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        var (train, test, classNames) = Load(ctx);
        int d = train.FeatureCount, c = train.ClassCount;
        // Per-channel standardisation with training statistics.
        var mean = new double[d]; var sd = new double[d];
        int frames = train.Offsets[^1];
        for (int t = 0; t < frames; t++) for (int j = 0; j < d; j++) mean[j] += train.Frames[t * d + j];
        for (int j = 0; j < d; j++) mean[j] /= frames;
        for (int t = 0; t < frames; t++) for (int j = 0; j < d; j++) sd[j] += Math.Pow(train.Frames[t * d + j] - mean[j], 2);
        for (int j = 0; j < d; j++) sd[j] = Math.Sqrt(sd[j] / frames) + 1e-12;
        float[] Norm(SequenceSet s) { var f = (float[])s.Frames.Clone(); for (int t = 0; t < s.Offsets[^1]; t++) for (int j = 0; j < d; j++) f[t * d + j] = (float)((f[t * d + j] - mean[j]) / sd[j]); return f; }
        var trainFrames = Norm(train); var testFrames = Norm(test);

        var res = _reservoir.Build(d, ctx.Seed);
        ctx.Log(res.Describe());
        int n = res.StateSize;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        bool keep = _snrDb.Length > 0;
        var xTrain = Pool(ctx, "reservoir (training set)", res, train, trainFrames, null, out _, keep, out var allTrain);
        var testCounters = new OpCounters();
        var xTest = Pool(ctx, "reservoir (test set)", res, test, testFrames, testCounters, out var exampleStates, keep, out var allTest);
        ctx.Log($"ran {train.Count + test.Count} sequences through the reservoir in {sw.Elapsed.TotalSeconds:F1} s");
        int f = n * _segments;
        var (acc, pred, valErrs, lambda) = Classify(ctx, xTrain, train.Labels, xTest, test.Labels, f, c, "reservoir");
        testCounters.Add(Op.Mac, (long)f * c * test.Count);
        ctx.Counters.Add(testCounters);
        ctx.Inferences = test.Count;
        ctx.Metric("test_accuracy", acc);
        ctx.Metric("ridge_lambda", lambda);
        ctx.Summary.Add($"{_dataset}: test accuracy {100 * acc:F2} % on {test.Count} sequences ({_preprocessing} inputs, {_pooling} pooling) — {res.Describe()}.");

        double accBase = double.NaN;
        if (_baseline)
        {
            var bTrain = PoolInputs(train, trainFrames); var bTest = PoolInputs(test, testFrames);
            (accBase, _, _, _) = Classify(ctx, bTrain, train.Labels, bTest, test.Labels, d * _segments, c, "no reservoir");
            ctx.Metric("test_accuracy/no-reservoir", accBase);
            ctx.Summary.Add($"Same preprocessing, pooling and readout without the reservoir: {100 * accBase:F2} %.");
        }
        AddFigures(ctx, test.Labels, pred, classNames, acc, accBase, exampleStates, n, valErrs);
        if (keep) NoiseStudy(ctx, train, test, allTrain!, allTest!, n, c);
    }

    /// <summary>
    /// Accuracy vs read-out SNR: Gaussian noise of standard deviation sd(x)·10^(−SNR/20)/√R on every
    /// virtual-node read (training and test), R redundant reads averaged; pooled and classified again.
    /// </summary>
    private void NoiseStudy(RunContext ctx, SequenceSet train, SequenceSet test, float[] statesTrain, float[] statesTest, int n, int c)
    {
        double mean = 0, var = 0;
        foreach (var v in statesTrain) mean += v;
        mean /= statesTrain.Length;
        foreach (var v in statesTrain) var += (v - mean) * (v - mean);
        double sd = Math.Sqrt(var / statesTrain.Length);
        var series = new List<Series>(); var rows = new List<string[]>();
        int f = n * _segments;
        foreach (int r in _redundancy)
        {
            var ys = new double[_snrDb.Length];
            for (int k = 0; k < _snrDb.Length; k++)
            {
                double sigma = sd * Math.Pow(10, -_snrDb[k] / 20) / Math.Sqrt(r);
                float[] Noisy(SequenceSet set, float[] states, uint part)
                {
                    var x = new float[(long)set.Count * f];
                    var buf = new float[states.Length];
                    uint comp = Philox.ComponentId("readout-noise") + (uint)k + 1000 * part;
                    for (long i = 0; i < states.Length; i++)
                    {
                        var (z, _) = CounterRandom.Normal2(ctx.Seed, comp, (uint)r, (ulong)i);
                        buf[i] = states[i] + (float)(sigma * z);
                    }
                    for (int q = 0; q < set.Count; q++)
                        PoolRows(buf.AsSpan(set.Offsets[q] * n, set.Length(q) * n), set.Length(q), n, x.AsSpan(q * f, f));
                    return x;
                }
                (ys[k], _, _, _) = Classify(ctx, Noisy(train, statesTrain, 0), train.Labels, Noisy(test, statesTest, 1), test.Labels, f, c, $"SNR {_snrDb[k]} dB, R = {r}");
                ctx.Metric($"test_accuracy/snr{_snrDb[k].ToString(CultureInfo.InvariantCulture)}db-r{r}", ys[k]);
                rows.Add([_snrDb[k].ToString("G4", CultureInfo.InvariantCulture), r.ToString(CultureInfo.InvariantCulture), (100 * ys[k]).ToString("F2", CultureInfo.InvariantCulture) + " %"]);
            }
            series.Add(new Series($"R = {r}", _snrDb, ys, Markers: true));
        }
        ctx.Figures.Add(new LineFigure
        {
            Name = "noise-study", Title = "Test accuracy vs node signal-to-noise ratio", XLabel = "SNR of each virtual-node read (dB)", YLabel = "test accuracy",
            Series = [.. series],
            Caption = "Gaussian read-out noise of standard deviation sd(x)·10^(−SNR/20) on every state; R redundant reads averaged.",
        });
        ctx.Tables.Add(new ReportTable("Noise study", ["SNR (dB)", "redundancy R", "test accuracy"], [.. rows]));
    }

    private (SequenceSet Train, SequenceSet Test, string[] ClassNames) Load(RunContext ctx)
    {
        SequenceSet train, test; string[] names;
        if (_dataset == "japanese-vowels")
        {
            var jv = JapaneseVowels.Load();
            train = jv.Train; test = jv.Test;
            names = [.. Enumerable.Range(1, JapaneseVowels.Speakers).Select(i => $"speaker {i}")];
            ctx.Log($"Japanese Vowels: {train.Count} training and {test.Count} test utterances of 12 LPC cepstrum coefficients, 9 speakers");
        }
        else
        {
            var fs = Fsdd.Load();
            int rate = fs.Train.SampleRate;
            FeatureExtractor ex = _preprocessing == "mfcc"
                ? sig => Mfcc.Compute(sig, rate, new MfccOptions(FrameHop: _frameHop, CoefficientCount: _channels, FilterCount: Math.Max(26, _channels)))
                : sig => Cochleagram.Compute(sig, rate, new CochleagramOptions(Channels: _channels, FrameHop: _frameHop));
            train = FeatureSequences.Extract(fs.Train.Audio, ex);
            test = FeatureSequences.Extract(fs.Test.Audio, ex);
            names = [.. Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture))];
            ctx.Log($"FSDD: {train.Count} training and {test.Count} test recordings (standard split: repetitions 0–4 test), {_preprocessing} with {_channels} channels every {_frameHop * 1e3:G3} ms");
        }
        if (_maxTrain > 0 && _maxTrain < train.Count) train = Take(train, _maxTrain, ctx.Seed, "train-subset");
        if (_maxTest > 0 && _maxTest < test.Count) test = Take(test, _maxTest, ctx.Seed, "test-subset");
        return (train, test, names);
    }

    private static SequenceSet Take(SequenceSet s, int count, ulong seed, string comp)
    {
        var idx = Enumerable.Range(0, s.Count).ToArray();
        var rng = new RandomStream(seed, comp); rng.Shuffle(idx.AsSpan());
        idx = [.. idx.Take(count).Order()];
        var frames = new List<float>(); var offs = new List<int> { 0 }; var labels = new List<int>();
        foreach (var i in idx) { frames.AddRange(s.Sequence(i).ToArray()); offs.Add(offs[^1] + s.Length(i)); labels.Add(s.Labels[i]); }
        return new SequenceSet([.. frames], [.. offs], [.. labels], s.FeatureCount, s.ClassCount);
    }

    /// <summary>Runs every sequence from rest and pools its states into K·N features.</summary>
    private float[] Pool(RunContext ctx, string stage, IReservoir res, SequenceSet set, float[] frames, OpCounters? counters, out float[] example,
        bool keepStates, out float[]? all)
    {
        int n = res.StateSize, d = set.FeatureCount, f = n * _segments;
        var x = new float[(long)set.Count * f];
        all = keepStates ? new float[(long)set.Offsets[^1] * n] : null;
        int maxLen = Enumerable.Range(0, set.Count).Max(set.Length);
        var states = new float[(long)maxLen * n];
        example = [];
        for (int i = 0; i < set.Count; i++)
        {
            int len = set.Length(i);
            res.Reset();
            res.Run(frames.AsSpan(set.Offsets[i] * d, len * d), len, states, counters);
            PoolRows(states, len, n, x.AsSpan(i * f, f));
            if (all != null) states.AsSpan(0, len * n).CopyTo(all.AsSpan(set.Offsets[i] * n));
            if (i == 0) example = states.AsSpan(0, len * n).ToArray();
            if (i % 50 == 0 || i == set.Count - 1) ctx.Progress(stage, i + 1, set.Count);
            ctx.Cancellation.ThrowIfCancellationRequested();
        }
        return x;
    }

    private void PoolRows(ReadOnlySpan<float> rows, int len, int width, Span<float> dst)
    {
        dst.Clear();
        if (len == 0) return;
        if (_pooling == "last") { rows.Slice((len - 1) * width, width).CopyTo(dst); return; }
        int k = _segments;
        for (int s = 0; s < k; s++)
        {
            // Segment s spans frames [s·len/k, (s+1)·len/k); a sequence shorter than k repeats frames.
            int a = (int)((long)s * len / k), b = Math.Max(a + 1, (int)((long)(s + 1) * len / k));
            var seg = dst.Slice(s * width, width);
            for (int t = a; t < b; t++) System.Numerics.Tensors.TensorPrimitives.Add(seg, rows.Slice(t * width, width), seg);
            System.Numerics.Tensors.TensorPrimitives.Multiply(seg, 1f / (b - a), seg);
        }
    }

    private float[] PoolInputs(SequenceSet set, float[] frames)
    {
        int d = set.FeatureCount, f = d * _segments;
        var x = new float[(long)set.Count * f];
        for (int i = 0; i < set.Count; i++)
            PoolRows(frames.AsSpan(set.Offsets[i] * d, set.Length(i) * d), set.Length(i), d, x.AsSpan(i * f, f));
        return x;
    }

    private (double Acc, int[] Pred, double[] ValErrs, double Lambda) Classify(RunContext ctx, float[] xTr, int[] yTr, float[] xTe, int[] yTe, int f, int c, string what)
    {
        int nTr = yTr.Length, nTe = yTe.Length;
        var scaler = new ReservoirTimeSeries.Scaler(xTr, nTr, f);
        xTr = (float[])xTr.Clone(); xTe = (float[])xTe.Clone();
        scaler.Apply(xTr, nTr); scaler.Apply(xTe, nTe);
        // Stratified validation split: every k-th sample of each class (deterministic shuffle first).
        var order = Enumerable.Range(0, nTr).ToArray();
        var rng = new RandomStream(ctx.Seed, "validation-split"); rng.Shuffle(order.AsSpan());
        var valMask = new bool[nTr]; var seen = new int[c];
        int every = Math.Max(2, (int)Math.Round(1 / _readout.ValidationFraction));
        foreach (var i in order) if (seen[yTr[i]]++ % every == 0) valMask[i] = true;
        var fitIdx = order.Where(i => !valMask[i]).ToArray(); var valIdx = order.Where(i => valMask[i]).ToArray();
        var part = new RidgeRegression(f, c);
        part.Accumulate(RowMajor.Gather(xTr, f, fitIdx), RowMajor.OneHot(yTr, c, fitIdx), fitIdx.Length);
        var valLabels = valIdx.Select(i => yTr[i]).ToArray();
        var (best, errs) = RidgeRegression.SelectLambda(part, RowMajor.Gather(xTr, f, valIdx), RowMajor.OneHot(yTr, c, valIdx), valIdx.Length, _readout.Lambdas,
            (p, target) => 1 - RowMajor.ArgmaxAccuracy(p, valLabels, c, out _));
        for (int i = 0; i < errs.Length; i++) ctx.Log($"  {what}: λ = {_readout.Lambdas[i]:G3}: validation error {100 * errs[i]:F2} %");
        var full = new RidgeRegression(f, c);
        full.Accumulate(xTr, RowMajor.OneHot(yTr, c), nTr);
        var w = full.Fit(_readout.Lambdas[best]);
        var yp = new float[nTe * c];
        RidgeRegression.Predict(w, xTe, yp, nTe, f, c);
        double acc = RowMajor.ArgmaxAccuracy(yp, yTe, c, out var pred);
        ctx.Log($"{what}: test accuracy {100 * acc:F2} % (λ = {_readout.Lambdas[best]:G3})");
        return (acc, pred, errs, _readout.Lambdas[best]);
    }

    private void AddFigures(RunContext ctx, int[] labels, int[] pred, string[] names, double acc, double accBase, float[] example, int n, double[] valErrs)
    {
        int c = names.Length;
        var conf = new double[c * c];
        for (int i = 0; i < labels.Length; i++) conf[labels[i] * c + pred[i]]++;
        ctx.Figures.Add(new HeatmapFigure
        {
            Name = "confusion", Title = "Confusion matrix (test set)", XLabel = "predicted", YLabel = "true",
            Rows = c, Cols = c, Values = conf, RowLabels = names, ColLabels = names, Annotate = c <= 12,
        });
        if (!double.IsNaN(accBase))
            ctx.Figures.Add(new BarFigure
            {
                Name = "accuracy", Title = "Test accuracy with and without the reservoir", YLabel = "accuracy",
                Categories = ["reservoir", "no reservoir"], Values = [[acc, accBase]],
            });
        int len = example.Length / Math.Max(1, n);
        if (len > 0)
            ctx.Figures.Add(new HeatmapFigure
            {
                Name = "states", Title = "Reservoir states of the first test sequence", XLabel = _reservoir.Kind == "esn" ? "unit" : "virtual node", YLabel = "input frame",
                Rows = len, Cols = n, Values = [.. example.Select(v => (double)v)],
            });
        if (_readout.Lambdas.Length > 1)
            ctx.Figures.Add(new LineFigure
            {
                Name = "validation-lambda", Title = "Ridge λ chosen on validation data", XLabel = "λ", YLabel = "validation error", LogX = true,
                Series = [new("validation", _readout.Lambdas.Where(l => l > 0).ToArray(), _readout.Lambdas.Select((l, i) => (l, i)).Where(t => t.l > 0).Select(t => valErrs[t.i]).ToArray(), Markers: true)],
            });
    }
}

using Neuromorph.Figures;
using System.Globalization;
using Neuromorph.Data;
using Neuromorph.Energy;
using Neuromorph.Experiments;
using Neuromorph.Numerics;

using Neuromorph.Reservoir;

namespace Neuromorph.Experiments.Reservoir;

/// <summary>
/// <c>experiment: reservoir-timeseries</c> — a reservoir (ESN or delay-based single node) driven
/// by a scalar series, with a linear readout trained on the training segment and evaluated on
/// held-out data. Tasks: <c>narma10</c> (Atiya &amp; Parlos 2000; input u ~ U[0, 0.5], target
/// y(t+1), metric <c>nrmse</c>), <c>santafe</c> (one-step prediction of the Santa Fe laser series,
/// <c>nmse</c>), <c>mackey-glass</c> (NeuroBench chaotic-function prediction, Yik et al. 2024:
/// MG-17 sampled at 75 points per Lyapunov time of 197, trained teacher-forced on 10 Lyapunov
/// times and run autoregressively for 10 more, <c>smape</c>), <c>sine-square</c> (Paquot et al.
/// 2012 / Torrejon et al. 2017: label every point of a random sequence of 8-point sine and square
/// periods, <c>test_accuracy</c>). Readout features are standardised with training statistics;
/// ridge λ is chosen on the last part of the training segment, then the readout is refitted on all
/// of it. An optional noise study adds Gaussian read-out noise to every state at given
/// signal-to-noise ratios, with R redundant reads averaged.
/// </summary>
public sealed class ReservoirTimeSeries : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("reservoir-timeseries",
        "Reservoir (ESN or delay node) on NARMA10, Santa Fe, Mackey-Glass (NeuroBench) or sine/square, linear readout",
        section => new ReservoirTimeSeries(section));

    private readonly string _task;
    private readonly int _washout, _train, _test, _narmaSeed;
    private readonly double _lyapunovTime, _pointsPerLyapunov, _trainLyapunov, _testLyapunov, _constantPast;
    private readonly int _series;
    private readonly ReservoirSpec _reservoir;
    private readonly ReadoutSpec _readout;
    private readonly double[] _snrDb;
    private readonly int[] _redundancy;
    private readonly int _plotSteps;

    private ReservoirTimeSeries(ConfigSection root)
    {
        var task = root.Section("task");
        _task = task.GetString("kind", "narma10", "narma10", "santafe", "mackey-glass", "sine-square");
        switch (_task)
        {
            case "mackey-glass":
                _lyapunovTime = task.GetDouble("lyapunov_time", 197, 1, 1e5);
                _pointsPerLyapunov = task.GetDouble("points_per_lyapunov_time", 75, 1, 1e4);
                _trainLyapunov = task.GetDouble("train_lyapunov_times", 10, 0.1, 1000);
                _testLyapunov = task.GetDouble("test_lyapunov_times", 10, 0.1, 1000);
                _constantPast = task.GetDouble("constant_past", 0.7206597, 0, 10);
                _series = task.GetInt("series", 10, 1, 1000);
                _washout = task.GetInt("washout", 100, 0, 100_000);
                break;
            case "sine-square":
                _washout = task.GetInt("washout_periods", 10, 0, 100_000);
                _train = task.GetInt("train_periods", 300, 10, 1_000_000);
                _test = task.GetInt("test_periods", 300, 1, 1_000_000);
                break;
            default:
                _washout = task.GetInt("washout", _task == "narma10" ? 200 : 100, 0, 100_000);
                _train = task.GetInt("train", _task == "narma10" ? 4000 : 3000, 10, 10_000_000);
                _test = task.GetInt("test", 1000, 10, 10_000_000);
                if (_task == "narma10") _narmaSeed = task.GetInt("series_seed", 1, 0);
                if (_task == "santafe" && _washout + _train + _test + 1 > SantaFeLaser.Length)
                    task.Error("test", $"washout + train + test + 1 = {_washout + _train + _test + 1} exceeds the {SantaFeLaser.Length} Santa Fe samples");
                break;
        }
        _reservoir = new ReservoirSpec(root.Section("reservoir"));
        _readout = new ReadoutSpec(root.Section("readout"), "states+input");
        var noise = root.Section("noise_study");
        _snrDb = noise.GetDoubleList("snr_db", [], -40, 200);
        _redundancy = noise.GetDoubleList("redundancy", [1], 1, 1e6).Select(v => (int)v).ToArray();
        _plotSteps = root.Section("report").GetInt("plot_steps", 200, 10, 100_000);
    }

    private sealed record TaskSeries(float[] Input, float[] Target, int FitStart, int TrainEnd, int TestEnd, string Unit);

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        if (_task == "mackey-glass") { RunMackeyGlass(ctx); return; }
        var s = MakeSeries(ctx);
        var res = _reservoir.Build(1, ctx.Seed);
        ctx.Log(res.Describe());
        int n = res.StateSize, T = s.TestEnd;
        var states = new float[(long)T * n];
        var sw = System.Diagnostics.Stopwatch.StartNew();
        res.Run(s.Input.AsSpan(0, s.TrainEnd), s.TrainEnd, states);
        var testCounters = new OpCounters();
        res.Run(s.Input.AsSpan(s.TrainEnd, T - s.TrainEnd), T - s.TrainEnd, states.AsSpan(s.TrainEnd * n), testCounters);
        ctx.Log($"harvested {T} steps × {n} states in {sw.Elapsed.TotalSeconds:F2} s");

        var feats = new ReservoirFeatures(_readout.Features, n, 1);
        var fit = FitReadout(ctx, feats, states, s, out var w, out var scaler, out double lambda);
        var pred = Predict(feats, scaler, w, states, s.Input, s.TrainEnd, T - s.TrainEnd);
        var truth = s.Target.AsSpan(s.TrainEnd, T - s.TrainEnd).ToArray();
        testCounters.Add(Op.Mac, (long)feats.Count * (T - s.TrainEnd));
        ctx.Counters.Add(testCounters);
        ctx.Inferences = T - s.TrainEnd;
        ReportMetrics(ctx, pred, truth, res, lambda);
        AddFigures(ctx, s, pred, truth, states, n, fit);
        if (_snrDb.Length > 0) NoiseStudy(ctx, feats, states, s, n);
    }

    private TaskSeries MakeSeries(RunContext ctx)
    {
        switch (_task)
        {
            case "narma10":
            {
                int T = _washout + _train + _test;
                var g = Narma10.Generate(T + 1, (ulong)_narmaSeed);
                var u = new float[T]; var y = new float[T];
                for (int t = 0; t < T; t++) { u[t] = (float)g.Input[t]; y[t] = (float)g.Output[t + 1]; }
                ctx.Log($"NARMA10: u ~ U[0, 0.5], target y(t+1); {_washout} washout, {_train} training, {_test} test steps (series seed {_narmaSeed})");
                return new TaskSeries(u, y, _washout, _washout + _train, T, "");
            }
            case "santafe":
            {
                var raw = SantaFeLaser.Load();
                int T = _washout + _train + _test;
                // Standardise with the training statistics (the test segment is never looked at).
                double mean = 0, sd = 0;
                for (int t = 0; t < _washout + _train; t++) mean += raw[t];
                mean /= _washout + _train;
                for (int t = 0; t < _washout + _train; t++) sd += (raw[t] - mean) * (raw[t] - mean);
                sd = Math.Sqrt(sd / (_washout + _train));
                var u = new float[T]; var y = new float[T];
                for (int t = 0; t < T; t++) { u[t] = (float)((raw[t] - mean) / sd); y[t] = (float)((raw[t + 1] - mean) / sd); }
                ctx.Log($"Santa Fe laser: one-step prediction, {_washout} washout, {_train} training, {_test} test samples (standardised: mean {mean:F2}, sd {sd:F2})");
                return new TaskSeries(u, y, _washout, _washout + _train, T, "");
            }
            default:
            {
                // Sine/square: periods of 8 points, each period randomly a sine or a square; label 1 for square.
                int periods = _washout + _train + _test, T = periods * 8;
                var u = new float[T]; var y = new float[T];
                var rng = new RandomStream(ctx.Seed, "sine-square");
                for (int p = 0; p < periods; p++)
                {
                    bool square = rng.NextDouble() < 0.5;
                    for (int k = 0; k < 8; k++)
                    {
                        u[p * 8 + k] = square ? (k < 4 ? 1f : -1f) : (float)Math.Sin(2 * Math.PI * k / 8);
                        y[p * 8 + k] = square ? 1f : 0f;
                    }
                }
                ctx.Log($"sine/square: {periods} random 8-point periods ({_washout} washout, {_train} training, {_test} test); label every point");
                return new TaskSeries(u, y, _washout * 8, (_washout + _train) * 8, T, "");
            }
        }
    }

    /// <summary>Per-feature standardisation (z-score) with training statistics.</summary>
    internal sealed class Scaler
    {
        public readonly float[] Mean, InvStd;
        public Scaler(float[] x, int rows, int f)
        {
            Mean = new float[f]; InvStd = new float[f];
            var m = new double[f]; var v = new double[f];
            for (int i = 0; i < rows; i++) for (int j = 0; j < f; j++) m[j] += x[i * f + j];
            for (int j = 0; j < f; j++) m[j] /= rows;
            for (int i = 0; i < rows; i++) for (int j = 0; j < f; j++) { double d = x[i * f + j] - m[j]; v[j] += d * d; }
            for (int j = 0; j < f; j++) { Mean[j] = (float)m[j]; double sd = Math.Sqrt(v[j] / rows); InvStd[j] = sd > 1e-12 ? (float)(1 / sd) : 0f; }
        }
        public void Apply(float[] x, int rows)
        {
            int f = Mean.Length;
            for (int i = 0; i < rows; i++) for (int j = 0; j < f; j++) x[i * f + j] = (x[i * f + j] - Mean[j]) * InvStd[j];
        }
    }

    internal sealed record FitInfo(double[] Lambdas, double[] ValidationErrors, int Best);

    private FitInfo FitReadout(RunContext ctx, ReservoirFeatures feats, float[] states, TaskSeries s, out float[] w, out Scaler scaler, out double lambda)
    {
        int f = feats.Count, nTrain = s.TrainEnd - s.FitStart;
        var x = feats.Build(states, s.Input, s.FitStart, nTrain);
        scaler = new Scaler(x, nTrain, f);
        scaler.Apply(x, nTrain);
        var y = s.Target.AsSpan(s.FitStart, nTrain).ToArray();
        (w, lambda, var info) = TrainReadout(ctx, _readout, x, y, nTrain, f, ErrorFor(_task));
        return info;
    }

    private static Func<float[], float[], double> ErrorFor(string task) => task == "sine-square"
        ? (p, t) => 1 - Accuracy(p, t)
        : (p, t) => PredictionMetrics.Nmse(p, t);

    /// <summary>Ridge with λ chosen on the last validation fraction of the rows (then refitted on all), or RLS over all rows.</summary>
    internal static (float[] W, double Lambda, FitInfo Info) TrainReadout(RunContext ctx, ReadoutSpec spec, float[] x, float[] y, int rows, int f,
        Func<float[], float[], double> error, int outputs = 1)
    {
        if (spec.Kind == "rls")
        {
            var rls = new RlsReadout(f, outputs, spec.RlsAlpha);
            for (int i = 0; i < rows; i++) rls.Update(x.AsSpan(i * f, f), y.AsSpan(i * outputs, outputs));
            ctx.Log($"readout: online RLS/FORCE over {rows} steps (α = {spec.RlsAlpha:G3})");
            return (rls.Weights(), double.NaN, new FitInfo([], [], 0));
        }
        int nVal = Math.Max(1, (int)(rows * spec.ValidationFraction)), nFit = rows - nVal;
        var part = new RidgeRegression(f, outputs);
        part.Accumulate(x.AsSpan(0, nFit * f), y.AsSpan(0, nFit * outputs), nFit);
        var (best, errs) = RidgeRegression.SelectLambda(part, x.AsSpan(nFit * f), y.AsSpan(nFit * outputs), nVal, spec.Lambdas, error);
        for (int i = 0; i < spec.Lambdas.Length; i++) ctx.Log($"  λ = {spec.Lambdas[i]:G3}: validation error {errs[i]:G4}");
        var full = new RidgeRegression(f, outputs);
        full.Accumulate(x, y, rows);
        return (full.Fit(spec.Lambdas[best]), spec.Lambdas[best], new FitInfo(spec.Lambdas, errs, best));
    }

    private static float[] Predict(ReservoirFeatures feats, Scaler scaler, float[] w, float[] states, float[] input, int t0, int count)
    {
        var x = feats.Build(states, input, t0, count);
        scaler.Apply(x, count);
        var p = new float[count];
        RidgeRegression.Predict(w, x, p, count, feats.Count, 1);
        return p;
    }

    private static double Accuracy(float[] p, float[] t)
    {
        int ok = 0;
        for (int i = 0; i < p.Length; i++) if ((p[i] > 0.5f) == (t[i] > 0.5f)) ok++;
        return (double)ok / p.Length;
    }

    private void ReportMetrics(RunContext ctx, float[] pred, float[] truth, IReservoir res, double lambda)
    {
        if (!double.IsNaN(lambda)) ctx.Metric("ridge_lambda", lambda);
        switch (_task)
        {
            case "narma10":
                double nrmse = PredictionMetrics.Nrmse(pred, truth);
                ctx.Metric("nrmse", nrmse);
                ctx.Summary.Add($"NARMA10 test NRMSE {nrmse:F4} over {truth.Length} held-out steps — {res.Describe()}.");
                break;
            case "santafe":
                double nmse = PredictionMetrics.Nmse(pred, truth);
                ctx.Metric("nmse", nmse);
                ctx.Metric("nrmse", Math.Sqrt(nmse));
                ctx.Summary.Add($"Santa Fe one-step prediction: test NMSE {nmse:F4} over {truth.Length} samples — {res.Describe()}.");
                break;
            default:
                double acc = Accuracy(pred, truth);
                ctx.Metric("test_accuracy", acc);
                ctx.Summary.Add($"Sine/square classification: {100 * acc:F2} % of {truth.Length} test points labelled correctly — {res.Describe()}.");
                break;
        }
    }

    private void AddFigures(RunContext ctx, TaskSeries s, float[] pred, float[] truth, float[] states, int n, FitInfo fit)
    {
        int k = Math.Min(_plotSteps, truth.Length);
        var xs = Enumerable.Range(0, k).Select(i => (double)(s.TrainEnd + i)).ToArray();
        ctx.Figures.Add(new LineFigure
        {
            Name = "prediction", Title = "Prediction vs truth (test segment)", XLabel = "time step", YLabel = _task == "sine-square" ? "label (1 = square)" : "value",
            Series = [new("truth", xs, truth.Take(k).Select(v => (double)v).ToArray()), new("prediction", xs, pred.Take(k).Select(v => (double)v).ToArray())],
            Caption = $"First {k} held-out steps.",
        });
        AddStateFigure(ctx, states, n, s.TrainEnd, _reservoir.Kind == "esn");
        if (fit.Lambdas.Length > 1)
            ctx.Figures.Add(new LineFigure
            {
                Name = "validation-lambda", Title = "Ridge λ chosen on validation data", XLabel = "λ", YLabel = "validation error", LogX = true, LogY = true,
                Series = [new("validation", fit.Lambdas.Where(l => l > 0).ToArray(), fit.Lambdas.Select((l, i) => (l, i)).Where(t => t.l > 0).Select(t => fit.ValidationErrors[t.i]).ToArray(), Markers: true)],
            });
    }

    internal static void AddStateFigure(RunContext ctx, float[] states, int n, int t0, bool esn)
    {
        if (esn)
        {
            int steps = Math.Min(200, states.Length / n - t0);
            var xs = Enumerable.Range(0, steps).Select(i => (double)(t0 + i)).ToArray();
            ctx.Figures.Add(new LineFigure
            {
                Name = "states", Title = "Reservoir unit activations", XLabel = "time step", YLabel = "x_i",
                Series = [.. Enumerable.Range(0, Math.Min(5, n)).Select(u => new Series($"unit {u}", xs, xs.Select(t => (double)states[(int)t * n + u]).ToArray()))],
            });
            return;
        }
        int periods = Math.Min(3, states.Length / n - t0);
        var x = Enumerable.Range(0, periods * n).Select(i => t0 + i / (double)n).ToArray();
        var y = Enumerable.Range(0, periods * n).Select(i => (double)states[(long)t0 * n + i]).ToArray();
        ctx.Figures.Add(new LineFigure
        {
            Name = "virtual-nodes", Title = "Virtual-node states over three input periods", XLabel = "input step (virtual node i at step + i/N)", YLabel = "node state",
            Series = [new("x(t) sampled every θ", x, y, Markers: false)],
            Caption = "The single node's response read once per virtual node; neighbouring virtual nodes are coupled by the node's inertia, successive periods by the delay.",
        });
    }

    private void NoiseStudy(RunContext ctx, ReservoirFeatures feats, float[] clean, TaskSeries s, int n)
    {
        // Signal power: variance of the clean states over the training segment.
        double mean = 0, var = 0; long cnt = (long)(s.TrainEnd - s.FitStart) * n;
        for (long i = (long)s.FitStart * n; i < (long)s.TrainEnd * n; i++) mean += clean[i];
        mean /= cnt;
        for (long i = (long)s.FitStart * n; i < (long)s.TrainEnd * n; i++) var += (clean[i] - mean) * (clean[i] - mean);
        double sd = Math.Sqrt(var / cnt);
        var noisy = new float[clean.Length];
        var series = new List<Series>();
        var rows = new List<string[]>();
        string metric = _task switch { "narma10" => "nrmse", "santafe" => "nmse", _ => "test_accuracy" };
        foreach (int r in _redundancy)
        {
            var ys = new double[_snrDb.Length];
            for (int k = 0; k < _snrDb.Length; k++)
            {
                // Read-out noise σ = sd·10^(−SNR/20); averaging R independent reads leaves σ/√R (drawn directly: the mean of R normals is normal).
                double sigma = sd * Math.Pow(10, -_snrDb[k] / 20) / Math.Sqrt(r);
                for (long i = 0; i < clean.Length; i++)
                {
                    var (z, _) = CounterRandom.Normal2(ctx.Seed, Philox.ComponentId("readout-noise") + (uint)k, (uint)r, (ulong)i);
                    noisy[i] = clean[i] + (float)(sigma * z);
                }
                FitReadout(ctx, feats, noisy, s, out var w, out var scaler, out _);
                var pred = Predict(feats, scaler, w, noisy, s.Input, s.TrainEnd, s.TestEnd - s.TrainEnd);
                var truth = s.Target.AsSpan(s.TrainEnd, s.TestEnd - s.TrainEnd).ToArray();
                ys[k] = _task switch
                {
                    "narma10" => PredictionMetrics.Nrmse(pred, truth),
                    "santafe" => PredictionMetrics.Nmse(pred, truth),
                    _ => Accuracy(pred, truth),
                };
                ctx.Metric($"{metric}/snr{_snrDb[k].ToString(CultureInfo.InvariantCulture)}db-r{r}", ys[k]);
                rows.Add([_snrDb[k].ToString("G4", CultureInfo.InvariantCulture), r.ToString(CultureInfo.InvariantCulture), ys[k].ToString("G4", CultureInfo.InvariantCulture)]);
                ctx.Log($"noise study: SNR {_snrDb[k]} dB, redundancy {r}: {metric} {ys[k]:G4}");
            }
            series.Add(new Series($"R = {r}", _snrDb, ys, Markers: true));
        }
        ctx.Figures.Add(new LineFigure
        {
            Name = "noise-study", Title = $"{metric} vs node signal-to-noise ratio", XLabel = "SNR of each virtual-node read (dB)", YLabel = metric,
            Series = [.. series], LogY = metric != "test_accuracy",
            Caption = "Gaussian read-out noise of standard deviation sd(x)·10^(−SNR/20) on every state (training and test); R redundant reads are averaged.",
        });
        ctx.Tables.Add(new ReportTable("Noise study", ["SNR (dB)", "redundancy R", metric], [.. rows]));
    }

    private void RunMackeyGlass(RunContext ctx)
    {
        double dtSample = _lyapunovTime / _pointsPerLyapunov;
        int nTrain = (int)Math.Round(_trainLyapunov * _pointsPerLyapunov), nTest = (int)Math.Round(_testLyapunov * _pointsPerLyapunov);
        int offsetStep = (int)Math.Round(_pointsPerLyapunov);
        int total = nTrain + nTest + 1 + offsetStep * (_series - 1);
        var p = MackeyGlassParameters.Chaotic17 with { InitialValue = _constantPast, Step = dtSample / 20 };
        var mg = MackeyGlass.GenerateSingle(total, dtSample, 0, p);
        ctx.Log($"Mackey-Glass τ = 17: Δt = {dtSample:G5} ({_pointsPerLyapunov} points per Lyapunov time {_lyapunovTime}), {nTrain} training and {nTest} autoregressive test points, {_series} series offset by one Lyapunov time");
        var smapes = new double[_series]; var nrmses = new double[_series];
        float[]? firstPred = null, firstTruth = null; float[]? firstStates = null; int firstN = 0;
        var testCounters = new OpCounters();
        IReservoir? res0 = null;
        for (int k = 0; k < _series; k++)
        {
            int o = k * offsetStep;
            var u = mg.AsSpan(o, nTrain).ToArray();
            var y = mg.AsSpan(o + 1, nTrain).ToArray();
            var res = _reservoir.Build(1, ctx.Seed);
            res0 ??= res;
            int n = res.StateSize;
            var states = new float[(long)nTrain * n];
            res.Run(u, nTrain, states);
            var feats = new ReservoirFeatures(_readout.Features, n, 1);
            var w = FitAutoregressive(ctx, feats, states, u, y, nTrain, o, mg, k == 0);
            var pred = FreeRun(res, feats, w.W, w.Scaler, states.AsSpan((nTrain - 1) * n, n).ToArray(), u[nTrain - 1], nTest, k == 0 ? testCounters : null);
            var truth = mg.AsSpan(o + nTrain, nTest).ToArray();
            smapes[k] = PredictionMetrics.Smape(pred, truth);
            nrmses[k] = PredictionMetrics.Nrmse(pred, truth);
            ctx.Log($"series {k}: sMAPE {smapes[k]:F2}, NRMSE {nrmses[k]:F4}");
            if (k == 0) { firstPred = pred; firstTruth = truth; firstStates = states; firstN = n; testCounters.Add(Op.Mac, (long)feats.Count * nTest); }
            ctx.Progress("series", k + 1, _series);
        }
        double smape = smapes.Average();
        ctx.Metric("smape", smape);
        ctx.Metric("smape_std", Math.Sqrt(smapes.Select(v => (v - smape) * (v - smape)).Sum() / Math.Max(1, _series - 1)));
        ctx.Metric("nrmse", nrmses.Average());
        ctx.Counters.Add(testCounters);
        ctx.Inferences = nTest;
        ctx.Summary.Add($"Mackey-Glass autoregressive prediction over {_testLyapunov} Lyapunov times: sMAPE {smape:F2} (mean of {_series} series; NeuroBench baselines: ESN 14.79, LSTM 13.37) — {res0!.Describe()}.");
        var xs = Enumerable.Range(0, nTest).Select(i => (double)i / _pointsPerLyapunov).ToArray();
        ctx.Figures.Add(new LineFigure
        {
            Name = "prediction", Title = "Autoregressive prediction vs truth (series 0)", XLabel = "Lyapunov times after training", YLabel = "x",
            Series = [new("truth", xs, firstTruth!.Select(v => (double)v).ToArray()), new("prediction", xs, firstPred!.Select(v => (double)v).ToArray())],
        });
        ctx.Figures.Add(new BarFigure
        {
            Name = "smape-per-series", Title = "sMAPE per series", XLabel = "series (start offset in Lyapunov times)", YLabel = "sMAPE",
            Categories = [.. Enumerable.Range(0, _series).Select(i => i.ToString(CultureInfo.InvariantCulture))], Values = [smapes],
        });
        AddStateFigure(ctx, firstStates!, firstN, Math.Min(_washout, nTrain - 3), _reservoir.Kind == "esn");
    }

    private sealed record ArFit(float[] W, Scaler Scaler);

    /// <summary>
    /// Ridge readout for closed-loop use: λ is chosen by running the loop — fit on the first
    /// (1 − validation fraction) of the training points, then predict the validation points
    /// autoregressively from a fresh reservoir driven teacher-forced up to them; the λ with the lowest
    /// free-run NRMSE (a diverging run counts as +∞) is refitted on all training points.
    /// </summary>
    private ArFit FitAutoregressive(RunContext ctx, ReservoirFeatures feats, float[] states, float[] u, float[] y, int nTrain, int offset, float[] series, bool log)
    {
        int f = feats.Count, n = feats.StateSize;
        int nVal = Math.Max(1, (int)(nTrain * _readout.ValidationFraction)), nFit = nTrain - nVal;
        if (nFit - _washout < 2) throw new InvalidOperationException($"task.washout = {_washout} leaves no training points before the validation part; lower it");
        var xFit = feats.Build(states, u, _washout, nFit - _washout);
        var scFit = new Scaler(xFit, nFit - _washout, f); scFit.Apply(xFit, nFit - _washout);
        var part = new RidgeRegression(f, 1);
        part.Accumulate(xFit, y.AsSpan(_washout, nFit - _washout), nFit - _washout);
        var truth = series.AsSpan(offset + nFit, nVal).ToArray();
        double bestErr = double.PositiveInfinity; int best = 0;
        for (int i = 0; i < _readout.Lambdas.Length; i++)
        {
            var wi = part.Fit(_readout.Lambdas[i]);
            var r = _reservoir.Build(1, ctx.Seed);
            var st = new float[(long)nFit * n];
            r.Run(u, nFit, st);
            var p = FreeRun(r, feats, wi, scFit, st.AsSpan((nFit - 1) * n, n).ToArray(), u[nFit - 1], nVal, null);
            double e = PredictionMetrics.Nrmse(p, truth);
            if (!double.IsFinite(e)) e = double.PositiveInfinity;
            if (log) ctx.Log($"  λ = {_readout.Lambdas[i]:G3}: free-run validation NRMSE {e:G4}");
            if (e < bestErr) { bestErr = e; best = i; }
        }
        int rows = nTrain - _washout;
        var x = feats.Build(states, u, _washout, rows);
        var sc = new Scaler(x, rows, f); sc.Apply(x, rows);
        var full = new RidgeRegression(f, 1);
        full.Accumulate(x, y.AsSpan(_washout, rows), rows);
        if (log) ctx.Metric("ridge_lambda", _readout.Lambdas[best]);
        return new ArFit(full.Fit(_readout.Lambdas[best]), sc);
    }

    /// <summary>Closed loop: the prediction from the current state becomes the next input.</summary>
    private static float[] FreeRun(IReservoir res, ReservoirFeatures feats, float[] w, Scaler scaler, float[] state, float lastInput, int steps, OpCounters? counters)
    {
        var row = new float[feats.Count];
        var pred = new float[steps];
        var inp = new float[1];
        float next = PredictOne(feats, scaler, w, state, lastInput, row);
        for (int t = 0; t < steps; t++)
        {
            if (!float.IsFinite(next)) { for (; t < steps; t++) pred[t] = float.NaN; break; }
            pred[t] = next;
            inp[0] = next;
            res.Run(inp, 1, state, counters);
            next = PredictOne(feats, scaler, w, state, next, row);
        }
        return pred;
    }

    private static float PredictOne(ReservoirFeatures feats, Scaler scaler, float[] w, ReadOnlySpan<float> state, float input, float[] row)
    {
        Span<float> u = [input];
        feats.Row(state, u, row);
        scaler.Apply(row, 1);
        Span<float> y = stackalloc float[1];
        RidgeRegression.Predict(w, row, y, 1, feats.Count, 1);
        return y[0];
    }
}

using Neuromorph.Figures;
using System.Globalization;
using Neuromorph.Data;
using Neuromorph.Devices;
using Neuromorph.Energy;
using Neuromorph.Experiments;
using Neuromorph.Learning.Deep;
using Neuromorph.Units;

using Neuromorph.Crossbar;

namespace Neuromorph.Experiments.Crossbar;

/// <summary>
/// <c>experiment: pcm-drift</c> — inference over time on PCM (Joshi et al. 2020, Nat. Commun.
/// 11:2473): an MLP is trained in float, hardware-aware (weight-noise injection and clipping)
/// and optionally plain; its weights are programmed onto PCM differential pairs (programming
/// noise), and test accuracy is measured at times after programming with drift and read noise,
/// through the analog periphery, with and without global drift compensation. Each time point
/// is averaged over several independent programmings.
/// </summary>
public sealed class PcmDrift : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("pcm-drift",
        "Hardware-aware trained MLP programmed on PCM pairs: accuracy vs time with drift, read noise and global drift compensation",
        section => new PcmDrift(section));

    private const double Year = 365.25 * 86400;
    private readonly AnalogSetup.DataSpec _data;
    private readonly int[] _hidden;
    private readonly ActivationKind _act;
    private readonly int _epochs, _batch, _repeats;
    private readonly double _lr, _momentum, _decay, _noise, _clip;
    private readonly bool _plain;
    private readonly double[] _times;
    private readonly PcmParams _pcm;
    private readonly int _devicesPerWeight;
    private readonly IoParams _io;
    private readonly AnalogEnergyModel _energy;

    private PcmDrift(ConfigSection root)
    {
        _data = new AnalogSetup.DataSpec(root.Section("data"));
        var net = root.Section("network");
        (_hidden, _act) = AnalogSetup.MlpShape(net);
        var tr = root.Section("training");
        _epochs = tr.GetInt("epochs", 10, 1, 1000);
        _batch = tr.GetInt("batch", 64, 1, 65536);
        _lr = tr.GetDouble("learning_rate", 0.05, 1e-6, 10);
        _momentum = tr.GetDouble("momentum", 0.9, 0, 0.999);
        _decay = tr.GetDouble("lr_decay", 0.7, 0.01, 1);
        _noise = tr.GetDouble("noise_injection", 0.1, 0, 1);
        _clip = tr.GetDouble("clip_sigma", 2.5, 0, 100);
        _plain = tr.GetBool("compare_plain", true);
        var pcm = root.Section("pcm");
        _pcm = PcmPresets.Joshi2020 with { GMax = pcm.GetQuantity("g_max", Dimension.Conductance, 25e-6, 0, 1, minExclusive: true) };
        _times = pcm.GetDoubleList("times", [1, 3600, 86400, Year / 12, Year], 1e-3, 1e10, Dimension.Time);
        if (_times.Length == 0) pcm.Error("times", "give at least one time after programming");
        _repeats = pcm.GetInt("repeats", 3, 1, 100);
        _devicesPerWeight = pcm.GetInt("devices_per_weight", 1, 1, 64);   // N differential pairs per weight (Boybat et al. 2018)
        _io = AnalogSetup.Io(root.Section("forward"), IoParams.Preset);
        _energy = AnalogEnergyModel.Bind(root.Section("energy_model"));
    }

    /// <summary>Short label of a time: 1s, 1h, 1d, 1month, 1y, else seconds.</summary>
    public static string Label(double t)
    {
        (double Unit, string Name)[] units = [(Year, "y"), (Year / 12, "month"), (86400, "d"), (3600, "h"), (60, "min"), (1, "s")];
        foreach (var (u, n) in units)
        {
            double k = t / u;
            if (k >= 1 && Math.Abs(k - Math.Round(k)) < 1e-6 * k) return $"{Math.Round(k).ToString(CultureInfo.InvariantCulture)}{n}";
        }
        return t.ToString("G3", CultureInfo.InvariantCulture) + "s";
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        var (train, test) = _data.Load(ctx.Seed);
        int d = train.FeatureCount, c = train.ClassCount;
        ctx.Log($"data: {_data.Dataset}, {train.Count} training / {test.Count} test samples");
        var series = new List<Series>();
        var rows = new List<string[]>();
        var variants = new List<(string Name, float Noise, float Clip)> { ("hwa", (float)_noise, (float)_clip) };
        if (_plain && (_noise > 0 || _clip > 0)) variants.Add(("plain", 0f, 0f));
        bool countedEnergy = false;
        foreach (var (variant, noise, clip) in variants)
        {
            var net = AnalogSetup.Mlp(d, _hidden, c, _act, (i, o, l) => new FloatWeights(i, o, noise, clip, ctx.Seed + (ulong)l * 101), ctx.Seed);
            var opt = new SgdMomentum((float)_lr, (float)_momentum);
            net.Bind(opt);
            for (int e = 0; e < _epochs; e++)
            {
                var r = net.TrainEpoch(train, _batch, ctx.Seed, e, (done, total) => ctx.Progress($"{variant} training epoch {e + 1}/{_epochs}", done, total), ctx.Cancellation);
                ctx.Log($"  {variant} epoch {e + 1}: loss {r.Loss:F4}, train {100 * r.Accuracy:F2} %");
                opt.LearningRate = (float)(opt.LearningRate * _decay);
            }
            double floatAcc = net.Evaluate(test).Accuracy;
            string prefix = variant == "hwa" ? "" : "plain-";
            ctx.Metric(variant == "hwa" ? "test_accuracy/float" : "test_accuracy/plain-float", floatAcc);
            ctx.Log($"{variant}: float test accuracy {100 * floatAcc:F2} %");

            var dense = net.Layers.OfType<Dense>().ToArray();
            var trained = dense.Select(l => { var w = new float[l.InputSize * l.OutputSize]; l.Weights.ReadWeights(w); return w; }).ToArray();
            // The inference network: same biases, ideal weights behind the analog periphery, rewritten per time point.
            var cfg = new AnalogConfig { Device = null, Forward = _io, Backward = _io };
            var inf = AnalogSetup.Mlp(d, _hidden, c, _act, (i, o, l) => new AnalogMatrix(i, o, cfg, ctx.Seed + 17, (uint)l), ctx.Seed);
            var infDense = inf.Layers.OfType<Dense>().ToArray();
            for (int l = 0; l < dense.Length; l++) dense[l].Bias.CopyTo(infDense[l].Bias);

            var acc = new double[_times.Length]; var accComp = new double[_times.Length];
            for (int rep = 0; rep < _repeats; rep++)
            {
                var programmed = dense.Select((l, k) => new PcmProgrammedMatrix(trained[k], l.InputSize, l.OutputSize, _pcm, ctx.Seed * 7919 + (ulong)(rep * 16 + k), _devicesPerWeight)).ToArray();
                var refs = new double[programmed.Length];
                var buf = trained.Select(w => new float[w.Length]).ToArray();
                for (int k = 0; k < programmed.Length; k++)
                {
                    programmed[k].WeightsAt(_pcm.DriftT0, buf[k], 0);
                    refs[k] = DriftCompensation.Readout(buf[k], programmed[k].Inputs, programmed[k].Outputs);
                }
                for (int ti = 0; ti < _times.Length; ti++)
                {
                    ctx.Cancellation.ThrowIfCancellationRequested();
                    for (int comp = 0; comp < 2; comp++)
                    {
                        for (int k = 0; k < programmed.Length; k++)
                        {
                            programmed[k].WeightsAt(_times[ti], buf[k], (uint)(1 + ti));
                            if (comp == 1)
                            {
                                float a = DriftCompensation.Factor(refs[k], buf[k], programmed[k].Inputs, programmed[k].Outputs);
                                System.Numerics.Tensors.TensorPrimitives.Multiply(buf[k], a, buf[k]);
                            }
                            infDense[k].Weights.WriteWeights(buf[k]);
                        }
                        var counts = !countedEnergy && comp == 1 && ti == 0 ? new OpCounters() : null;
                        AnalogSetup.Count(inf, counts);
                        double a2 = inf.Evaluate(test).Accuracy;
                        AnalogSetup.Count(inf, null);
                        if (counts != null) { ctx.Counters.Add(counts); ctx.Inferences = test.Count; countedEnergy = true; AddEnergy(ctx, counts, test.Count); }
                        if (comp == 0) acc[ti] += a2 / _repeats; else accComp[ti] += a2 / _repeats;
                    }
                    ctx.Progress($"{variant} inference over time", rep * _times.Length + ti + 1, _repeats * _times.Length);
                }
            }
            for (int ti = 0; ti < _times.Length; ti++)
            {
                string lab = Label(_times[ti]);
                ctx.Metric($"test_accuracy/{prefix}{lab}", acc[ti]);
                ctx.Metric($"test_accuracy/{prefix}{lab}-compensated", accComp[ti]);
                rows.Add([variant, lab, $"{100 * acc[ti]:F2} %", $"{100 * accComp[ti]:F2} %", $"{100 * floatAcc:F2} %"]);
                ctx.Log($"  {variant} t = {lab}: {100 * acc[ti]:F2} % uncompensated, {100 * accComp[ti]:F2} % with global drift compensation");
            }
            series.Add(new Series($"{variant}, no compensation", _times, acc, Markers: true));
            series.Add(new Series($"{variant}, global drift compensation", _times, accComp, Markers: true));
            series.Add(new Series($"{variant}, float", [_times[0], _times[^1]], [floatAcc, floatAcc], LineVisible: true));
            ctx.Summary.Add($"{variant} training: float {100 * floatAcc:F2} %; on PCM after {Label(_times[^1])}: {100 * acc[^1]:F2} % uncompensated, {100 * accComp[^1]:F2} % with global drift compensation (mean of {_repeats} programmings).");
        }
        ctx.Figures.Add(new LineFigure
        {
            Name = "accuracy-vs-time", Title = "Test accuracy after programming on PCM", XLabel = "time since programming (s)", YLabel = "test accuracy",
            LogX = true, Series = [.. series],
            Caption = "Drift G(t) = G(t_c)(t/t_c)^(−ν) with state-dependent ν and 1/f read noise (Joshi 2020 / aihwkit PCMLikeNoiseModel), analog periphery in the forward pass.",
        });
        ctx.Tables.Add(new ReportTable("Accuracy over time", ["training", "time", "no compensation", "global drift compensation", "float"], [.. rows]));
    }

    private void AddEnergy(RunContext ctx, OpCounters counts, int inferences)
    {
        var parts = _energy.Breakdown(counts, _io.OutputBits, 512);
        double analog = parts.Sum(p => p.Joules) / inferences;
        double digital = counts[Op.Mac] / (double)inferences * 4.6e-12;
        ctx.Metric("energy_analog_joules_per_inference", analog);
        ctx.Metric("energy_cmos45_fp32_joules_per_inference", digital);
        ctx.Figures.Add(new BarFigure
        {
            Name = "energy-breakdown", Title = "Energy per inference: PCM array and periphery vs 45 nm FP32 MACs", XLabel = "part", YLabel = "J per inference", LogY = true,
            Categories = [.. parts.Select(p => p.Part), "analog total", "cmos45 FP32 MACs"],
            Values = [[.. parts.Select(p => p.Joules / inferences), analog, digital]],
        });
    }
}

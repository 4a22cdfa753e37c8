using Neuromorph.Figures;
using System.Globalization;
using Neuromorph.Devices;
using Neuromorph.Energy;
using Neuromorph.Experiments;
using Neuromorph.Numerics;
using Neuromorph.Units;

using Neuromorph.Crossbar;

namespace Neuromorph.Experiments.Crossbar;

/// <summary>
/// <c>experiment: prezioso2015</c> — the first in-situ trained memristive crossbar classifier
/// (Prezioso, Merrikh-Bayat, Hoskins, Adam, Likharev &amp; Strukov 2015, "Training and operation
/// of an integrated neuromorphic network based on metal-oxide memristors", Nature 521:61): a
/// single-layer perceptron with 9 pixel inputs plus a bias input and 3 outputs on a passive
/// (0T1R) crossbar, each weight a pair of memristors, W = G⁺ − G⁻. Inputs are read voltages
/// ±V_read for the 3×3 binary images of the letters z, v and n and their one-pixel-flipped
/// versions (30 patterns). Column currents come from the nodal solve of the passive array with
/// the nonlinear cell law and wire resistance; outputs f_j = tanh(β·I_j). Training is the batch
/// Manhattan rule of the paper: after each epoch every weight with a nonzero summed gradient
/// Σ_n δ_j x_i (δ = (t − f)(1 − f²)) gets one fixed-amplitude pulse pair — G⁺ up and G⁻ down, or
/// the reverse — through the device model (its nonlinear, noisy, bounded steps).
/// </summary>
public sealed class Prezioso2015 : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("prezioso2015",
        "Single-layer perceptron trained in situ on a passive memristor crossbar with the Manhattan rule (Prezioso et al. 2015)",
        section => new Prezioso2015(section));

    // Stylised 3×3 letters (1 = dark pixel), our renderings of the paper's z, v, n.
    private static readonly int[][] Letters =
    [
        [1, 1, 1, 0, 1, 0, 1, 1, 1],   // z
        [1, 0, 1, 1, 0, 1, 0, 1, 0],   // v
        [1, 1, 1, 1, 0, 1, 1, 0, 1],   // n
    ];
    private static readonly string[] Names = ["z", "v", "n"];

    private readonly int _epochs;
    private readonly double _vRead, _gMin, _gMax, _beta, _rWire, _v0;
    private readonly PulsedDeviceParams _device;

    private Prezioso2015(ConfigSection root)
    {
        var tr = root.Section("training");
        _epochs = tr.GetInt("epochs", 50, 1, 10_000);
        var cb = root.Section("crossbar");
        _vRead = cb.GetQuantity("read_voltage", Dimension.Voltage, 0.1, 0, 5, minExclusive: true);
        _gMin = cb.GetQuantity("g_min", Dimension.Conductance, 10e-6, 0, 1);
        _gMax = cb.GetQuantity("g_max", Dimension.Conductance, 100e-6, 0, 1, minExclusive: true);
        if (_gMin >= _gMax) cb.Error("g_min", "must be below g_max");
        _rWire = cb.GetQuantity("segment_resistance", Dimension.Resistance, 1, 0, 1e6);
        _v0 = cb.GetQuantity("cell_nonlinear_voltage", Dimension.Voltage, 0.3, 0, 100);
        _beta = cb.GetDouble("output_gain", 1.0 / 20e-6, 1, 1e12);
        var dev = root.Section("device");
        _device = new PulsedDeviceParams
        {
            Model = PulsedModel.SoftBounds,
            DwMin = (float)dev.GetDouble("step", 0.01, 1e-6, 1),
            DwMinDtod = (float)dev.GetDouble("step_dtod", 0.3, 0, 5),
            DwMinStd = (float)dev.GetDouble("step_c2c", 0.3, 0, 5),
            UpDownDtod = (float)dev.GetDouble("asymmetry_dtod", 0.1, 0, 1),
            WMin = -0.001f, WMax = 1f, WMinDtod = 0, WMaxDtod = (float)dev.GetDouble("bound_dtod", 0.1, 0, 1),
        };
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        // 30 patterns: each letter and its nine one-pixel-flipped versions; inputs ±V_read, bias input +V_read.
        const int nin = 10, nout = 3;
        int n = 30;
        var x = new double[n * nin]; var label = new int[n];
        for (int l = 0; l < 3; l++)
            for (int f = -1; f < 9; f++)
            {
                int s = l * 10 + f + 1;
                for (int i = 0; i < 9; i++)
                {
                    int px = Letters[l][i] ^ (i == f ? 1 : 0);
                    x[s * nin + i] = px == 1 ? _vRead : -_vRead;
                }
                x[s * nin + 9] = _vRead;
                label[s] = l;
            }
        var gp = new PulsedDeviceArray(nin * nout, _device, ctx.Seed);
        var gm = new PulsedDeviceArray(nin * nout, _device, ctx.Seed ^ 0xABCDEFul);
        // Random initial states around the middle of the range (the paper starts from a random-ish forming state).
        var rng = new RandomStream(ctx.Seed, "prezioso-init");
        for (int k = 0; k < nin * nout; k++) { gp.Program(k, (float)rng.Uniform(0.3, 0.5)); gm.Program(k, (float)rng.Uniform(0.3, 0.5)); }

        var solver = new NodalSolver(nin, nout);
        var law = new CellLaw(_v0);
        var g = new double[nin * nout];
        var ip = new double[nout]; var im = new double[nout];
        var counts = new OpCounters();
        var errors = new List<double>(); var accs = new List<double>();
        int converged = -1;
        var outs = new double[n * nout];
        double Classify()
        {
            int correct = 0;
            for (int s = 0; s < n; s++)
            {
                var v = x.AsSpan(s * nin, nin);
                for (int k = 0; k < g.Length; k++) g[k] = _gMin + (_gMax - _gMin) * gp.State[k];
                solver.Solve(g, v, _rWire, _rWire, ip, law, tolerance: 1e-12);
                for (int k = 0; k < g.Length; k++) g[k] = _gMin + (_gMax - _gMin) * gm.State[k];
                solver.Solve(g, v, _rWire, _rWire, im, law, tolerance: 1e-12);
                counts.Add(Op.Mac, 2 * nin * nout); counts.Add(Op.AdcConversion, 2 * nout); counts.Add(Op.DacConversion, nin);
                int arg = 0;
                for (int j = 0; j < nout; j++)
                {
                    outs[s * nout + j] = Math.Tanh(_beta * (ip[j] - im[j]));
                    if (outs[s * nout + j] > outs[s * nout + arg]) arg = j;
                }
                if (arg == label[s]) correct++;
            }
            return (double)correct / n;
        }
        var dir = new sbyte[nin * nout];
        for (int e = 0; e < _epochs; e++)
        {
            double acc = Classify();
            double err = 0;
            var grad = new double[nin * nout];
            for (int s = 0; s < n; s++)
                for (int j = 0; j < nout; j++)
                {
                    double t = j == label[s] ? 1 : -1, y = outs[s * nout + j];
                    double delta = (t - y) * (1 - y * y);
                    err += (t - y) * (t - y);
                    for (int i = 0; i < nin; i++) grad[i * nout + j] += delta * Math.Sign(x[s * nin + i]);
                }
            errors.Add(err / (n * nout)); accs.Add(acc);
            if (acc == 1 && converged < 0) converged = e;
            ctx.Log($"  epoch {e}: accuracy {100 * acc:F1} %, mean squared error {err / (n * nout):F4}");
            // Batch Manhattan rule: one pulse pair per weight with a nonzero summed gradient.
            for (int k = 0; k < dir.Length; k++) dir[k] = (sbyte)Math.Sign(grad[k]);
            gp.ApplyPulses(dir);
            for (int k = 0; k < dir.Length; k++) dir[k] = (sbyte)-dir[k];
            gm.ApplyPulses(dir);
            long pulses = 0; foreach (var d in dir) if (d != 0) pulses += 2;
            counts.Add(Op.ProgrammingPulse, pulses);
        }
        double final = Classify();
        ctx.Metric("test_accuracy", final);
        ctx.Metric("epochs_to_100_percent", converged < 0 ? double.NaN : converged);
        ctx.Counters.Add(counts);
        ctx.Inferences = n * (_epochs + 1);
        ctx.Summary.Add($"Final classification of the 30 letter patterns: {100 * final:F1} %; " +
            (converged < 0 ? $"not all patterns classified within {_epochs} epochs." : $"all patterns classified after {converged} epochs of the Manhattan rule (the paper: 23)."));
        var ep = Enumerable.Range(0, errors.Count).Select(i => (double)i).ToArray();
        ctx.Figures.Add(new LineFigure
        {
            Name = "training", Title = "In-situ Manhattan training on the passive crossbar", XLabel = "epoch", YLabel = "value",
            Series = [new Series("fraction classified", ep, [.. accs], Markers: true), new Series("mean squared error", ep, [.. errors])],
        });
        var wImg = new double[3 * 9];
        for (int j = 0; j < 3; j++) for (int i = 0; i < 9; i++) wImg[j * 9 + i] = gp.State[i * nout + j] - gm.State[i * nout + j];
        ctx.Figures.Add(new ImageGridFigure
        {
            Name = "weights", Title = "Trained weights G⁺ − G⁻ per output (3×3 pixels)", ImageWidth = 3, ImageHeight = 3, Count = 3, Columns = 3,
            Pixels = wImg, Labels = Names,
        });
        ctx.Figures.Add(new ImageGridFigure
        {
            Name = "letters", Title = "The three letters", ImageWidth = 3, ImageHeight = 3, Count = 3, Columns = 3,
            Pixels = [.. Letters.SelectMany(r => r.Select(v => (double)v))], Labels = Names,
        });
        ctx.Tables.Add(new ReportTable("Setup", ["quantity", "value"],
        [
            ["array", $"{nin} rows (9 pixels + bias) × {2 * nout} columns (pairs)"],
            ["read voltage", Quantity.Format(_vRead, "V")],
            ["conductance range", $"{Quantity.Format(_gMin, "S")} – {Quantity.Format(_gMax, "S")}"],
            ["wire resistance per segment", Quantity.Format(_rWire, "Ω")],
            ["cell I–V", _v0 > 0 ? $"I = G·V₀·sinh(V/V₀), V₀ = {Quantity.Format(_v0, "V")}" : "linear"],
            ["epochs", _epochs.ToString(CultureInfo.InvariantCulture)],
        ]));
    }
}

using Neuromorph.Figures;
using System.Globalization;
using Neuromorph.Experiments;
using Neuromorph.Learning.Deep;
using Neuromorph.Units;

using Neuromorph.Crossbar;

namespace Neuromorph.Experiments.Crossbar;

/// <summary>
/// <c>experiment: crossbar-ir-drop</c> — how wire resistance limits array size. A float-trained
/// MLP is mapped onto conductance pairs (G = G_min + (G_max − G_min)|w|/max|W| on one device of
/// each pair, G_min on the other), split into square tiles of each size, inputs applied as read
/// voltages. Accuracy on the test set is measured for every (tile size, segment resistance) with
/// the fast line-current approximation (falling back to the full nodal solve per tile and sample where it does not converge) of <see cref="NodalSolver.ApproximateCurrents"/>; on a few
/// samples the full nodal solve of every tile measures the true IR-drop error and how far the
/// approximation is from it.
/// </summary>
public sealed class IrDrop : IExperiment
{
    /// <summary>The registered kind.</summary>
    public static readonly ExperimentKind Kind = new("crossbar-ir-drop",
        "Accuracy of a crossbar-mapped MLP vs tile size and wire resistance (nodal solve and fast approximation)",
        section => new IrDrop(section));

    private readonly AnalogSetup.DataSpec _data;
    private readonly int[] _hidden;
    private readonly int _epochs;
    private readonly int[] _sizes;
    private readonly double[] _resistances;
    private readonly double _gMin, _gMax, _vRead;
    private readonly int _fullSamples, _iterations;

    private IrDrop(ConfigSection root)
    {
        _data = new AnalogSetup.DataSpec(root.Section("data"));
        var net = root.Section("network");
        _hidden = AnalogSetup.Hidden(net);
        _epochs = root.Section("training").GetInt("epochs", 3, 1, 1000);
        var cb = root.Section("crossbar");
        _sizes = cb.GetDoubleList("tile_sizes", [64, 128, 256, 512], 2, 4096).Select(v => (int)v).ToArray();
        _resistances = cb.GetDoubleList("segment_resistance", [0, 1, 2.5, 5, 10], 0, 1e6, Dimension.Resistance);
        _gMin = cb.GetQuantity("g_min", Dimension.Conductance, 0.5e-6, 0, 1);
        _gMax = cb.GetQuantity("g_max", Dimension.Conductance, 50e-6, 0, 1, minExclusive: true);
        if (_gMin >= _gMax) cb.Error("g_min", "must be below g_max");
        _vRead = cb.GetQuantity("read_voltage", Dimension.Voltage, 0.2, 0, 10, minExclusive: true);
        _fullSamples = cb.GetInt("full_solve_samples", 5, 0, 10_000);
        _iterations = cb.GetInt("approximation_rounds", 8, 1, 100);
    }

    /// <inheritdoc/>
    public void Run(RunContext ctx)
    {
        var (train, test) = _data.Load(ctx.Seed);
        int d = train.FeatureCount, c = train.ClassCount;
        var net = AnalogSetup.Mlp(d, _hidden, c, ActivationKind.Relu, (i, o, _) => new FloatWeights(i, o), ctx.Seed);
        var opt = new SgdMomentum(0.05f, 0.9f);
        net.Bind(opt);
        for (int e = 0; e < _epochs; e++) { net.TrainEpoch(train, 64, ctx.Seed, e, (a, b) => ctx.Progress($"training epoch {e + 1}", a, b), ctx.Cancellation); opt.LearningRate *= 0.7f; }
        double floatAcc = net.Evaluate(test).Accuracy;
        ctx.Metric("test_accuracy/float", floatAcc);
        ctx.Log($"float MLP: {100 * floatAcc:F2} % test accuracy");
        var dense = net.Layers.OfType<Dense>().ToArray();
        var weights = dense.Select(l => { var w = new float[l.InputSize * l.OutputSize]; l.Weights.ReadWeights(w); return w; }).ToArray();

        var biases = dense.Select(l => l.Bias.ToArray()).ToArray();

        var series = new List<Series>();
        var rows = new List<string[]>();
        foreach (int size in _sizes)
        {
            var acc = new double[_resistances.Length];
            for (int ri = 0; ri < _resistances.Length; ri++)
            {
                double r = _resistances[ri];
                var mapped = dense.Select((l, k) => new MappedLayer(weights[k], biases[k], l.InputSize, l.OutputSize, size, _gMin, _gMax)).ToArray();
                int correct = 0;
                for (int s = 0; s < test.Count; s++)
                {
                    ReadOnlySpan<double> x = test.Sample(s).ToArray().Select(v => (double)v).ToArray();
                    for (int k = 0; k < mapped.Length; k++) x = mapped[k].Forward(x, _vRead, r, _iterations, relu: k < mapped.Length - 1);
                    int arg = 0; for (int j = 1; j < x.Length; j++) if (x[j] > x[arg]) arg = j;
                    if (arg == test.Labels[s]) correct++;
                    if (s % 50 == 0) ctx.Progress($"{size}×{size} tiles, {Label(r)} Ω", s, test.Count);
                }
                acc[ri] = (double)correct / test.Count;
                double fullFraction = mapped.Sum(m => m.FullSolves) / (double)Math.Max(1, mapped.Sum(m => m.TileSolves));
                ctx.Metric($"full_solve_fraction/tile{size}/r{Label(r)}", fullFraction);
                ctx.Metric($"test_accuracy/tile{size}/r{Label(r)}", acc[ri]);
                rows.Add([size.ToString(CultureInfo.InvariantCulture), Label(r) + " Ω", $"{100 * acc[ri]:F2} %", $"{100 * fullFraction:F0} %"]);
                ctx.Log($"  tile {size}×{size}, {Label(r)} Ω per segment: {100 * acc[ri]:F2} %");
            }
            series.Add(new Series($"{size}×{size} tiles", _resistances, acc, Markers: true));
        }
        ctx.Figures.Add(new LineFigure
        {
            Name = "accuracy-vs-wire-resistance", Title = "Test accuracy vs wire resistance per tile size (line-current approximation)", XLabel = "segment resistance (Ω)", YLabel = "test accuracy",
            Series = [.. series], Caption = $"G ∈ [{_gMin:G3}, {_gMax:G3}] S per device, pairs per weight, read voltage {_vRead} V; float accuracy {100 * floatAcc:F2} %.",
        });
        ctx.Tables.Add(new ReportTable("Accuracy by tile size and wire resistance", ["tile size", "segment resistance", "test accuracy", "tiles needing the full solve"], [.. rows]));

        if (_fullSamples > 0) FullSolveCheck(ctx, test, weights[0], dense[0].InputSize, dense[0].OutputSize);
    }

    private static string Label(double r) => r.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>First layer, a few test samples: full nodal solve vs ideal vs the fast approximation, per tile size at the largest resistance.</summary>
    private void FullSolveCheck(RunContext ctx, Neuromorph.Data.LabeledSet test, float[] w, int nin, int nout)
    {
        double r = _resistances.Max();
        if (r == 0) return;
        float wmax = w.Max(v => MathF.Abs(v));
        double scale = (_gMax - _gMin) / wmax;
        var rows = new List<string[]>();
        foreach (int size in _sizes)
        {
            double errDrop = 0, errApprox = 0, norm = 0;
            int sweeps = 0;
            int samples = Math.Min(_fullSamples, test.Count);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            for (int s = 0; s < samples; s++)
            {
                var x = test.Sample(s);
                float xmax = 0; foreach (var v in x) xmax = MathF.Max(xmax, MathF.Abs(v));
                if (xmax == 0) continue;
                var yFull = new double[nout]; var yIdeal = new double[nout]; var yApprox = new double[nout];
                for (int r0 = 0; r0 < nin; r0 += size)
                    for (int c0 = 0; c0 < nout; c0 += size)
                    {
                        int tr = Math.Min(size, nin - r0), tc = Math.Min(size, nout - c0);
                        var (gp, gm) = CrossbarTiles.Differential(w, nout, r0, c0, tr, tc, _gMin, scale);
                        var volts = new double[tr];
                        for (int i = 0; i < tr; i++) volts[i] = _vRead * x[r0 + i] / xmax;
                        var ip = new double[tc]; var im = new double[tc];
                        var solver = new NodalSolver(tr, tc);
                        solver.Solve(gp, volts, r, r, ip, tolerance: 1e-12, maxIterations: 100_000); sweeps += solver.Iterations;
                        solver.Solve(gm, volts, r, r, im, tolerance: 1e-12, maxIterations: 100_000); sweeps += solver.Iterations;
                        var ap = new double[tc]; var am = new double[tc];
                        var scratch = new double[2 * tr * tc];
                        NodalSolver.ApproximateCurrents(tr, tc, gp, volts, r, r, ap, 1, scratch);
                        NodalSolver.ApproximateCurrents(tr, tc, gm, volts, r, r, am, 1, scratch);
                        for (int j = 0; j < tc; j++)
                        {
                            double ideal = 0;
                            for (int i = 0; i < tr; i++) ideal += (gp[i * tc + j] - gm[i * tc + j]) * volts[i];
                            yFull[c0 + j] += ip[j] - im[j]; yIdeal[c0 + j] += ideal; yApprox[c0 + j] += ap[j] - am[j];
                        }
                    }
                for (int j = 0; j < nout; j++)
                {
                    errDrop += Sq(yFull[j] - yIdeal[j]); errApprox += Sq(yApprox[j] - yFull[j]); norm += Sq(yIdeal[j]);
                }
                ctx.Progress($"full nodal solve, {size}×{size} tiles", s + 1, samples);
            }
            double drop = Math.Sqrt(errDrop / norm), approxErr = Math.Sqrt(errApprox / norm);
            ctx.Metric($"ir_drop_error/tile{size}", drop);
            ctx.Metric($"approximation_error/tile{size}", approxErr);
            rows.Add([size.ToString(CultureInfo.InvariantCulture), $"{100 * drop:F2} %", $"{100 * approxErr:F2} %", (sweeps / (2.0 * samples)).ToString("F0", CultureInfo.InvariantCulture), $"{sw.Elapsed.TotalSeconds:F1} s"]);
            ctx.Log($"  full solve {size}×{size}, {Label(r)} Ω: IR-drop error {100 * drop:F2} %, approximation error {100 * approxErr:F2} % of ‖y‖");
        }
        ctx.Tables.Add(new ReportTable($"First layer, full nodal solve at {Label(r)} Ω per segment ({_fullSamples} test samples)",
            ["tile size", "‖y_full − y_ideal‖/‖y_ideal‖", "‖y_approx − y_full‖/‖y_ideal‖", "sweeps per tile solve", "time"], [.. rows],
            "Line relaxation to 1e-12 V; the approximation column is the first-order line-current correction (one round), which the accuracy sweep replaces by the full solve wherever the fixed point does not settle."));
    }

    private static double Sq(double v) => v * v;

    /// <summary>One layer mapped onto conductance pairs on square tiles; forward by the line-current approximation per tile, partial sums added digitally.</summary>
    private sealed class MappedLayer
    {
        private readonly List<(int R0, int C0, int Rows, int Cols, double[] Gp, double[] Gm)> _tiles = [];
        private readonly float[] _bias;
        private readonly int _nin, _nout;
        private readonly double _scale;
        private readonly double[] _out, _scratch, _ip, _im, _volts;

        public MappedLayer(float[] w, float[] bias, int nin, int nout, int size, double gMin, double gMax)
        {
            _bias = bias; _nin = nin; _nout = nout;
            float wmax = w.Max(v => MathF.Abs(v));
            _scale = (gMax - gMin) / wmax;
            for (int r0 = 0; r0 < nin; r0 += size)
                for (int c0 = 0; c0 < nout; c0 += size)
                {
                    int tr = Math.Min(size, nin - r0), tc = Math.Min(size, nout - c0);
                    var (gp, gm) = CrossbarTiles.Differential(w, nout, r0, c0, tr, tc, gMin, _scale);
                    _tiles.Add((r0, c0, tr, tc, gp, gm));
                }
            _out = new double[nout];
            _scratch = new double[2 * size * size];
            _ip = new double[size]; _im = new double[size]; _volts = new double[size];
        }

        private readonly Dictionary<(int, int), NodalSolver> _solvers = [];
        private NodalSolver Full(int rows, int cols)
        {
            if (!_solvers.TryGetValue((rows, cols), out var s)) _solvers[(rows, cols)] = s = new NodalSolver(rows, cols);
            return s;
        }

        /// <summary>Tile solves that fell back to the full nodal solve.</summary>
        public long FullSolves { get; private set; }
        /// <summary>All tile solves.</summary>
        public long TileSolves { get; private set; }

        /// <summary>y = (I⁺ − I⁻)·max|x|/(V_read·s) + b, inputs applied as V = V_read·x/max|x| (x ≥ 0 after ReLU or pixels).</summary>
        public double[] Forward(ReadOnlySpan<double> x, double vRead, double r, int iterations, bool relu)
        {
            double xmax = 0; foreach (var v in x) xmax = Math.Max(xmax, Math.Abs(v));
            if (xmax == 0) xmax = 1;
            Array.Clear(_out);
            foreach (var (r0, c0, tr, tc, gp, gm) in _tiles)
            {
                for (int i = 0; i < tr; i++) _volts[i] = vRead * x[r0 + i] / xmax;
                // Line-current fixed point; where it has not settled (strong G·R coupling) the full nodal solve.
                if (NodalSolver.ApproximateCurrents(tr, tc, gp, _volts.AsSpan(0, tr), r, r, _ip.AsSpan(0, tc), iterations, _scratch) > 1e-4)
                { Full(tr, tc).Solve(gp, _volts.AsSpan(0, tr), r, r, _ip.AsSpan(0, tc), tolerance: 1e-9, maxIterations: 100_000); FullSolves++; }
                if (NodalSolver.ApproximateCurrents(tr, tc, gm, _volts.AsSpan(0, tr), r, r, _im.AsSpan(0, tc), iterations, _scratch) > 1e-4)
                { Full(tr, tc).Solve(gm, _volts.AsSpan(0, tr), r, r, _im.AsSpan(0, tc), tolerance: 1e-9, maxIterations: 100_000); FullSolves++; }
                TileSolves += 2;
                for (int j = 0; j < tc; j++) _out[c0 + j] += _ip[j] - _im[j];
            }
            var y = new double[_nout];
            double k = xmax / (vRead * _scale);
            for (int j = 0; j < _nout; j++)
            {
                double v = _out[j] * k + _bias[j];
                y[j] = relu ? Math.Max(v, 0) : v;
            }
            return y;
        }
    }
}

/// <summary>Weight-to-conductance mapping shared by the IR-drop experiment's solvers.</summary>
internal static class CrossbarTiles
{
    /// <summary>
    /// Differential pair of one tile: G⁺ = G_min + s·max(w, 0), G⁻ = G_min + s·max(−w, 0) for the
    /// (tr × tc) block of the row-major weight matrix w (nout columns) starting at (r0, c0).
    /// </summary>
    public static (double[] Plus, double[] Minus) Differential(float[] w, int nout, int r0, int c0, int tr, int tc, double gMin, double scale)
    {
        var gp = new double[tr * tc]; var gm = new double[tr * tc];
        for (int i = 0; i < tr; i++)
            for (int j = 0; j < tc; j++)
            {
                float v = w[(r0 + i) * nout + c0 + j];
                gp[i * tc + j] = gMin + scale * Math.Max(v, 0);
                gm[i * tc + j] = gMin + scale * Math.Max(-v, 0);
            }
        return (gp, gm);
    }
}

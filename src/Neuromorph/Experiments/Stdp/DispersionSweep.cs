using System.Globalization;
using Neuromorph.Figures;

namespace Neuromorph.Experiments.Stdp;

/// <summary>
/// The <c>sweep</c> section shared by the STDP experiments: the whole train–label–test pipeline is
/// repeated for every device-to-device dispersion in <c>d2d</c> (cycle-to-cycle noise from the
/// substrate) and every cycle-to-cycle noise in <c>c2c</c> (dispersion from the substrate) of the
/// Querlioz memristor. Finished points are checkpointed one by one, so <c>--resume</c> skips them.
/// Metrics <c>test_accuracy/dispersion-X</c> and <c>test_accuracy/c2c-X</c>; plots of accuracy
/// against each.
/// </summary>
public sealed class DispersionSweep
{
    private readonly double[] _d2d, _c2c;

    /// <summary>Reads the section; a non-empty sweep needs the <c>querlioz-memristor</c> substrate.</summary>
    public DispersionSweep(ConfigSection sweep, StdpSubstrate substrate)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(substrate);
        _d2d = sweep.GetDoubleList("d2d", [], 0, 10);
        _c2c = sweep.GetDoubleList("c2c", [], 0, 10);
        if (!IsEmpty && substrate.Kind != "querlioz-memristor")
            sweep.Error("d2d", "a variability sweep needs substrate.kind: querlioz-memristor");
    }

    /// <summary>True when there is nothing to sweep.</summary>
    public bool IsEmpty => _d2d.Length == 0 && _c2c.Length == 0;

    /// <summary>
    /// Runs every point with <paramref name="point"/>(d2d, c2c, key) → test accuracy, at the
    /// substrate's own <paramref name="d2d"/> / <paramref name="c2c"/> for the other axis, and
    /// reports metrics, figures and a table labelled <paramref name="series"/>.
    /// </summary>
    public void Run(RunContext ctx, double d2d, double c2c, string series, Func<double, double, string, double> point)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(point);
        if (IsEmpty) return;
        var done = new Dictionary<string, double>(StringComparer.Ordinal);
        if (ctx.Resuming && ctx.Checkpoints.TryLoad("sweep", out var cp))
        {
            var keys = cp.GetString("keys").Split('|', StringSplitOptions.RemoveEmptyEntries);
            var vals = cp.GetDoubles("values");
            for (int i = 0; i < keys.Length; i++) done[keys[i]] = vals[i];
        }
        double Point(string key, double x2d, double xc2c)
        {
            if (done.TryGetValue(key, out var a)) { ctx.Log($"  {key}: {100 * a:F2} % (from checkpoint)"); return a; }
            double acc = point(x2d, xc2c, key);
            done[key] = acc;
            var c = new Checkpoint();
            c.Set("keys", string.Join('|', done.Keys)); c.Set("values", done.Values.ToArray());
            ctx.Checkpoints.Save("sweep", c);
            return acc;
        }
        static string F(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);
        double[] Axis(double[] xs, string prefix, Func<double, (double D2d, double C2c)> at, string name, string title, string xLabel, string? caption)
        {
            var acc = xs.Select(x => { var (a, c) = at(x); return Point($"{prefix}-{F(x)}", a, c); }).ToArray();
            for (int i = 0; i < acc.Length; i++) ctx.Metric($"test_accuracy/{prefix}-{F(xs[i])}", acc[i]);
            ctx.Figures.Add(new LineFigure
            {
                Name = name, Title = title, XLabel = xLabel, YLabel = "test accuracy",
                Series = [new Series(series, [.. xs.Select(x => 100 * x)], acc, Markers: true)], Caption = caption,
            });
            return acc;
        }
        if (_d2d.Length > 0)
        {
            var acc = Axis(_d2d, "dispersion", x => (x, c2c), "accuracy-vs-dispersion", $"Test accuracy vs device-to-device dispersion (c2c {100 * c2c:F0} %)",
                "device-to-device dispersion σ/μ (%)", "Each point: the whole network trained, labelled and tested on devices whose α±, β±, G_min, G_max are drawn with this relative spread.");
            ctx.Tables.Add(new ReportTable("Accuracy vs dispersion", ["d2d", "c2c", "test accuracy"],
                [.. _d2d.Select((x, i) => new[] { $"{100 * x:F0} %", $"{100 * c2c:F0} %", $"{100 * acc[i]:F2} %" })]));
        }
        if (_c2c.Length > 0)
            Axis(_c2c, "c2c", x => (d2d, x), "accuracy-vs-c2c", $"Test accuracy vs cycle-to-cycle noise (d2d {100 * d2d:F0} %)", "cycle-to-cycle noise σ/μ (%)", null);
    }
}

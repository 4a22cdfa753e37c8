using Neuromorph.Figures;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Neuromorph.Experiments;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Neuromorph.Reports;

/// <summary>
/// Draws a <see cref="Figure"/> (plot described as data) as a PNG with ScottPlot 5. Each kind
/// gets a size that suits it: confusion matrices come out square with one labelled, annotated
/// cell per class pair; image grids come out at an integer number of screen pixels per image
/// pixel; rasters and histograms are wide. Text uses an embedded font, so the output is the
/// same on every machine and needs no system fonts.
/// </summary>
/// <remarks>
/// Figures are checked before drawing; a figure whose arrays do not fit together throws an
/// <see cref="ArgumentException"/> naming the figure and the field.
/// </remarks>
public static partial class FigureRenderer
{
    private const float TitleSize = 16, LabelSize = 14, TickSize = 12;
    private static readonly Color Ink = Color.FromHex("#222222");

    /// <summary>Renders <paramref name="figure"/> at its <see cref="DefaultSize"/>.</summary>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] RenderPng(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var (w, h) = DefaultSize(figure);
        return RenderPng(figure, w, h);
    }

    /// <summary>Renders <paramref name="figure"/> at <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] RenderPng(Figure figure, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(figure);
        if (width < 50 || height < 50 || width > 8000 || height > 8000)
            throw new ArgumentOutOfRangeException(nameof(width), $"figure '{figure.Name}': size {width}×{height} px is outside 50–8000 px");
        Validate(figure);
        EmbeddedFonts.EnsureRegistered();
        using var plot = new Plot();
        Style(plot, figure);
        switch (figure)
        {
            case LineFigure f: DrawLine(plot, f); break;
            case BarFigure f: DrawBars(plot, f, width); break;
            case HeatmapFigure f: DrawHeatmap(plot, f, width, height); break;
            case ImageGridFigure f: DrawImageGrid(plot, f, width, height); break;
            case RasterFigure f: DrawRaster(plot, f, height); break;
            case HistogramFigure f: DrawHistogram(plot, f); break;
            default: throw new ArgumentException($"figure '{figure.Name}': unsupported kind {figure.GetType().Name}", nameof(figure));
        }
        ApplyFont(plot);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>The pixel size a figure is drawn at unless the caller asks for another.</summary>
    /// <exception cref="ArgumentException">The figure's data do not fit together (see <see cref="Validate"/>).</exception>
    public static (int Width, int Height) DefaultSize(Figure figure)
    {
        Validate(figure);
        switch (figure)
        {
            case HeatmapFigure h:
                {
                    var (cw, ch) = HeatmapCell(h);
                    int left = h.RowLabels is { Length: > 0 } ? 40 + 8 * h.RowLabels.Max(l => l?.Length ?? 0) : 80;
                    return (Math.Clamp((int)Math.Round(h.Cols * cw) + left + 130, 360, 1400),
                            Math.Clamp((int)Math.Round(h.Rows * ch) + 150, 300, 1200));
                }
            case ImageGridFigure g:
                {
                    var layout = GridLayout.Of(g);
                    return (layout.PlotWidth, layout.PlotHeight);
                }
            case RasterFigure:
                return (1000, 500);
            case BarFigure b:
                return (Math.Clamp(180 + b.Categories.Length * Math.Max(b.Values.Length, 1) * 22, 700, 1400), 500);
            default:
                return (820, 500);
        }
    }

    /// <summary>True when <paramref name="name"/> is a valid figure name (letters, digits, '-', '_').</summary>
    public static bool IsValidName(string? name) => name is { Length: > 0 and <= 120 } && NamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex NamePattern();

    // ---------------------------------------------------------------- validation

    /// <summary>Checks that a figure's arrays fit together; throws <see cref="ArgumentException"/> naming the figure and field.</summary>
    public static void Validate(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        string n = figure.Name;
        if (!IsValidName(n))
            throw new ArgumentException($"figure name '{n}' is not a valid file stem: use letters, digits, '-' and '_' (at most 120)", nameof(figure));
        [DoesNotReturn] void Fail(string msg) => throw new ArgumentException($"figure '{n}' ({figure.GetType().Name}): {msg}", nameof(figure));
        switch (figure)
        {
            case LineFigure f:
                if (f.Series is null || f.Series.Length == 0) Fail("'series' is empty");
                for (int i = 0; i < f.Series!.Length; i++)
                {
                    var s = f.Series[i];
                    if (s is null || s.X is null || s.Y is null) { Fail($"series[{i}] needs 'x' and 'y'"); return; }
                    if (s.X.Length != s.Y.Length) Fail($"series[{i}] '{s.Label}': x has {s.X.Length} values but y has {s.Y.Length}");
                    if (s.YError is not null && s.YError.Length != s.Y.Length) Fail($"series[{i}] '{s.Label}': y_error has {s.YError.Length} values but y has {s.Y.Length}");
                }
                break;
            case BarFigure f:
                if (f.Categories is null || f.Categories.Length == 0) Fail("'categories' is empty");
                if (Array.IndexOf(f.Categories, null) is var nullCat and >= 0) Fail($"categories[{nullCat}] is null");
                if (f.Values is null || f.Values.Length == 0) Fail("'values' is empty");
                for (int g = 0; g < f.Values!.Length; g++)
                    if (f.Values[g] is null || f.Values[g].Length != f.Categories!.Length)
                        Fail($"values[{g}] has {f.Values[g]?.Length ?? 0} entries but there are {f.Categories!.Length} categories");
                if (f.GroupLabels is not null && f.GroupLabels.Length != f.Values.Length)
                    Fail($"'group_labels' has {f.GroupLabels.Length} entries but 'values' has {f.Values.Length} groups");
                break;
            case HeatmapFigure f:
                if (f.Rows <= 0 || f.Cols <= 0) Fail($"rows and cols must be positive, got {f.Rows}×{f.Cols}");
                if (f.Values is null || f.Values.Length != (long)f.Rows * f.Cols) Fail($"'values' has {f.Values?.Length ?? 0} entries, expected rows×cols = {(long)f.Rows * f.Cols}");
                if (f.RowLabels is not null && f.RowLabels.Length != f.Rows) Fail($"'row_labels' has {f.RowLabels.Length} entries, expected {f.Rows}");
                if (f.ColLabels is not null && f.ColLabels.Length != f.Cols) Fail($"'col_labels' has {f.ColLabels.Length} entries, expected {f.Cols}");
                break;
            case ImageGridFigure f:
                if (f.ImageWidth <= 0 || f.ImageHeight <= 0) Fail($"image_width and image_height must be positive, got {f.ImageWidth}×{f.ImageHeight}");
                if (f.Count <= 0) Fail($"'count' must be positive, got {f.Count}");
                if (f.Columns <= 0) Fail($"'columns' must be positive, got {f.Columns}");
                if (f.Pixels is null || f.Pixels.Length != (long)f.Count * f.ImageWidth * f.ImageHeight)
                    Fail($"'pixels' has {f.Pixels?.Length ?? 0} values, expected count×image_width×image_height = {(long)f.Count * f.ImageWidth * f.ImageHeight}");
                if (f.Labels is not null && f.Labels.Length != f.Count) Fail($"'labels' has {f.Labels.Length} entries, expected {f.Count}");
                break;
            case RasterFigure f:
                if (f.Times is null || f.Neurons is null) Fail("needs 'times' and 'neurons'");
                if (f.Times!.Length != f.Neurons!.Length) Fail($"'times' has {f.Times.Length} values but 'neurons' has {f.Neurons.Length}");
                break;
            case HistogramFigure f:
                if (f.Values is null || f.Values.Length == 0) Fail("'values' is empty");
                if (f.Values!.Any(v => v is null)) Fail("a set in 'values' is null");
                if (f.Labels is not null && f.Labels.Length != f.Values.Length) Fail($"'labels' has {f.Labels.Length} entries but 'values' has {f.Values.Length} sets");
                if (f.Bins < 1 || f.Bins > 10_000) Fail($"'bins' must be 1–10000, got {f.Bins}");
                break;
        }
    }

    // ---------------------------------------------------------------- common style

    private static void Style(Plot plot, Figure f)
    {
        plot.Title(f.Title, TitleSize);
        if (!string.IsNullOrWhiteSpace(f.XLabel)) plot.XLabel(f.XLabel, LabelSize);
        if (!string.IsNullOrWhiteSpace(f.YLabel)) plot.YLabel(f.YLabel, LabelSize);
        plot.Axes.Title.Label.ForeColor = Ink;
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.TickLabelStyle.FontSize = TickSize;
            axis.TickLabelStyle.ForeColor = Ink;
            axis.Label.ForeColor = Ink;
        }
        plot.Axes.Left.TickGenerator = new NumericAutomatic { TickDensity = 0.4 };
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { TickDensity = 0.7 };
        plot.Grid.MajorLineColor = Color.FromHex("#e6e6e6");
        plot.Grid.MinorLineColor = Color.FromHex("#f3f3f3");
    }

    private static void ApplyFont(Plot plot)
    {
        plot.Font.Set(EmbeddedFonts.Family);
        plot.Axes.Title.Label.Font = EmbeddedFonts.Bold;
        plot.Legend.FontName = EmbeddedFonts.Family;
        plot.Legend.FontSize = 12;
        plot.Legend.SetBestFontOnEachRender = false;
        foreach (var t in plot.GetPlottables<ScottPlot.Plottables.Text>()) t.LabelStyle.FontName = EmbeddedFonts.Family;
    }

    private static Color SeriesColor(int i) => Palette.Colors[i % Palette.Colors.Length];
    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    private static void LegendRight(Plot plot)
    {
        plot.ShowLegend(Edge.Right);
        plot.Legend.OutlineWidth = 0;
        plot.Legend.ShadowColor = Colors.Transparent;
        plot.Legend.BackgroundColor = Colors.Transparent;
    }

    // ---------------------------------------------------------------- log axes

    /// <summary>log10 of positive finite values; NaN for anything else (dropped later).</summary>
    private static double Log10OrNaN(double v) => v > 0 && double.IsFinite(v) ? Math.Log10(v) : double.NaN;

    /// <summary>Makes an axis that shows log10-transformed data with decade labels.</summary>
    /// <remarks>
    /// When the axis label ends in an SI unit in parentheses ("energy (J)"), ticks carry SI
    /// prefixes ("10 nJ"); otherwise powers of ten ("10⁻⁸").
    /// </remarks>
    private static void UseLogTicks(IAxis axis, string? label, double minLog, double maxLog)
    {
        bool decades = maxLog - minLog >= 1.0;
        var unit = label is null ? null : UnitInLabel().Match(label) is { Success: true } m ? m.Groups[1].Value : null;
        Func<double, string> format = unit is not null
            ? v => NumberFormat.Engineering(Math.Pow(10, v), unit, 2)
            : decades ? FormatDecade : v => NumberFormat.Significant(Math.Pow(10, v), 3);
        axis.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = decades,
            LabelFormatter = format,
            TickDensity = 0.8,
        };
    }

    [GeneratedRegex(@"\((J|s|W|Hz|V|A|S|F|Ω|B|m)\)\s*$")]
    private static partial Regex UnitInLabel();

    private static string FormatDecade(double log10)
    {
        int e = (int)Math.Round(log10);
        if (e >= -2 && e <= 3) return Math.Pow(10, e).ToString("0.###", CultureInfo.InvariantCulture);
        return "10" + Superscript(e);
    }

    private static string Superscript(int e)
    {
        const string digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        var s = e.ToString(CultureInfo.InvariantCulture);
        var chars = s.Select(c => c == '-' ? '⁻' : digits[c - '0']);
        return new string(chars.ToArray());
    }

    // ---------------------------------------------------------------- line / scatter

    private static void DrawLine(Plot plot, LineFigure f)
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        for (int si = 0; si < f.Series.Length; si++)
        {
            var s = f.Series[si];
            var color = SeriesColor(si);
            var xs = new List<double>(s.X.Length);
            var ys = new List<double>(s.Y.Length);
            var errUp = new List<double>();
            var errDown = new List<double>();
            for (int i = 0; i < s.X.Length; i++)
            {
                double x = f.LogX ? Log10OrNaN(s.X[i]) : s.X[i];
                double y = f.LogY ? Log10OrNaN(s.Y[i]) : s.Y[i];
                if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
                xs.Add(x); ys.Add(y);
                if (s.YError is not null)
                {
                    double e = Math.Abs(s.YError[i]);
                    if (!double.IsFinite(e)) e = 0;
                    if (f.LogY)
                    {
                        double lo = s.Y[i] - e;
                        errUp.Add(Math.Log10(s.Y[i] + e) - y);
                        errDown.Add(lo > 0 ? y - Math.Log10(lo) : 0);
                    }
                    else { errUp.Add(e); errDown.Add(e); }
                }
            }
            if (xs.Count == 0) continue;
            xMin = Math.Min(xMin, xs.Min()); xMax = Math.Max(xMax, xs.Max());
            yMin = Math.Min(yMin, ys.Min()); yMax = Math.Max(yMax, ys.Max());

            var sc = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
            bool markers = s.Markers || !s.LineVisible;
            sc.LineWidth = s.LineVisible ? 2 : 0;
            sc.MarkerSize = markers ? (xs.Count > 2000 ? 3 : xs.Count > 200 ? 4 : 6) : 0;
            sc.LegendText = s.Label;
            if (s.YError is not null)
            {
                var eb = plot.Add.ErrorBar(xs, ys, errUp);
                eb.YErrorPositive = errUp;
                eb.YErrorNegative = errDown;
                eb.Color = color;
                eb.LineWidth = 1.2f;
                eb.CapSize = 4;
            }
        }
        if (f.LogX && double.IsFinite(xMin)) UseLogTicks(plot.Axes.Bottom, f.XLabel, xMin, xMax);
        if (f.LogY && double.IsFinite(yMin)) UseLogTicks(plot.Axes.Left, f.YLabel, yMin, yMax);
        if (!double.IsFinite(xMin)) NoData(plot, "no finite data points");
        if (f.Series.Length > 1) LegendRight(plot);
        else plot.HideLegend();
    }

    private static void NoData(Plot plot, string message)
    {
        var t = plot.Add.Text(message, 0, 0);
        t.LabelStyle.FontSize = 14;
        t.LabelStyle.ForeColor = Colors.Gray;
        t.Alignment = Alignment.MiddleCenter;
        plot.Axes.SetLimits(-1, 1, -1, 1);
    }

    // ---------------------------------------------------------------- bars

    private static void DrawBars(Plot plot, BarFigure f, int plotWidth)
    {
        int groups = f.Values.Length, cats = f.Categories.Length;
        const double span = 0.8;
        double width = span / groups;
        double minLog = double.PositiveInfinity, maxLog = double.NegativeInfinity;
        if (f.LogY)
            foreach (var g in f.Values)
                foreach (var v in g)
                {
                    double l = Log10OrNaN(v);
                    if (double.IsFinite(l)) { minLog = Math.Min(minLog, l); maxLog = Math.Max(maxLog, l); }
                }
        bool anyLog = double.IsFinite(minLog);
        double logBase = anyLog ? Math.Floor(minLog - 0.3) : 0; // the smallest bar stays visible

        var bars = new List<Bar>();
        for (int g = 0; g < groups; g++)
            for (int c = 0; c < cats; c++)
            {
                double v = f.Values[g][c];
                double pos = c - span / 2 + width * (g + 0.5);
                double value;
                double valueBase = 0;
                if (f.LogY)
                {
                    value = Log10OrNaN(v);
                    valueBase = logBase;
                }
                else value = v;
                if (!double.IsFinite(value)) continue;
                bars.Add(new Bar
                {
                    Position = pos,
                    Value = value,
                    ValueBase = valueBase,
                    Size = width * 0.92,
                    FillColor = SeriesColor(g),
                    LineWidth = 0,
                });
            }
        if (bars.Count > 0) plot.Add.Bars(bars);

        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, cats).Select(i => (double)i).ToArray(), f.Categories);
        int longest = f.Categories.Max(c => c.Length);
        if (longest * cats > 90 || longest > 14)
        {
            // Slanted labels end under their bar; make room below and, for the first label, on the left.
            const double angle = 40 * Math.PI / 180, charPx = 7;
            plot.Axes.Bottom.TickLabelStyle.Rotation = -40;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = (float)Math.Min(260, 18 + charPx * longest * Math.Sin(angle));
            double categoryPx = (plotWidth - 220.0) / cats;
            double overhang = charPx * f.Categories[0].Length * Math.Cos(angle) - categoryPx / 2 + 12;
            plot.Axes.Left.MinimumSize = (float)Math.Clamp(overhang, 0, 400);
        }
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        plot.Axes.Bottom.Min = -0.6;

        if (f.LogY)
        {
            if (anyLog)
            {
                UseLogTicks(plot.Axes.Left, f.YLabel, logBase, maxLog);
                plot.Axes.SetLimits(-0.6, cats - 0.4, logBase, Math.Max(maxLog, logBase + 1) + 0.25);
            }
        }
        else
        {
            double lo = Math.Min(0, bars.Count > 0 ? bars.Min(b => b.Value) : 0);
            double hi = Math.Max(0, bars.Count > 0 ? bars.Max(b => b.Value) : 1);
            if (hi == lo) hi = lo + 1;
            double pad = (hi - lo) * 0.06;
            plot.Axes.SetLimits(-0.6, cats - 0.4, lo < 0 ? lo - pad : 0, hi > 0 ? hi + pad : 0);
        }

        if (groups > 1)
        {
            for (int g = 0; g < groups; g++)
                plot.Legend.ManualItems.Add(new LegendItem
                {
                    LabelText = f.GroupLabels?[g] ?? $"group {g + 1}",
                    FillColor = SeriesColor(g),
                });
            LegendRight(plot);
        }
    }

    // ---------------------------------------------------------------- heatmap

    /// <summary>Pixel size of one heatmap cell (width, height).</summary>
    private static (double W, double H) HeatmapCell(HeatmapFigure h)
    {
        double cw = Math.Clamp(620.0 / h.Cols, 0.4, 56);
        double ch = Math.Clamp(560.0 / h.Rows, 0.4, 56);
        if (h.Rows <= 60 && h.Cols <= 60) cw = ch = Math.Min(cw, ch);
        return (cw, ch);
    }

    private static void DrawHeatmap(Plot plot, HeatmapFigure f, int width, int height)
    {
        var data = new double[f.Rows, f.Cols];
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int r = 0; r < f.Rows; r++)
            for (int c = 0; c < f.Cols; c++)
            {
                double v = f.Values[r * f.Cols + c];
                data[r, c] = v;
                if (double.IsFinite(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
            }
        var colormap = new ScottPlot.Colormaps.Viridis();
        var hm = plot.Add.Heatmap(data);
        hm.Colormap = colormap;
        hm.Rectangle = new CoordinateRect(0, f.Cols, 0, f.Rows);
        hm.NaNCellColor = Color.FromHex("#dddddd");
        if (!double.IsFinite(min)) { min = 0; max = 1; }
        if (max == min) max = min + 1;
        hm.ManualRange = new ScottPlot.Range(min, max);
        SetColorBarTicks(plot.Add.ColorBar(hm), min, max);

        plot.HideGrid();
        plot.Axes.SetLimits(0, f.Cols, 0, f.Rows);
        plot.Axes.Margins(0, 0);

        // Row 0 is drawn at the top (matrix convention): row r's centre is at y = Rows - r - 0.5.
        plot.Axes.Bottom.SetTicks(IndexTicks(f.Cols, out var colIdx).Select(i => i + 0.5).ToArray(),
            colIdx.Select(i => f.ColLabels?[i] ?? i.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.SetTicks(IndexTicks(f.Rows, out var rowIdx).Select(i => f.Rows - i - 0.5).ToArray(),
            rowIdx.Select(i => f.RowLabels?[i] ?? i.ToString(CultureInfo.InvariantCulture)).ToArray());
        if (f.ColLabels is not null && f.Cols <= 40 && f.ColLabels.Max(l => l?.Length ?? 0) * f.Cols > 70)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = Math.Min(200, 20 + 6.5f * f.ColLabels.Max(l => l?.Length ?? 0));
        }

        var (cw, ch) = HeatmapCell(f);
        double scale = Math.Min((double)width / DefaultSize(f).Width, (double)height / DefaultSize(f).Height);
        double cellPx = Math.Min(cw, ch) * scale;
        if (f.Annotate && cellPx >= 18)
        {
            bool integers = f.Values.All(v => !double.IsFinite(v) || (Math.Abs(v) < 1e9 && v == Math.Round(v)));
            float fontSize = (float)Math.Clamp(cellPx * 0.3, 8, 14);
            for (int r = 0; r < f.Rows; r++)
                for (int c = 0; c < f.Cols; c++)
                {
                    double v = data[r, c];
                    string text = !double.IsFinite(v) ? "" : integers ? ((long)v).ToString(CultureInfo.InvariantCulture) : NumberFormat.Significant(v, 2);
                    if (text.Length == 0) continue;
                    double t = (v - min) / (max - min);
                    var label = plot.Add.Text(text, c + 0.5, f.Rows - r - 0.5);
                    label.Alignment = Alignment.MiddleCenter;
                    label.LabelStyle.FontSize = fontSize;
                    label.LabelStyle.ForeColor = t > 0.55 ? Colors.Black : Colors.White;
                }
        }
    }

    /// <summary>About six round-numbered ticks on a colour bar (ScottPlot's automatic ones come every few pixels).</summary>
    private static void SetColorBarTicks(ScottPlot.Panels.ColorBar bar, double min, double max)
    {
        double step = NiceStep((max - min) / 6);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(min / step) * step; t <= max + step * 1e-9; t += step)
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        bar.Axis.TickGenerator = new NumericManual(ticks.ToArray(), ticks.Select(t => NumberFormat.Significant(t, 4)).ToArray());
        bar.Axis.TickLabelStyle.FontSize = TickSize;
    }

    /// <summary>Indices to label on an axis of <paramref name="n"/> cells: all when few, else a round step.</summary>
    private static IEnumerable<int> IndexTicks(int n, out int[] indices)
    {
        int step = n <= 30 ? 1 : Math.Max(1, (int)Math.Round(NiceStep(n / 8.0)));
        indices = Enumerable.Range(0, (n - 1) / step + 1).Select(i => i * step).ToArray();
        return indices;
    }

    /// <summary>The smallest of 1, 2, 5 × 10ⁿ that is at least <paramref name="raw"/>.</summary>
    private static double NiceStep(double raw)
    {
        if (!(raw > 0) || !double.IsFinite(raw)) return 1;
        double p = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (var m in new[] { 1.0, 2.0, 5.0 })
            if (m * p >= raw * (1 - 1e-12)) return m * p;
        return 10 * p;
    }

    // ---------------------------------------------------------------- image grid

    /// <summary>Where the tiles of an image grid go, in image-pixel units, and the plot size.</summary>
    private sealed record GridLayout(int Columns, int Rows, int Gap, double LabelSpace, double UnitPx, int PlotWidth, int PlotHeight)
    {
        public const int Left = 16, Right = 110, Top = 62, Bottom = 16;

        public static GridLayout Of(ImageGridFigure g)
        {
            int cols = Math.Min(g.Columns, g.Count);
            int rows = (g.Count + cols - 1) / cols;
            int gap = Math.Max(1, (int)Math.Round(Math.Max(g.ImageWidth, g.ImageHeight) / 14.0));
            double gridW = cols * (g.ImageWidth + gap) - gap;
            // Whole screen pixels per image pixel where possible (crisp), the grid about 900 px
            // wide, one tile at most 160 px; very large grids shrink to fit 1300×1400 px.
            double unit = Math.Max(1, Math.Min(Math.Floor(900 / gridW), Math.Floor(160.0 / Math.Max(g.ImageWidth, g.ImageHeight))));
            if (gridW * unit > 1300) unit = 1300 / gridW;
            double labelSpace = 0, gridH = 0;
            for (int pass = 0; pass < 2; pass++)
            {
                labelSpace = g.Labels is null ? 0 : 16 / unit;
                gridH = rows * (g.ImageHeight + gap + labelSpace) - gap;
                if (gridH * unit > 1400) unit = 1400 / gridH;
            }
            int w = (int)Math.Ceiling(gridW * unit) + Left + Right;
            int h = (int)Math.Ceiling(gridH * unit) + Top + Bottom;
            return new GridLayout(cols, rows, gap, labelSpace, unit, Math.Max(w, 360), Math.Max(h, 200));
        }
    }

    private static void DrawImageGrid(Plot plot, ImageGridFigure f, int width, int height)
    {
        var layout = GridLayout.Of(f);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in f.Pixels)
            if (double.IsFinite(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
        if (!double.IsFinite(min)) { min = 0; max = 1; }
        if (max == min) max = min + 1;
        var range = new ScottPlot.Range(min, max);
        var gray = new ScottPlot.Colormaps.Grayscale();
        int w = f.ImageWidth, h = f.ImageHeight;
        double cellW = w + layout.Gap, cellH = h + layout.Gap + layout.LabelSpace;
        double totalW = layout.Columns * cellW - layout.Gap;
        double totalH = layout.Rows * cellH - layout.Gap;
        ScottPlot.Plottables.Heatmap? first = null;
        for (int i = 0; i < f.Count; i++)
        {
            int col = i % layout.Columns, row = i / layout.Columns;
            var img = new double[h, w];
            int offset = i * w * h;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    img[y, x] = f.Pixels[offset + y * w + x];
            double left = col * cellW;
            double top = totalH - row * cellH - layout.LabelSpace;
            var hm = plot.Add.Heatmap(img);
            hm.Colormap = gray;
            hm.ManualRange = range;
            hm.Rectangle = new CoordinateRect(left, left + w, top - h, top);
            hm.NaNCellColor = Color.FromHex("#ff00ff");
            first ??= hm;
            if (f.Labels is not null && !string.IsNullOrEmpty(f.Labels[i]))
            {
                var t = plot.Add.Text(f.Labels[i], left + w / 2.0, top);
                t.Alignment = Alignment.LowerCenter;
                t.LabelStyle.FontSize = 11;
                t.LabelStyle.ForeColor = Ink;
                t.LabelStyle.Padding = 1;
                t.OffsetY = -1;
            }
        }
        if (first is not null)
        {
            SetColorBarTicks(plot.Add.ColorBar(first), min, max);
        }
        plot.HideAxesAndGrid();
        plot.Axes.Title.IsVisible = true;
        plot.HideGrid();
        // Square image pixels at whatever size the caller asked for: the grid is centred and
        // the axis spans are set so one data unit is the same number of screen pixels both ways.
        plot.Layout.Fixed(new PixelPadding(GridLayout.Left, GridLayout.Right, GridLayout.Bottom, GridLayout.Top));
        double dataW = Math.Max(1, width - GridLayout.Left - GridLayout.Right);
        double dataH = Math.Max(1, height - GridLayout.Top - GridLayout.Bottom);
        double unitPx = Math.Min(dataW / totalW, dataH / totalH);
        double spanX = dataW / unitPx, spanY = dataH / unitPx;
        plot.Axes.SetLimits((totalW - spanX) / 2, (totalW + spanX) / 2, (totalH - spanY) / 2, (totalH + spanY) / 2);
    }

    // ---------------------------------------------------------------- raster

    private static void DrawRaster(Plot plot, RasterFigure f, int height)
    {
        int n = f.Times.Length;
        if (n == 0)
        {
            NoData(plot, "no spikes");
            if (string.IsNullOrWhiteSpace(f.XLabel)) plot.XLabel("time (s)", LabelSize);
            if (string.IsNullOrWhiteSpace(f.YLabel)) plot.YLabel("neuron", LabelSize);
            return;
        }
        double tMax = f.Times.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        double tMin = f.Times.Where(double.IsFinite).DefaultIfEmpty(0).Min();
        bool ms = string.IsNullOrWhiteSpace(f.XLabel) && tMax - tMin < 2.0;
        if (string.IsNullOrWhiteSpace(f.XLabel)) plot.XLabel(ms ? "time (ms)" : "time (s)", LabelSize);
        if (string.IsNullOrWhiteSpace(f.YLabel)) plot.YLabel("neuron", LabelSize);
        double scale = ms ? 1000 : 1;

        var xs = new double[n];
        var ys = new double[n];
        int nMin = int.MaxValue, nMax = int.MinValue, k = 0;
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(f.Times[i])) continue;
            xs[k] = f.Times[i] * scale;
            ys[k] = f.Neurons[i];
            nMin = Math.Min(nMin, f.Neurons[i]); nMax = Math.Max(nMax, f.Neurons[i]);
            k++;
        }
        Array.Resize(ref xs, k);
        Array.Resize(ref ys, k);
        if (k == 0) { NoData(plot, "no spikes"); return; }
        int rows = nMax - nMin + 1;
        float dataPx = Math.Max(100, height - 130);
        float tick = Math.Clamp(dataPx / rows * 0.6f, 1.5f, 14f);
        var markers = plot.Add.Markers(xs, ys, MarkerShape.VerticalBar, tick, Ink);
        markers.MarkerLineWidth = k > 20_000 ? 0.8f : 1.2f;
        double span = Math.Max((tMax - tMin) * scale, 1e-9);
        plot.Axes.SetLimits(tMin * scale - span * 0.01, tMax * scale + span * 0.01, nMin - 0.5 - rows * 0.01, nMax + 0.5 + rows * 0.01);
        if (rows <= 12)
            plot.Axes.Left.SetTicks(Enumerable.Range(nMin, rows).Select(i => (double)i).ToArray(),
                Enumerable.Range(nMin, rows).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Grid.YAxisStyle.MajorLineStyle.Width = rows <= 40 ? 1 : 0;
    }

    // ---------------------------------------------------------------- histogram

    private static void DrawHistogram(Plot plot, HistogramFigure f)
    {
        if (string.IsNullOrWhiteSpace(f.YLabel)) plot.YLabel("count", LabelSize);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var set in f.Values)
            foreach (var v in set)
                if (double.IsFinite(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
        if (!double.IsFinite(min)) { NoData(plot, "no finite values"); return; }
        if (max == min) { min -= 0.5; max += 0.5; }
        int bins = f.Bins;
        double binWidth = (max - min) / bins;
        int sets = f.Values.Length;
        double top = 0;
        for (int s = 0; s < sets; s++)
        {
            var counts = new double[bins];
            foreach (var v in f.Values[s])
            {
                if (!double.IsFinite(v)) continue;
                int b = (int)((v - min) / binWidth);
                counts[Math.Clamp(b, 0, bins - 1)]++;
            }
            top = Math.Max(top, counts.Max());
            var color = SeriesColor(s);
            var bars = new List<Bar>(bins);
            for (int b = 0; b < bins; b++)
            {
                if (counts[b] == 0) continue;
                bars.Add(new Bar
                {
                    Position = min + (b + 0.5) * binWidth,
                    Value = counts[b],
                    Size = binWidth,
                    FillColor = sets > 1 ? color.WithAlpha(0.45) : color.WithAlpha(0.85),
                    LineColor = color,
                    LineWidth = sets > 1 || bins <= 60 ? 1 : 0,
                });
            }
            if (bars.Count > 0) plot.Add.Bars(bars);
            if (sets > 1)
                plot.Legend.ManualItems.Add(new LegendItem
                {
                    LabelText = f.Labels?[s] ?? $"set {s + 1}",
                    FillColor = color.WithAlpha(0.45),
                    OutlineColor = color,
                    OutlineWidth = 1,
                });
        }
        double span = max - min;
        plot.Axes.SetLimits(min - span * 0.02, max + span * 0.02, 0, Math.Max(1, top * 1.06));
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        if (sets > 1) LegendRight(plot);
    }
}

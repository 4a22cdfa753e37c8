using System.Text.Json.Serialization;

namespace Neuromorph.Figures;

/// <summary>
/// A plot described as data. Engines in the core library emit figures; the Reports adapter
/// renders them (ScottPlot PNGs embedded in report.html). Figures are saved to
/// <c>figures.json</c> in the run directory so <c>neuromorph report RUN_DIR</c> can redraw them.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(LineFigure), "line")]
[JsonDerivedType(typeof(BarFigure), "bar")]
[JsonDerivedType(typeof(HeatmapFigure), "heatmap")]
[JsonDerivedType(typeof(ImageGridFigure), "image-grid")]
[JsonDerivedType(typeof(RasterFigure), "raster")]
[JsonDerivedType(typeof(HistogramFigure), "histogram")]
public abstract record Figure
{
    /// <summary>File stem of the PNG (letters, digits, '-', '_').</summary>
    public required string Name { get; init; }
    /// <summary>Title shown above the plot.</summary>
    public required string Title { get; init; }
    /// <summary>One or two sentences shown under the plot in the report.</summary>
    public string? Caption { get; init; }
    public string? XLabel { get; init; }
    public string? YLabel { get; init; }
}

/// <summary>One named (x, y) series, optionally with symmetric error bars.</summary>
public sealed record Series(string Label, double[] X, double[] Y, double[]? YError = null, bool Markers = false, bool LineVisible = true);

/// <summary>Lines or scatter points (set <see cref="Series.LineVisible"/> false for scatter).</summary>
public sealed record LineFigure : Figure
{
    public required Series[] Series { get; init; }
    public bool LogX { get; init; }
    public bool LogY { get; init; }
}

/// <summary>Bars with category labels; several groups give grouped bars.</summary>
public sealed record BarFigure : Figure
{
    public required string[] Categories { get; init; }
    /// <summary>One array of values per group, each as long as <see cref="Categories"/>.</summary>
    public required double[][] Values { get; init; }
    public string[]? GroupLabels { get; init; }
    public bool LogY { get; init; }
}

/// <summary>A matrix as colours (confusion matrix, weight matrix). Row-major values.</summary>
public sealed record HeatmapFigure : Figure
{
    public required int Rows { get; init; }
    public required int Cols { get; init; }
    public required double[] Values { get; init; }
    public string[]? RowLabels { get; init; }
    public string[]? ColLabels { get; init; }
    /// <summary>Write each cell's value in the cell (for small matrices).</summary>
    public bool Annotate { get; init; }
}

/// <summary>A grid of small grey-scale images (receptive fields, input examples).</summary>
public sealed record ImageGridFigure : Figure
{
    public required int ImageWidth { get; init; }
    public required int ImageHeight { get; init; }
    /// <summary>Images one after another, each ImageWidth×ImageHeight row-major.</summary>
    public required double[] Pixels { get; init; }
    public required int Count { get; init; }
    public int Columns { get; init; } = 10;
    public string[]? Labels { get; init; }
}

/// <summary>Spike raster: spike i is at time Times[i] (s) from neuron Neurons[i].</summary>
public sealed record RasterFigure : Figure
{
    public required double[] Times { get; init; }
    public required int[] Neurons { get; init; }
}

/// <summary>Histogram of values with a fixed number of bins (optionally several overlaid sets).</summary>
public sealed record HistogramFigure : Figure
{
    public required double[][] Values { get; init; }
    public string[]? Labels { get; init; }
    public int Bins { get; init; } = 50;
}

/// <summary>A small table for the report (e.g. accuracy per device).</summary>
public sealed record ReportTable(string Title, string[] Columns, string[][] Rows, string? Caption = null);

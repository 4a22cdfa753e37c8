using Neuromorph.Figures;
using Neuromorph.Experiments;
using Neuromorph.Reports;

namespace Neuromorph.Tests.Reports;

public class FigureRendererTests
{
    private static readonly LineFigure Line = new()
    {
        Name = "l", Title = "Title A", XLabel = "x", YLabel = "y",
        Series = [new Series("s", [1, 2, 3], [1, 4, 9])],
    };

    [Fact]
    public void RendersAtTheRequestedSize()
    {
        var (w, h) = ReportWriterTests.ReadPngSize(FigureRenderer.RenderPng(Line, 640, 480));
        Assert.Equal((640, 480), (w, h));
    }

    [Fact]
    public void TextIsDrawnWithTheEmbeddedFont()
    {
        // Without a usable font SkiaSharp silently draws no text, and two titles give identical images.
        var a = FigureRenderer.RenderPng(Line, 400, 300);
        var b = FigureRenderer.RenderPng(Line with { Title = "Title B" }, 400, 300);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void EveryKindRenders()
    {
        foreach (var f in SyntheticRun.Figures(spikes: 500))
        {
            var (w, h) = ReportWriterTests.ReadPngSize(FigureRenderer.RenderPng(f));
            Assert.Equal(FigureRenderer.DefaultSize(f), (w, h));
        }
    }

    [Fact]
    public void HeatmapAnnotationsAreDrawnForSmallMatrices()
    {
        var plain = new HeatmapFigure { Name = "h", Title = "h", Rows = 3, Cols = 3, Values = [5, 1, 0, 2, 7, 1, 0, 0, 9] };
        Assert.NotEqual(FigureRenderer.RenderPng(plain), FigureRenderer.RenderPng(plain with { Annotate = true }));
    }

    [Fact]
    public void LogAxesAndErrorBarsChangeTheDrawing()
    {
        var f = new LineFigure { Name = "l", Title = "t", Series = [new Series("s", [1, 10, 100, 1000], [1, 0.1, 0.01, 0.001])] };
        var linear = FigureRenderer.RenderPng(f);
        Assert.NotEqual(linear, FigureRenderer.RenderPng(f with { LogX = true, LogY = true }));
        var withErrors = f with { Series = [f.Series[0] with { YError = [0.2, 0.02, 0.002, 0.0002] }] };
        Assert.NotEqual(linear, FigureRenderer.RenderPng(withErrors));
    }

    [Fact]
    public void DegenerateDataStillRenders()
    {
        Figure[] figures =
        [
            new RasterFigure { Name = "r", Title = "no spikes", Times = [], Neurons = [] },
            new HistogramFigure { Name = "h", Title = "constant", Values = [[3, 3, 3], []] },
            new LineFigure { Name = "l", Title = "log of non-positive", LogY = true, Series = [new Series("s", [1, 2], [0, -1])] },
            new BarFigure { Name = "b", Title = "log bars with zero", LogY = true, Categories = ["a", "b"], Values = [[0, 1e-9]] },
            new ImageGridFigure { Name = "i", Title = "one flat image", ImageWidth = 2, ImageHeight = 2, Pixels = [0, 0, 0, 0], Count = 1 },
        ];
        foreach (var f in figures)
            ReportWriterTests.ReadPngSize(FigureRenderer.RenderPng(f));
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("../x")]
    [InlineData("")]
    public void InvalidNamesAreRejected(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => FigureRenderer.RenderPng(Line with { Name = name }));
        Assert.Contains("not a valid file stem", e.Message);
    }

    [Fact]
    public void MismatchedArraysNameTheField()
    {
        var e = Assert.Throws<ArgumentException>(() => FigureRenderer.RenderPng(new LineFigure { Name = "l", Title = "t", Series = [new Series("s", [1, 2], [1])] }));
        Assert.Contains("x has 2 values but y has 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => FigureRenderer.RenderPng(new BarFigure { Name = "b", Title = "t", Categories = ["a", "b"], Values = [[1]] }));
        Assert.Contains("values[0]", e.Message);
        e = Assert.Throws<ArgumentException>(() => FigureRenderer.RenderPng(new ImageGridFigure { Name = "g", Title = "t", ImageWidth = 2, ImageHeight = 2, Pixels = [1, 2, 3], Count = 1 }));
        Assert.Contains("'pixels'", e.Message);
        e = Assert.Throws<ArgumentException>(() => FigureRenderer.RenderPng(new RasterFigure { Name = "r", Title = "t", Times = [0.1], Neurons = [] }));
        Assert.Contains("'neurons'", e.Message);
    }

    [Fact]
    public void EnergyFigureHasOneGroupPerOperationAndOneCategoryPerTechnology()
    {
        var f = ReportWriter.EnergyBreakdownFigure(SyntheticRun.Record());
        Assert.NotNull(f);
        Assert.Equal(["loihi", "pcm-crossbar", "gpu-fp32"], f.Categories);
        Assert.Equal(["neuron update", "spike", "synaptic event", "programming pulse"], f.GroupLabels!);
        Assert.True(f.LogY);
        // loihi synaptic events: 2.33 mJ over 10 000 inferences
        Assert.Equal(2.33e-7, f.Values[2][0], 12);
        // loihi does not price programming pulses: no bar, not a zero
        Assert.True(double.IsNaN(f.Values[3][0]));
        Assert.Null(ReportWriter.EnergyBreakdownFigure(SyntheticRun.Record() with { Energy = [] }));
    }
}

public class NumberFormatTests
{
    [Theory]
    [InlineData(3.2e-9, "J", "3.2 nJ")]
    [InlineData(2.47e-3, "J", "2.47 mJ")]
    [InlineData(1.0, "J", "1 J")]
    [InlineData(999.96e-9, "J", "1 µJ")]
    [InlineData(12345.0, "Hz", "12.3 kHz")]
    [InlineData(0.0, "J", "0 J")]
    [InlineData(-4.5e-12, "J", "-4.5 pJ")]
    [InlineData(0.25, "s", "250 ms")]
    public void EngineeringUsesSiPrefixes(double value, string unit, string expected) =>
        Assert.Equal(expected, NumberFormat.Engineering(value, unit));

    [Theory]
    [InlineData(0.012345678, 4, "0.01235")]
    [InlineData(123.456, 4, "123.5")]
    [InlineData(1.5e-7, 3, "1.5e-7")]
    [InlineData(2.5e9, 3, "2.5e9")]
    [InlineData(100.0, 4, "100")]
    [InlineData(double.NaN, 4, "NaN")]
    public void SignificantDigits(double value, int digits, string expected) =>
        Assert.Equal(expected, NumberFormat.Significant(value, digits));

    [Theory]
    [InlineData("test_accuracy", 0.9753, "97.53 %")]
    [InlineData("accuracy", 1.0, "100.00 %")]
    [InlineData("energy_joules_per_inference", 3.2e-9, "3.2 nJ")]
    [InlineData("wall_seconds", 0.0123, "12.3 ms")]
    [InlineData("mean_rate_hz", 17.25, "17.3 Hz")]
    [InlineData("neurons", 400, "400")]
    [InlineData("synapses", 1234567, "1\u2009234\u2009567")]
    [InlineData("nrmse", 0.0123456, "0.01235")]
    public void MetricsAreWrittenForPeople(string name, double value, string expected) =>
        Assert.Equal(expected, NumberFormat.Metric(name, value));

    [Theory]
    [InlineData(0.85, "850 ms")]
    [InlineData(12.34, "12.3 s")]
    [InlineData(245, "4 min 05 s")]
    [InlineData(7380, "2 h 03 min")]
    public void Durations(double seconds, string expected) => Assert.Equal(expected, NumberFormat.Duration(seconds));
}

using Neuromorph.Units;

namespace Neuromorph.Tests.Units;

public class QuantityTests
{
    [Theory]
    [InlineData("20 ms", 0.02, Dimension.Time)]
    [InlineData("5 uS", 5e-6, Dimension.Conductance)]
    [InlineData("5µS", 5e-6, Dimension.Conductance)]
    [InlineData("5 μS", 5e-6, Dimension.Conductance)]
    [InlineData("1.2 V", 1.2, Dimension.Voltage)]
    [InlineData("60 pJ", 60e-12, Dimension.Energy)]
    [InlineData("26 fJ", 26e-15, Dimension.Energy)]
    [InlineData("3 aJ", 3e-18, Dimension.Energy)]
    [InlineData("10 nA", 1e-8, Dimension.Current)]
    [InlineData("2 mA", 2e-3, Dimension.Current)]
    [InlineData("1 cm", 0.01, Dimension.Length)]
    [InlineData("1 cm2", 1e-4, Dimension.Area)]
    [InlineData("10 kohm", 1e4, Dimension.Resistance)]
    [InlineData("2 MΩ", 2e6, Dimension.Resistance)]
    [InlineData("3 GHz", 3e9, Dimension.Frequency)]
    [InlineData("1 THz", 1e12, Dimension.Frequency)]
    [InlineData("2 PJ", 2e15, Dimension.Energy)]
    [InlineData("1 EJ", 1e18, Dimension.Energy)]
    [InlineData("1 pF", 1e-12, Dimension.Capacitance)]
    [InlineData("1 T", 1, Dimension.MagneticField)]
    [InlineData("300 K", 300, Dimension.Temperature)]
    [InlineData("1 eV", 1.602176634e-19, Dimension.Energy)]
    [InlineData("1y", 365.25 * 86400, Dimension.Time)]
    [InlineData("1 h", 3600, Dimension.Time)]
    [InlineData("2 min", 120, Dimension.Time)]
    [InlineData("1 day", 86400, Dimension.Time)]
    [InlineData("25 %", 0.25, Dimension.Dimensionless)]
    [InlineData("1e-3 s", 1e-3, Dimension.Time)]
    [InlineData("-65 mV", -0.065, Dimension.Voltage)]
    [InlineData("0.5", 0.5, Dimension.Dimensionless)]
    public void ParsesEveryPrefixAndUnit(string text, double value, Dimension dim)
    {
        Assert.True(Quantity.TryParse(text, out var v, out var d, out var err), err);
        Assert.Equal(dim, d);
        Assert.Equal(value, v, Math.Abs(value) * 1e-12);
    }

    [Theory]
    [InlineData("20 furlongs")]
    [InlineData("ms")]
    [InlineData("")]
    [InlineData("5 xS")]
    [InlineData("1 kh")]       // calendar units take no prefix
    public void RejectsBadUnits(string text)
    {
        Assert.False(Quantity.TryParse(text, out _, out _, out var err));
        Assert.False(string.IsNullOrEmpty(err));
    }

    [Fact]
    public void ParseChecksDimension()
    {
        Assert.Equal(0.02, Quantity.Parse("20 ms", Dimension.Time), 1e-15);
        var e = Assert.Throws<FormatException>(() => Quantity.Parse("20 mV", Dimension.Time));
        Assert.Contains("voltage", e.Message);
        Assert.Contains("time", e.Message);
    }

    [Theory]
    [InlineData(2e-11, "J", "20 pJ")]
    [InlineData(3.2e-9, "J", "3.2 nJ")]
    [InlineData(1500, "Hz", "1.5 kHz")]
    [InlineData(0.5, "s", "500 ms")]
    public void FormatsWithEngineeringPrefix(double v, string unit, string expected) => Assert.Equal(expected, Quantity.Format(v, unit));
}

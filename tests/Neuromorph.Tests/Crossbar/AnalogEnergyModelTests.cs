using Neuromorph.Crossbar;
using Neuromorph.Energy;
using Neuromorph.Experiments.Crossbar;
using Neuromorph.Learning.Deep;

namespace Neuromorph.Tests.Crossbar;

public class AnalogEnergyModelTests
{
    private static Sequential Net() => new(new Dense(700, 600, 1), new Activation(ActivationKind.Relu, 600), new Dense(600, 10, 2));

    [Theory]
    [InlineData(MappingKind.Single, 1)]
    [InlineData(MappingKind.Differential, 1)]
    [InlineData(MappingKind.Differential, 4)]
    [InlineData(MappingKind.Reference, 2)]
    public void AreaCountsCellsPerMappingAndOneAdcPerColumnOfEveryRowBlock(MappingKind kind, int n)
    {
        var m = new AnalogEnergyModel { FeatureSize = 10e-9, CellAreaF2 = 4, AdcArea = 1e-9 };
        var (array, adc) = m.Area(Net(), new CellMapping(kind, n), 512);
        // Layer 1: 700×600 on 512-tiles = 2 row blocks × 2 column blocks; layer 2: 600×10 = 2 × 1.
        double weights = 700.0 * 600 + 600.0 * 10;
        double cells = weights * (kind == MappingKind.Differential ? 2 : 1) * n
            + (kind == MappingKind.Reference ? (700.0 * 2 + 600.0 * 1) * n : 0);   // a reference per row and column block
        Assert.Equal(cells * 4 * 1e-16, array, 1e-12 * array);
        Assert.Equal((600 * 2 + 10 * 2) * 1e-9, adc, 1e-15);
        var shared = (m with { ColumnsPerAdc = 8 }).Area(Net(), new CellMapping(kind, n), 512).Adc;
        Assert.Equal(Math.Ceiling(1200 / 8.0) + Math.Ceiling(20 / 8.0), shared / 1e-9, 1e-9);
    }

    [Fact]
    public void EnergyBreakdownFollowsTheCountsAndTheFigureOfMerit()
    {
        var m = new AnalogEnergyModel();
        var c = new OpCounters();
        c.Add(Op.Mac, 1000); c.Add(Op.AdcConversion, 10); c.Add(Op.ProgrammingPulse, 3);
        var parts = m.Breakdown(c, adcBits: 9, tileCols: 512).ToDictionary(p => p.Part, p => p.Joules);
        Assert.Equal(1000 * 5e-6 * 0.2 * 0.2 * 10e-9, parts["array (G·V²·t)"], 1e-24);
        Assert.Equal(10 * 28e-15 * 256, parts["ADC"], 1e-20);          // ENOB = 9 − 1
        Assert.Equal(3e-12, parts["programming"], 1e-24);
    }
}

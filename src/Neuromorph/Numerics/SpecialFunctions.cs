namespace Neuromorph.Numerics;

/// <summary>Small special functions used by the samplers and models.</summary>
public static class SpecialFunctions
{
    private static readonly double[] LogFactTable = BuildTable();

    private static double[] BuildTable()
    {
        var t = new double[256];
        for (int i = 1; i < t.Length; i++) t[i] = t[i - 1] + Math.Log(i);
        return t;
    }

    /// <summary>ln(k!) — exact table below 256, Stirling series with three correction terms above.</summary>
    public static double LogFactorial(int k)
    {
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k));
        if (k < LogFactTable.Length) return LogFactTable[k];
        double x = k + 1.0;
        return (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI) + 1.0 / (12 * x) - 1.0 / (360 * x * x * x) + 1.0 / (1260 * Math.Pow(x, 5));
    }
}

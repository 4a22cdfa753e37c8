using System.Globalization;

namespace Neuromorph.Reports;

/// <summary>
/// How numbers are written in reports: significant digits instead of raw doubles, SI prefixes
/// for physical quantities ("3.2 nJ"), accuracies as percentages. Invariant culture throughout.
/// </summary>
public static class NumberFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly (int Exponent, string Prefix)[] Prefixes =
    [
        (24, "Y"), (21, "Z"), (18, "E"), (15, "P"), (12, "T"), (9, "G"), (6, "M"), (3, "k"), (0, ""),
        (-3, "m"), (-6, "µ"), (-9, "n"), (-12, "p"), (-15, "f"), (-18, "a"), (-21, "z"), (-24, "y"),
    ];

    /// <summary>
    /// <paramref name="value"/> rounded to <paramref name="digits"/> significant digits without
    /// trailing zeros; scientific notation ("1.23e-7") below 1e-3 and from 1e6 on.
    /// </summary>
    public static string Significant(double value, int digits = 4)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "∞";
        if (double.IsNegativeInfinity(value)) return "−∞";
        if (value == 0) return "0";
        digits = Math.Clamp(digits, 1, 15);
        double a = Math.Abs(value);
        if (a < 1e-3 || a >= 1e6)
        {
            var s = value.ToString("E" + (digits - 1), Inv);
            int e = s.IndexOf('E');
            string mantissa = TrimZeros(s[..e]);
            int exp = int.Parse(s[(e + 1)..], Inv);
            return $"{mantissa}e{exp.ToString(Inv)}";
        }
        int magnitude = (int)Math.Floor(Math.Log10(a));
        int decimals = Math.Clamp(digits - 1 - magnitude, 0, 15);
        double rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        return TrimZeros(rounded.ToString("F" + decimals, Inv));
    }

    /// <summary>
    /// A physical quantity with an SI prefix and three significant digits: <c>Engineering(3.2e-9, "J")</c>
    /// gives "3.2 nJ"; zero gives "0 J".
    /// </summary>
    public static string Engineering(double value, string unit, int digits = 3)
    {
        if (!double.IsFinite(value)) return $"{Significant(value)} {unit}".TrimEnd();
        if (value == 0) return $"0 {unit}".TrimEnd();
        int exp3 = (int)Math.Floor(Math.Log10(Math.Abs(value)) / 3) * 3;
        // Rounding can carry into the next prefix (999.96 → "1000"): move up one prefix then.
        if (Math.Abs(RoundSignificant(value / Math.Pow(10, exp3), digits)) >= 1000) exp3 += 3;
        exp3 = Math.Clamp(exp3, -24, 24);
        string mant = Significant(value / Math.Pow(10, exp3), digits);
        var prefix = Prefixes.First(p => p.Exponent == exp3).Prefix;
        return $"{mant} {prefix}{unit}".TrimEnd();
    }

    /// <summary>An integer count with thin-space thousands separators ("1 234 567").</summary>
    public static string Count(long value) => value.ToString("#,0", Inv).Replace(",", "\u2009");

    /// <summary>A duration as "850 ms", "12.3 s", "4 min 05 s" or "2 h 03 min".</summary>
    public static string Duration(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return Significant(seconds) + " s";
        if (seconds < 1) return Engineering(seconds, "s");
        if (seconds < 60) return Significant(seconds, 3) + " s";
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        if (t.TotalHours < 1) return $"{t.Minutes} min {t.Seconds:00} s";
        return $"{(int)t.TotalHours} h {t.Minutes:00} min";
    }

    /// <summary>
    /// A metric from metrics.json written for people: names containing "accuracy" (fractions
    /// 0–1) as percentages ("97.53 %"); names ending in <c>_joules</c>, <c>_seconds</c>,
    /// <c>_watts</c>, <c>_hz</c> with SI prefixes; whole numbers as counts; anything else with
    /// four significant digits.
    /// </summary>
    public static string Metric(string name, double value)
    {
        ArgumentNullException.ThrowIfNull(name);
        var n = name.ToLowerInvariant();
        if (!double.IsFinite(value)) return Significant(value);
        if (n.Contains("accuracy") && value >= 0 && value <= 1)
            return (value * 100).ToString("0.00", Inv) + " %";
        string? unit = UnitOf(n);
        if (unit is not null) return Engineering(value, unit);
        if (value == Math.Round(value) && Math.Abs(value) < 1e15 && Math.Abs(value) >= 1) return Count((long)value);
        return Significant(value);
    }

    /// <summary>The SI unit implied by a snake_case metric name's suffix, or null.</summary>
    public static string? UnitOf(string name)
    {
        var n = name.ToLowerInvariant();
        if (n.EndsWith("_joules") || n.Contains("_joules_")) return "J";
        if (n.EndsWith("_seconds") || n.Contains("_seconds_") || n.EndsWith("_s")) return "s";
        if (n.EndsWith("_watts")) return "W";
        if (n.EndsWith("_hz") || n.EndsWith("_hertz")) return "Hz";
        if (n.EndsWith("_volts")) return "V";
        if (n.EndsWith("_siemens")) return "S";
        if (n.EndsWith("_amperes")) return "A";
        return null;
    }

    private static double RoundSignificant(double v, int digits)
    {
        if (v == 0 || !double.IsFinite(v)) return v;
        int decimals = digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(v)));
        return decimals >= 0 ? Math.Round(v, Math.Min(decimals, 15), MidpointRounding.AwayFromZero) : v;
    }

    private static string TrimZeros(string s)
    {
        if (!s.Contains('.')) return s;
        s = s.TrimEnd('0');
        return s.EndsWith('.') ? s[..^1] : s;
    }
}

using System.Globalization;

namespace Neuromorph.Units;

/// <summary>The physical dimension a quantity must have.</summary>
public enum Dimension
{
    Dimensionless, Time, Frequency, Voltage, Current, Conductance, Resistance, Capacitance,
    Inductance, Energy, Power, Length, Area, Charge, Temperature, MagneticField, MagneticFlux,
}

/// <summary>
/// Parses quantities written with units ("20 ms", "5 uS", "1.2 V", "60 pJ", "1y", "25 %") into
/// SI values (DESIGN.md principle 4). Prefixes: a f p n u µ μ m c k M G T P E. Units: s, min, h,
/// d, day, y, yr, year; Hz; V; A; S; Ω, ohm; F; H; J, eV; W; m; m2; C; K; T; Wb; % (= 0.01).
/// A bare number is taken to be already in SI units.
/// </summary>
public static class Quantity
{
    private const double Year = 365.25 * 86400.0;

    private static readonly Dictionary<string, (double Factor, Dimension Dim)> UnitTable = new(StringComparer.Ordinal)
    {
        ["s"] = (1, Dimension.Time), ["sec"] = (1, Dimension.Time),
        ["min"] = (60, Dimension.Time), ["h"] = (3600, Dimension.Time), ["hr"] = (3600, Dimension.Time),
        ["d"] = (86400, Dimension.Time), ["day"] = (86400, Dimension.Time), ["days"] = (86400, Dimension.Time),
        ["month"] = (Year / 12, Dimension.Time), ["months"] = (Year / 12, Dimension.Time),
        ["y"] = (Year, Dimension.Time), ["yr"] = (Year, Dimension.Time), ["year"] = (Year, Dimension.Time), ["years"] = (Year, Dimension.Time),
        ["Hz"] = (1, Dimension.Frequency),
        ["V"] = (1, Dimension.Voltage),
        ["A"] = (1, Dimension.Current),
        ["S"] = (1, Dimension.Conductance),
        ["Ω"] = (1, Dimension.Resistance), ["ohm"] = (1, Dimension.Resistance), ["Ohm"] = (1, Dimension.Resistance),
        ["F"] = (1, Dimension.Capacitance),
        ["H"] = (1, Dimension.Inductance),
        ["J"] = (1, Dimension.Energy), ["eV"] = (1.602176634e-19, Dimension.Energy),
        ["W"] = (1, Dimension.Power),
        ["m"] = (1, Dimension.Length),
        ["m2"] = (1, Dimension.Area), ["m²"] = (1, Dimension.Area),
        ["C"] = (1, Dimension.Charge),
        ["K"] = (1, Dimension.Temperature),
        ["T"] = (1, Dimension.MagneticField),
        ["Wb"] = (1, Dimension.MagneticFlux),
        ["%"] = (0.01, Dimension.Dimensionless),
    };

    private static readonly Dictionary<char, double> Prefixes = new()
    {
        ['a'] = 1e-18, ['f'] = 1e-15, ['p'] = 1e-12, ['n'] = 1e-9, ['u'] = 1e-6, ['µ'] = 1e-6, ['μ'] = 1e-6,
        ['m'] = 1e-3, ['c'] = 1e-2, ['k'] = 1e3, ['M'] = 1e6, ['G'] = 1e9, ['T'] = 1e12, ['P'] = 1e15, ['E'] = 1e18,
    };

    /// <summary>SI units that take a prefix (calendar units such as min, h, d, y do not).</summary>
    private static readonly HashSet<string> PrefixableUnits = ["s", "Hz", "V", "A", "S", "Ω", "ohm", "Ohm", "F", "H", "J", "eV", "W", "m", "m2", "m²", "C", "K", "T", "Wb"];

    /// <summary>Units whose prefix only scales area as a square (cm² = 1e-4 m²).</summary>
    private static bool IsSquared(string unit) => unit is "m2" or "m²";

    /// <summary>Parses <paramref name="text"/>; returns false with a message naming what is wrong.</summary>
    public static bool TryParse(string text, out double value, out Dimension dim, out string error)
    {
        value = 0; dim = Dimension.Dimensionless; error = "";
        var s = text.Trim();
        if (s.Length == 0) { error = "empty value"; return false; }
        int i = 0;
        // Number part: sign, digits, point, exponent.
        if (i < s.Length && (s[i] == '+' || s[i] == '-')) i++;
        while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E') && i + 1 < s.Length &&
            (char.IsDigit(s[i + 1]) || ((s[i + 1] == '-' || s[i + 1] == '+') && i + 2 < s.Length && char.IsDigit(s[i + 2]))))
        {
            i += 2;
            while (i < s.Length && char.IsDigit(s[i])) i++;
        }
        var num = s[..i];
        var unit = s[i..].Trim();
        if (!double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out var x))
        {
            error = $"'{text}' does not start with a number";
            return false;
        }
        if (unit.Length == 0) { value = x; dim = Dimension.Dimensionless; return true; }
        if (UnitTable.TryGetValue(unit, out var u))
        {
            value = x * u.Factor; dim = u.Dim; return true;
        }
        if (unit.Length > 1 && Prefixes.TryGetValue(unit[0], out var p) && PrefixableUnits.Contains(unit[1..]))
        {
            var pu = UnitTable[unit[1..]];
            double f = IsSquared(unit[1..]) ? p * p : p;
            value = x * f * pu.Factor; dim = pu.Dim; return true;
        }
        error = $"unknown unit '{unit}' in '{text}' (known: s, ms, us, min, h, d, y, Hz, V, A, S, Ω/ohm, F, H, J, eV, W, m, m2, C, K, T, Wb, % with prefixes a f p n u m c k M G T P E)";
        return false;
    }

    /// <summary>Parses and checks the dimension; throws <see cref="FormatException"/> with a clear message.</summary>
    public static double Parse(string text, Dimension expected)
    {
        if (!TryParse(text, out var v, out var d, out var err)) throw new FormatException(err);
        if (d != expected && d != Dimension.Dimensionless)
            throw new FormatException($"'{text}' is a {Describe(d)}, expected a {Describe(expected)} (e.g. {Example(expected)})");
        return v;
    }

    /// <summary>A readable name of a dimension.</summary>
    public static string Describe(Dimension d) => d switch
    {
        Dimension.Dimensionless => "plain number",
        Dimension.MagneticField => "magnetic field",
        Dimension.MagneticFlux => "magnetic flux",
        _ => d.ToString().ToLowerInvariant(),
    };

    /// <summary>An example value of a dimension, for error messages.</summary>
    public static string Example(Dimension d) => d switch
    {
        Dimension.Time => "\"20 ms\"",
        Dimension.Frequency => "\"100 Hz\"",
        Dimension.Voltage => "\"1.2 V\"",
        Dimension.Current => "\"2 mA\"",
        Dimension.Conductance => "\"5 uS\"",
        Dimension.Resistance => "\"10 kohm\"",
        Dimension.Capacitance => "\"1 pF\"",
        Dimension.Energy => "\"60 pJ\"",
        Dimension.Power => "\"20 W\"",
        Dimension.Length => "\"50 nm\"",
        Dimension.Temperature => "\"300 K\"",
        _ => "0.5",
    };

    /// <summary>Formats an SI value with an engineering prefix, e.g. 2e-11 J → "20 pJ".</summary>
    public static string Format(double value, string unit, int digits = 3)
    {
        if (value == 0 || double.IsNaN(value) || double.IsInfinity(value)) return $"{value.ToString("G" + digits, CultureInfo.InvariantCulture)} {unit}";
        (double f, string p)[] table = [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f"), (1e-18, "a")];
        double a = Math.Abs(value);
        foreach (var (f, p) in table)
            if (a >= f * 0.9995) return $"{(value / f).ToString("G" + digits, CultureInfo.InvariantCulture)} {p}{unit}";
        return $"{value.ToString("G" + digits, CultureInfo.InvariantCulture)} {unit}";
    }
}

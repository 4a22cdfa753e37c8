namespace Neuromorph.Devices;

/// <summary>
/// Parameter checks shared by the device models (DESIGN.md principle 7): every failure names the
/// parameter, its value and what it must be.
/// </summary>
public static class DeviceGuard
{
    /// <summary>Throws unless <paramref name="value"/> is finite.</summary>
    public static void Finite(double value, string name)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number");
    }

    /// <summary>Throws unless <paramref name="value"/> &gt; 0 and finite.</summary>
    public static void Positive(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be > 0 (got {value})");
    }

    /// <summary>Throws unless <paramref name="value"/> ≥ 0 and finite.</summary>
    public static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be ≥ 0 (got {value})");
    }

    /// <summary>Throws unless lo ≤ value ≤ hi.</summary>
    public static void InRange(double value, double lo, double hi, string name)
    {
        if (!(value >= lo && value <= hi)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{lo}, {hi}] (got {value})");
    }

    /// <summary>Throws unless <paramref name="lo"/> &lt; <paramref name="hi"/>.</summary>
    public static void Less(double lo, double hi, string loName, string hiName)
    {
        Finite(lo, loName); Finite(hi, hiName);
        if (!(lo < hi)) throw new ArgumentException($"{loName} ({lo}) must be < {hiName} ({hi})", loName);
    }

    /// <summary>Throws unless <paramref name="count"/> ≥ 0.</summary>
    public static void Count(int count, string name)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(name, count, $"{name} must be ≥ 0 (got {count})");
    }
}

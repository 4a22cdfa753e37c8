using System.Runtime.CompilerServices;

namespace Neuromorph.Energy;

/// <summary>The operations an energy model prices (DESIGN.md principle 6).</summary>
public enum Op
{
    /// <summary>One state update of one neuron for one time step.</summary>
    NeuronUpdate,
    /// <summary>One spike emitted.</summary>
    Spike,
    /// <summary>One spike delivered through one synapse.</summary>
    SynapticEvent,
    /// <summary>One multiply–accumulate (dense arithmetic or analog array cell).</summary>
    Mac,
    /// <summary>One addition (spike-driven accumulate, digital partial-sum accumulation).</summary>
    Accumulate,
    /// <summary>One analog-to-digital conversion.</summary>
    AdcConversion,
    /// <summary>One digital-to-analog conversion.</summary>
    DacConversion,
    /// <summary>One programming pulse applied to a device.</summary>
    ProgrammingPulse,
    /// <summary>One read of one device.</summary>
    DeviceRead,
    /// <summary>One synaptic weight update (plasticity) in a digital memory.</summary>
    SynapticUpdate,
}

/// <summary>
/// Operation counts. Not thread-safe by design: give each worker its own counters and
/// <see cref="Add(OpCounters)"/> them afterwards, so counting costs nothing in hot loops.
/// </summary>
public sealed class OpCounters
{
    /// <summary>All ops, in declaration order.</summary>
    public static readonly Op[] All = Enum.GetValues<Op>();
    private readonly long[] _counts = new long[All.Length];

    /// <summary>Adds <paramref name="n"/> operations of kind <paramref name="op"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Op op, long n = 1) => _counts[(int)op] += n;

    /// <summary>Adds every count of <paramref name="other"/>.</summary>
    public void Add(OpCounters other) { for (int i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i]; }

    /// <summary>The count of one operation.</summary>
    public long this[Op op] => _counts[(int)op];

    /// <summary>Resets every count to zero.</summary>
    public void Clear() => Array.Clear(_counts);

    /// <summary>A copy.</summary>
    public OpCounters Clone() { var c = new OpCounters(); _counts.CopyTo(c._counts, 0); return c; }

    /// <summary>snake_case name of an op as used in metrics.json (e.g. <c>synaptic_event</c>).</summary>
    public static string Key(Op op) => op switch
    {
        Op.NeuronUpdate => "neuron_update",
        Op.Spike => "spike",
        Op.SynapticEvent => "synaptic_event",
        Op.Mac => "mac",
        Op.Accumulate => "accumulate",
        Op.AdcConversion => "adc_conversion",
        Op.DacConversion => "dac_conversion",
        Op.ProgrammingPulse => "programming_pulse",
        Op.DeviceRead => "device_read",
        Op.SynapticUpdate => "synaptic_update",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>Parses a snake_case op name.</summary>
    public static bool TryParse(string key, out Op op)
    {
        foreach (var o in All) if (Key(o) == key) { op = o; return true; }
        op = default; return false;
    }

    /// <summary>Counts as a snake_case dictionary (zeros omitted).</summary>
    public Dictionary<string, long> ToDictionary()
    {
        var d = new Dictionary<string, long>();
        foreach (var o in All) if (this[o] != 0) d[Key(o)] = this[o];
        return d;
    }
}

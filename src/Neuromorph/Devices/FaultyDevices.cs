using Neuromorph.Numerics;

namespace Neuromorph.Devices;

/// <summary>Fault model applicable to any conductance array.</summary>
/// <param name="StuckAtMinFraction">Fraction of devices stuck at the lowest state (e.g. open filament, RESET-stuck PCM).</param>
/// <param name="StuckAtMaxFraction">Fraction of devices stuck at the highest state (e.g. shorted filament).</param>
/// <param name="Endurance">Pulses after which a device wears out and freezes at its present state; 0 = unlimited.</param>
public readonly record struct FaultParams(double StuckAtMinFraction = 0, double StuckAtMaxFraction = 0, long Endurance = 0)
{
    /// <summary>Throws with the parameter's name when a value is invalid.</summary>
    public void Validate()
    {
        DeviceGuard.InRange(StuckAtMinFraction, 0, 1, nameof(StuckAtMinFraction));
        DeviceGuard.InRange(StuckAtMaxFraction, 0, 1 - StuckAtMinFraction, nameof(StuckAtMaxFraction));
        if (Endurance < 0) throw new ArgumentOutOfRangeException(nameof(Endurance), Endurance, "Endurance must be ≥ 0 (0 = unlimited)");
    }
}

/// <summary>
/// Wraps any <see cref="IConductanceArray"/> with stuck-at faults (drawn once per device from
/// (seed, "faults", device)) and finite endurance: stuck and worn-out devices ignore pulses and
/// programming. The pulsed family has the same faults built in (<see cref="PulsedDeviceParams"/>);
/// this wrapper gives them to NeuroSim, PCM, MTJ and FTJ arrays.
/// </summary>
public sealed class FaultyDevices : IConductanceArray
{
    private static readonly uint CompFault = Philox.ComponentId("faults");
    private readonly IConductanceArray _inner;
    private readonly byte[] _fault;   // 0 ok, 1 stuck-min, 2 stuck-max, 3 worn out
    private readonly long[] _pulses;

    /// <summary>Wraps <paramref name="inner"/>; stuck devices are programmed to their stuck state now.</summary>
    public FaultyDevices(IConductanceArray inner, FaultParams faults, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(inner);
        faults.Validate();
        _inner = inner; Faults = faults;
        _fault = new byte[inner.Count]; _pulses = new long[inner.Count];
        for (int i = 0; i < inner.Count; i++)
        {
            float u = DeviceRandom.Uniform(seed, CompFault, (uint)i, 0);
            if (u < faults.StuckAtMinFraction) { inner.Program(i, inner.Min); _fault[i] = 1; }
            else if (u < faults.StuckAtMinFraction + faults.StuckAtMaxFraction) { inner.Program(i, inner.Max); _fault[i] = 2; }
        }
    }

    /// <summary>The fault parameters.</summary>
    public FaultParams Faults { get; }
    /// <summary>The wrapped array.</summary>
    public IConductanceArray Inner => _inner;
    /// <summary>True if device i is stuck or worn out.</summary>
    public bool IsFaulty(int i) => _fault[i] != 0;
    /// <inheritdoc/>
    public int Count => _inner.Count;
    /// <inheritdoc/>
    public float Min => _inner.Min;
    /// <inheritdoc/>
    public float Max => _inner.Max;
    /// <inheritdoc/>
    public float NominalStep => _inner.NominalStep;
    /// <inheritdoc/>
    public bool GradualDepression => _inner.GradualDepression;
    /// <inheritdoc/>
    public ReadOnlySpan<float> State => _inner.State;

    /// <inheritdoc/>
    public void ApplyPulses(int device, int pulses)
    {
        if (_fault[device] != 0 || pulses == 0) return;
        long n = Math.Abs((long)pulses);
        if (Faults.Endurance > 0 && _pulses[device] + n > Faults.Endurance)
        {
            long allowed = Faults.Endurance - _pulses[device];
            if (allowed > 0) _inner.ApplyPulses(device, Math.Sign(pulses) * (int)allowed);
            _pulses[device] = Faults.Endurance;
            _fault[device] = 3;
            return;
        }
        _pulses[device] += n;
        _inner.ApplyPulses(device, pulses);
    }

    /// <inheritdoc/>
    public float ExpectedChange(int device, int pulses) => _fault[device] != 0 ? 0f : _inner.ExpectedChange(device, pulses);

    /// <inheritdoc/>
    public void Program(int device, float target)
    {
        if (_fault[device] == 0) _inner.Program(device, target);
    }
}

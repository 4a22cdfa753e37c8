using System.Diagnostics;

namespace Neuromorph.Devices;

/// <summary>
/// A plain timing of the pulsed-update kernel for the CLI's <c>bench</c> command: one pulse with
/// cycle-to-cycle noise to each of <c>n</c> devices (<see cref="PulsedPresets.GokmenVlasov2016"/>,
/// alternating up/down rounds), repeated <c>pulses</c> times after one warm-up round.
/// </summary>
public static class DeviceThroughput
{
    /// <summary>Result of <see cref="Measure"/>: device updates per second and the timed totals.</summary>
    public readonly record struct Result(int Devices, int Pulses, double Seconds, double UpdatesPerSecond, int Threads);

    /// <summary>Times <paramref name="pulses"/> rounds of one pulse to each of <paramref name="devices"/> devices.</summary>
    public static Result Measure(int devices = 10_000_000, int pulses = 5, ulong seed = 1)
    {
        DeviceGuard.Positive(devices, nameof(devices));
        DeviceGuard.Positive(pulses, nameof(pulses));
        var array = new PulsedDeviceArray(devices, PulsedPresets.GokmenVlasov2016, seed);
        array.PulseAll(+1); // warm-up: JIT and page faults
        var sw = Stopwatch.StartNew();
        for (int p = 0; p < pulses; p++) array.PulseAll(p % 2 == 0 ? -1 : +1);
        sw.Stop();
        double s = sw.Elapsed.TotalSeconds;
        return new Result(devices, pulses, s, (double)devices * pulses / s, Environment.ProcessorCount);
    }
}

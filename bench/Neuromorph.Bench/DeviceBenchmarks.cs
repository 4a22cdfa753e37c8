using BenchmarkDotNet.Attributes;
using Neuromorph.Devices;

namespace Neuromorph.Bench;

/// <summary>
/// One pulse with cycle-to-cycle noise to every device of a large pulsed-device array
/// (Gokmen–Vlasov 2016 preset). Target: ≥ 1e8 device updates/s on 2 cores, i.e. ≤ 100 ms per
/// invocation at 10 M devices.
/// </summary>
[MemoryDiagnoser]
public class DeviceBenchmarks
{
    private PulsedDeviceArray _array = null!;
    private PcmDeviceArray _pcm = null!;
    private float[] _read = [];
    private int _sign = 1;

    [Params(10_000_000)]
    public int Devices;

    [GlobalSetup]
    public void Setup()
    {
        _array = new PulsedDeviceArray(Devices, PulsedPresets.GokmenVlasov2016, 1);
        _pcm = new PcmDeviceArray(1_000_000, PcmPresets.Joshi2020, 1);
        _read = new float[1_000_000];
    }

    /// <summary>One noisy pulse to each of <see cref="Devices"/> devices (alternating direction).</summary>
    [Benchmark]
    public void PulseAllWithCycleToCycleNoise()
    {
        _array.PulseAll(_sign);
        _sign = -_sign;
    }

    /// <summary>Drift plus read noise of 1 M PCM devices at one hour.</summary>
    [Benchmark]
    public void PcmReadOneMillionAtOneHour() => _pcm.Read(3600, _read, 1);
}

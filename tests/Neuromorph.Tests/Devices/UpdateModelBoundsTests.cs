using Neuromorph.Devices;

namespace Neuromorph.Tests.Devices;

/// <summary>
/// Bounds and monotonicity of the update models behind <see cref="IConductanceArray"/> other than the
/// pulsed family (tested in <see cref="PulsedDeviceTests"/>): NeuroSim nonlinear LTP/LTD, PCM, FTJ, MTJ.
/// </summary>
public class UpdateModelBoundsTests
{
    public static TheoryData<string> Arrays => ["neurosim-ag-a-si", "neurosim-taox-hfox", "neurosim-pcmo", "neurosim-alox-hfo2", "neurosim-epiram", "pcm", "ftj", "mtj"];

    // Each array with the interval its states must stay in. PCM saturates at w_sat,i·g_max/2 with
    // w_sat,i = 2(1 + 0.1ξ) drawn per device, so its ceiling is widened by 8σ of that spread.
    private static (IConductanceArray Array, float Lo, float Hi) Make(string name, int n) => name switch
    {
        "pcm" => (new PcmDeviceArray(n, PcmPresets.Joshi2020, 7), 0f, (float)(PcmPresets.Joshi2020.GMax * 1.8)),
        "ftj" => Bounded(new FtjArray(n, FtjPresets.BiFeO3Boyn2017, 3.0, 10e-9)),
        "mtj" => Bounded(new MtjArray(n, MtjPresets.Vincent2015, 200e-6, 5e-9, 7)),
        _ => Bounded(new NeuroSimDeviceArray(n, (NeuroSimParams)DevicePresets.Get(name).Parameters, 7)),
    };

    private static (IConductanceArray, float, float) Bounded(IConductanceArray a) => (a, a.Min, a.Max);

    [Theory]
    [MemberData(nameof(Arrays))]
    public void RandomPulseTrainsStayInBoundsAndPredictedStepsAreMonotone(string name)
    {
        const int n = 32;
        var (a, lo, hi) = Make(name, n);
        var rng = new Random(3);
        for (int step = 0; step < 300; step++)
        {
            for (int i = 0; i < n; i++) a.ApplyPulses(i, rng.Next(-4, 5));
            foreach (float g in a.State) Assert.InRange(g, lo * (1 - 1e-6f), hi * (1 + 1e-6f));
            if (step % 50 != 0) continue;
            for (int i = 0; i < n; i++)
            {
                // Noise-free prediction: more potentiating pulses never lower the state, more
                // depressing pulses never raise it (PCM RESET is abrupt: any number of pulses, one level).
                float previousUp = 0, previousDown = 0;
                for (int k = 1; k <= 8; k++)
                {
                    float up = a.ExpectedChange(i, k), down = a.ExpectedChange(i, -k);
                    Assert.True(up >= previousUp - 1e-12f, $"{name}: E[Δ] for {k} pulses {up} < {previousUp}");
                    if (a.GradualDepression)
                        Assert.True(down <= previousDown + 1e-12f, $"{name}: E[Δ] for −{k} pulses {down} > {previousDown}");
                    else if (k > 1)
                        Assert.Equal(a.ExpectedChange(i, -1), down); // abrupt RESET: one pulse or many, the same reset level
                    Assert.InRange(a.State[i] + up, lo * (1 - 1e-6f), hi * (1 + 1e-6f));
                    previousUp = up; previousDown = down;
                }
            }
        }
    }
}

using Neuromorph.Spiking;

namespace Neuromorph.Tests.Spiking;

public class IzhikevichTests
{
    /// <summary>Runs one preset's protocol; returns spike times in ms.</summary>
    internal static double[] RunPreset(IzhikevichPreset preset, double dt = 1e-4)
    {
        var net = new Network(dt);
        var pop = net.Add(new IzhikevichPopulation("n", 1, preset.Parameters));
        pop.V[0] = (float)(preset.InitialV * 1e-3);
        pop.U[0] = (float)(preset.Parameters.B * preset.InitialV);
        var samples = new double[(int)Math.Ceiling(preset.DurationMs / (dt * 1e3)) + 1];
        for (int k = 0; k < samples.Length; k++) samples[k] = preset.Current(k * dt * 1e3) * preset.Parameters.CurrentUnit;
        net.Inject(pop, Stimulus.Trace(samples, dt));
        var mon = net.MonitorSpikes(pop);
        net.Run(preset.DurationMs * 1e-3);
        return mon.TimesOf(0).Select(t => t * 1e3).ToArray();
    }

    private static double[] Isi(double[] t) => t.Zip(t.Skip(1), (a, b) => b - a).ToArray();

    [Fact]
    public void TonicSpikingIsRegular()
    {
        var t = RunPreset(IzhikevichPresets.TonicSpiking);
        Assert.True(t.Length >= 5, $"{t.Length} spikes");
        var isi = Isi(t).TakeLast(2).ToArray();
        Assert.True(Math.Abs(isi[0] / isi[1] - 1) < 0.05, "tonic spiking: steady ISIs after the onset transient");
        Assert.True(t[0] > 10, "no spike before the step");
    }

    [Fact]
    public void PhasicSpikingFiresOnceAtOnset()
    {
        var t = RunPreset(IzhikevichPresets.PhasicSpiking);
        Assert.Single(t);
        Assert.InRange(t[0], 20, 60);
    }

    [Fact]
    public void TonicBurstingHasBurstsOfSeveralSpikes()
    {
        var t = RunPreset(IzhikevichPresets.TonicBursting);
        var isi = Isi(t);
        double shortMax = isi.Where(x => x < 10).DefaultIfEmpty(0).Max();
        var longIsi = isi.Where(x => x > 20).ToArray();
        Assert.True(longIsi.Length >= 3, "several bursts");
        Assert.True(isi.Count(x => x < 10) >= 2 * longIsi.Length, "at least 3 spikes per burst");
        Assert.True(longIsi.Min() > 3 * shortMax, "inter-burst intervals are much longer than intra-burst intervals");
    }

    [Fact]
    public void PhasicBurstingFiresOneBurst()
    {
        var t = RunPreset(IzhikevichPresets.PhasicBursting);
        Assert.InRange(t.Length, 2, 12);
        Assert.True(t[^1] - t[0] < 30, "all spikes within one burst at onset");
    }

    [Fact]
    public void SpikeFrequencyAdaptationLengthensIntervals()
    {
        var isi = Isi(RunPreset(IzhikevichPresets.SpikeFrequencyAdaptation));
        Assert.True(isi.Length >= 3);
        Assert.True(isi[^1] > 2 * isi[0], $"last ISI {isi[^1]} vs first {isi[0]}");
        for (int k = 1; k < isi.Length; k++) Assert.True(isi[k] >= isi[k - 1] - 0.2);
    }

    [Fact]
    public void MixedModeBurstsThenSpikesTonically()
    {
        var isi = Isi(RunPreset(IzhikevichPresets.MixedMode));
        Assert.True(isi.Length >= 4);
        Assert.True(isi[0] < 0.5 * isi[^1], "initial burst, then slower tonic firing");
    }

    [Fact]
    public void Class1RateGrowsWithTheRamp()
    {
        var t = RunPreset(IzhikevichPresets.Class1);
        Assert.True(t.Length >= 6);
        var isi = Isi(t);
        for (int k = 1; k < isi.Length; k++) Assert.True(isi[k] < isi[k - 1], "rate increases with the ramp current");
        Assert.True(isi[0] > 2 * isi[^1], "low rates near onset");
        Assert.True(t[0] > 50, "no spike until the ramp has grown");
    }

    [Fact]
    public void ReboundSpikeFollowsInhibition()
    {
        var t = RunPreset(IzhikevichPresets.ReboundSpike);
        Assert.NotEmpty(t);
        Assert.All(t, x => Assert.True(x > 25, "spike only after the inhibitory pulse ends"));
    }

    [Fact]
    public void InhibitionInducedSpikingFiresOnlyDuringInhibition()
    {
        var t = RunPreset(IzhikevichPresets.InhibitionInducedSpiking);
        Assert.True(t.Count(x => x > 50 && x < 260) >= 3);
        Assert.Equal(0, t.Count(x => x < 50 || x > 270));
    }

    [Fact]
    public void AllTwentyPresetsRunAndAreDistinct()
    {
        var all = IzhikevichPresets.All;
        Assert.Equal(20, all.Count);
        Assert.Equal(20, all.Select(p => p.Name).Distinct().Count());
        foreach (var p in all) Assert.All(RunPreset(p), x => Assert.InRange(x, 0, p.DurationMs));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(17)]
    public void VectorAndScalarPathsAgree(int presetIndex)
    {
        // Nine copies: neurons 0–7 run in float32 vector lanes, neuron 8 in double precision.
        var preset = IzhikevichPresets.All[presetIndex];
        const double dt = 1e-4;
        var net = new Network(dt);
        var pop = net.Add(new IzhikevichPopulation("n", 9, preset.Parameters));
        Array.Fill(pop.V, (float)(preset.InitialV * 1e-3));
        Array.Fill(pop.U, (float)(preset.Parameters.B * preset.InitialV));
        var samples = new double[(int)Math.Ceiling(preset.DurationMs / (dt * 1e3)) + 1];
        for (int k = 0; k < samples.Length; k++) samples[k] = preset.Current(k * dt * 1e3) * preset.Parameters.CurrentUnit;
        net.Inject(pop, Stimulus.Trace(samples, dt));
        var mon = net.MonitorSpikes(pop);
        net.Run(preset.DurationMs * 1e-3);
        var vec = mon.TimesOf(0); var sca = mon.TimesOf(8);
        Assert.True(sca.Length > 0, preset.Name);
        Assert.Equal(sca.Length, vec.Length);
        for (int k = 0; k < sca.Length; k++) Assert.True(Math.Abs(vec[k] - sca[k]) < 0.5e-3, $"{preset.Name} spike {k}: {vec[k]} vs {sca[k]} s");
        for (int j = 1; j < 8; j++) Assert.Equal(vec, mon.TimesOf(j));
    }

    [Fact]
    public void SpikeTimesMatchFineStepRk4Reference()
    {
        // Reference: RK4 at 1 µs in double precision with exact threshold crossing (same equations).
        var preset = IzhikevichPresets.TonicSpiking;
        var p = preset.Parameters;
        var refTimes = new List<double>();
        double v = preset.InitialV, u = p.B * v, h = 0.001;
        for (double t = 0; t < preset.DurationMs; t += h)
        {
            (v, u) = IzhikevichPopulation.Rk4(p, v, u, preset.Current(t), h);
            if (v >= p.VPeak) { refTimes.Add(t); v = p.C; u += p.D; }
        }
        var sim = RunPreset(preset, dt: 1e-4);
        Assert.Equal(refTimes.Count, sim.Length);
        // Stated tolerance: 0.5 ms (a few steps of 0.1 ms; spikes are stamped at the step start).
        for (int k = 0; k < sim.Length; k++) Assert.True(Math.Abs(sim[k] - refTimes[k]) < 0.5, $"spike {k}: {sim[k]} ms vs reference {refTimes[k]} ms");
    }
}

using Neuromorph.Energy;
using Neuromorph.Spiking;

namespace Neuromorph.Tests.Spiking;

public class LifTests
{
    private static LifParameters Quiet => new()
    {
        Capacitance = 250e-12, TauMembrane = 10e-3, RestingPotential = -70e-3, Threshold = 1.0, Reset = -70e-3,
        Refractory = 2e-3, TauExcitatory = 2e-3, TauInhibitory = 8e-3,
    };

    [Fact]
    public void CurrentStepResponseEqualsClosedForm()
    {
        var p = Quiet;
        var net = new Network(dt: 1e-4);
        var pop = net.AddLif("n", 1, p);
        const double i0 = 300e-12;
        net.Inject(pop, Stimulus.Step(i0, 0.0));
        var mon = net.MonitorState(pop, "v", [0]);
        net.Run(0.05);
        var t = mon.Times(); var v = mon.Trace(0);
        double r = p.Resistance;
        for (int k = 0; k < t.Length; k++)
        {
            double expected = p.RestingPotential + r * i0 * (1 - Math.Exp(-t[k] / p.TauMembrane));
            Assert.True(Math.Abs(v[k] - expected) < 2e-6, $"t = {t[k]}: v = {v[k]}, closed form {expected}");
        }
    }

    [Theory]
    [InlineData(Receptor.Excitatory, 50e-12)]
    [InlineData(Receptor.Inhibitory, -80e-12)]
    public void SynapticCurrentResponseEqualsClosedForm(Receptor receptor, double w)
    {
        var p = Quiet;
        var net = new Network(dt: 1e-4);
        var src = net.Add(new SpikeGeneratorGroup("in", 1, [0], [0.0]));
        var pop = net.AddLif("n", 1, p);
        net.Connect(src, pop, Connectivity.AllToAll(), new SynapseSpec { Receptor = receptor, Weight = WeightInit.Constant(w) });
        var mon = net.MonitorState(pop, "v", [0]);
        net.Run(0.06);
        double tau = receptor == Receptor.Excitatory ? p.TauExcitatory : p.TauInhibitory;
        var t = mon.Times(); var v = mon.Trace(0);
        double peak = 0;
        for (int k = 1; k < t.Length; k++)
        {
            double s = t[k] - net.Dt;     // the spike at step 0 arrives at the start of step 1
            double expected = p.RestingPotential + p.Resistance * w * tau / (tau - p.TauMembrane) * (Math.Exp(-s / tau) - Math.Exp(-s / p.TauMembrane));
            Assert.True(Math.Abs(v[k] - expected) < 1e-6, $"t = {t[k]}: v = {v[k]}, closed form {expected}");
            peak = Math.Max(peak, Math.Abs(v[k] - p.RestingPotential));
        }
        Assert.True(peak > 1e-4, "the PSP must be visible");
    }

    [Fact]
    public void FiringRateMatchesAnalyticFICurve()
    {
        var p = new LifParameters
        {
            Capacitance = 200e-12, TauMembrane = 20e-3, RestingPotential = 0, Threshold = 15e-3, Reset = 0, Refractory = 2e-3,
        };
        double[] currents = [160e-12, 200e-12, 300e-12, 500e-12, 1000e-12];
        var net = new Network(dt: 1e-5);
        var pop = net.AddLif("n", currents.Length, p);
        for (int i = 0; i < currents.Length; i++) pop.Bias[i] = (float)currents[i];
        var mon = net.MonitorSpikes(pop);
        net.Run(1.0);
        var trains = mon.TrainsPerNeuron();
        for (int i = 0; i < currents.Length; i++)
        {
            double ri = p.Resistance * currents[i];
            double expected = 1 / (p.Refractory + p.TauMembrane * Math.Log(ri / (ri - p.Threshold)));
            var tr = trains[i];
            Assert.True(tr.Length > 5, $"I = {currents[i]}: only {tr.Length} spikes");
            double measured = (tr.Length - 1) / (tr[^1] - tr[0]);
            Assert.True(Math.Abs(measured / expected - 1) < 0.01, $"I = {currents[i]} A: rate {measured:F3} Hz, analytic {expected:F3} Hz");
        }
    }

    [Fact]
    public void SubthresholdCurrentNeverFires()
    {
        var p = new LifParameters { RestingPotential = 0, Threshold = 15e-3, Reset = 0 };
        var net = new Network(dt: 1e-4);
        var pop = net.AddLif("n", 1, p);
        pop.Bias[0] = (float)(0.99 * p.Threshold / p.Resistance);
        var mon = net.MonitorSpikes(pop);
        net.Run(1.0);
        Assert.Equal(0, mon.Count);
        Assert.Equal(10_000, net.Counters[Op.NeuronUpdate]);
    }

    [Fact]
    public void RefractoryPeriodHoldsTheMembrane()
    {
        var p = new LifParameters { RestingPotential = 0, Threshold = 10e-3, Reset = 0, Refractory = 3e-3 };
        var net = new Network(dt: 1e-4);
        var pop = net.AddLif("n", 1, p);
        pop.Bias[0] = 1e-9f;  // R·I = 100 mV: fires almost immediately after the refractory period
        var spikes = net.MonitorSpikes(pop);
        net.Run(0.05);
        var tr = spikes.TimesOf(0);
        Assert.True(tr.Length > 3);
        for (int k = 1; k < tr.Length; k++) Assert.True(tr[k] - tr[k - 1] > p.Refractory, $"ISI {tr[k] - tr[k - 1]} s is shorter than t_ref");
    }

    [Fact]
    public void ResetBySubtractionKeepsTheOvershoot()
    {
        var p = new LifParameters { RestingPotential = 0, Threshold = 10e-3, Reset = 0, Refractory = 0, ResetMode = ResetMode.Subtract };
        var net = new Network(dt: 1e-4);
        var src = net.Add(new SpikeGeneratorGroup("in", 1, [0], [0.0]));
        var pop = net.AddLif("n", 1, p);
        net.Connect(src, pop, Connectivity.OneToOne(), new SynapseSpec { Receptor = Receptor.Voltage, Weight = WeightInit.Constant(14e-3) });
        var spikes = net.MonitorSpikes(pop);
        net.Run(2e-4);
        Assert.Equal(1, spikes.Count);
        Assert.InRange(pop.V[0], 3.99e-3, 4.01e-3);   // 14 mV jump − 10 mV
    }

    [Fact]
    public void AdaptiveThresholdLowersTheRate()
    {
        double Rate(double beta)
        {
            var p = LifPresets.Bellec2018Lsnn with { AdaptationStrength = beta };
            var net = new Network(dt: 1e-4);
            var pop = net.AddLif("n", 1, p);
            pop.Bias[0] = (float)(2.0 * p.Threshold / p.Resistance);
            var m = net.MonitorSpikes(pop);
            net.Run(1.0);
            return m.MeanRate();
        }
        double plain = Rate(0), adaptive = Rate(LifPresets.Bellec2018Lsnn.AdaptationStrength);
        Assert.True(adaptive < 0.8 * plain, $"ALIF rate {adaptive} Hz vs LIF {plain} Hz");
        Assert.True(adaptive > 0, "still fires");
    }

    [Theory]
    [InlineData(-1e-3, "TauMembrane")]
    [InlineData(0.0, "TauMembrane")]
    public void BadParametersFailLoudly(double tau, string name)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new LifPopulation("x", 1, new LifParameters { TauMembrane = tau }));
        Assert.Contains(name, ex.Message);
    }

    [Fact]
    public void TooLargeTimeStepFailsLoudly()
    {
        var net = new Network(dt: 5e-3);
        net.AddLif("n", 1, new LifParameters { TauExcitatory = 2e-3 });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => net.Run(0.01));
        Assert.Contains("dt", ex.Message);
    }
}

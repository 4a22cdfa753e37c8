using Neuromorph.Devices;

namespace Neuromorph.Tests.Devices;

public class NeuronDeviceTests
{
    [Fact]
    public void VolatileRramConsolidatesOnlyAbovePulseRateThreshold()
    {
        var p = VolatileRramPresets.Ag2SOhno2011;
        double tc = p.CriticalInterval;
        Assert.InRange(tc, 2.0, 20.0); // Ohno 2011: 2 s consolidates, 20 s does not
        double[] intervals = [2.0, tc * 0.95, tc * 1.05, 20.0];
        for (int i = 0; i < 4; i++)
        {
            var one = new VolatileRramArray(1, p);
            for (int k = 0; k < 200; k++) { one.Pulse(0); one.Advance(intervals[i]); }
            bool expect = intervals[i] < tc;
            Assert.Equal(expect, one.IsConsolidated(0));
            if (!expect)
            {
                // Sparse pulses: short-term memory fades after the train.
                one.Advance(10 * p.DecayTau);
                Assert.True(one.Conductance(0) < p.GMin + 0.01 * (p.GMax - p.GMin));
            }
            else
            {
                one.Advance(10 * p.DecayTau);
                Assert.Equal(p.GMax, one.Conductance(0), 1e-12);
            }
        }
    }

    [Fact]
    public void MottNeuronSilentBelowThresholdFrequencyRisesAndMatchesClosedForm()
    {
        var p = MottNeuronPresets.NbO2Pickett2013;
        double[] currents = [0.9 * p.ThresholdCurrent, 1.2 * p.ThresholdCurrent, 1.6 * p.ThresholdCurrent, 2.5 * p.ThresholdCurrent];
        var a = new MottNeuronArray(currents.Length, p);
        var spikes = new int[currents.Length];
        var total = new int[currents.Length];
        double dt = 1e-7, tEnd = 2e-3;
        for (int k = 0; k < (int)(tEnd / dt); k++)
        {
            a.Step(currents, dt, spikes);
            for (int i = 0; i < spikes.Length; i++) total[i] += spikes[i];
        }
        Assert.Equal(0, total[0]);
        Assert.Equal(0, p.Rate(currents[0]));
        for (int i = 1; i < currents.Length; i++)
        {
            double rate = total[i] / tEnd;
            Assert.InRange(rate, p.Rate(currents[i]) * 0.98 - 1 / tEnd, p.Rate(currents[i]) * 1.02 + 1 / tEnd);
            if (i > 1) Assert.True(total[i] > total[i - 1]);
        }
    }

    [Fact]
    public void Vo2NeuronIsSilentBelowThresholdAndReproducesPublishedFrequencies()
    {
        // Fig. 3e of the VO2 preprint: R_L = 4 kΩ, V_in = 4.2, 4.8, 5.4, 6.0 V → 0.45, 0.65, 0.8, 0.9 MHz;
        // below V_in = V_th(R_ins + R_L)/R_ins ≈ 3.5 V the series circuit cannot oscillate.
        var p = MottNeuronPresets.Vo2Lateral;
        double rl = MottNeuronPresets.Vo2LoadResistance;
        double[] vin = [3.3, 4.2, 4.8, 5.4, 6.0];
        double[] published = [0, 0.45e6, 0.65e6, 0.8e6, 0.9e6];
        var current = vin.Select(v => MottNeuronParams.NortonCurrent(v, rl)).ToArray();
        var a = new MottNeuronArray(vin.Length, p);
        var spikes = new int[vin.Length];
        var total = new int[vin.Length];
        double dt = 1e-8, tEnd = 3e-4;
        for (int k = 0; k < 5000; k++) a.Step(current, dt, spikes); // past the first charge from 0 V
        for (int k = 0; k < (int)(tEnd / dt); k++)
        {
            a.Step(current, dt, spikes);
            for (int i = 0; i < spikes.Length; i++) total[i] += spikes[i];
        }
        Assert.Equal(0, total[0]);
        Assert.True(current[0] < p.ThresholdCurrent && current[1] > p.ThresholdCurrent);
        for (int i = 1; i < vin.Length; i++)
        {
            double rate = total[i] / tEnd;
            Assert.InRange(rate, p.Rate(current[i]) * 0.99 - 1 / tEnd, p.Rate(current[i]) * 1.01 + 1 / tEnd);
            Assert.InRange(rate / published[i], 0.8, 1.2);
            if (i > 1) Assert.True(total[i] > total[i - 1]);
        }

        // Fig. 3d: at V_in = 5 V the frequency falls as the load grows (3.0 → 4.8 kΩ).
        double previous = double.PositiveInfinity;
        foreach (double load in new[] { 3.0e3, 3.6e3, 4.2e3, 4.8e3 })
        {
            var q = MottNeuronParams.WithSeriesLoad(2.66e3, 500, 1.4, 1.21, 2.83e-9, load);
            double f = q.Rate(MottNeuronParams.NortonCurrent(5, load));
            Assert.True(f > 0 && f < previous);
            previous = f;
        }
    }

    [Fact]
    public void JosephsonPulseAreaIsFluxQuantumAndOverdampedRateMatches()
    {
        var p = JosephsonPresets.Crotty2010 with { Capacitance = 0 };
        double[] cur = [1.5 * p.CriticalCurrent, 0.9 * p.CriticalCurrent];
        var a = new JosephsonArray(2, p);
        var spikes = new int[2];
        double dt = 0.02 / p.OmegaC;
        int n = 0, steps = 200_000, firstSlipStep = -1, lastSlipStep = -1;
        for (int k = 0; k < steps; k++)
        {
            a.Step(cur, dt, spikes);
            if (spikes[0] > 0)
            {
                if (firstSlipStep < 0) firstSlipStep = k;
                else { n += spikes[0]; lastSlipStep = k; }
            }
            Assert.Equal(0, spikes[1]); // below I_c: no slips
        }
        // Area of the voltage between the first and the last slip, per slip, equals Φ₀.
        var b = new JosephsonArray(1, p);
        double[] c1 = [cur[0]];
        var s1 = new int[1];
        double v = 0; int slips = 0; bool started = false;
        for (int k = 0; k < steps; k++)
        {
            b.Step(c1, dt, s1);
            if (started) v += b.Voltage(0) * dt;
            if (s1[0] > 0) { if (!started) { started = true; v = 0; slips = 0; } else slips += s1[0]; }
            if (slips == 50) break;
        }
        Assert.Equal(1.0, v / (slips * JosephsonParams.FluxQuantum), 0.01);
        double rate = n / ((lastSlipStep - firstSlipStep) * dt);
        Assert.InRange(rate, p.OverdampedRate(cur[0]) * 0.99, p.OverdampedRate(cur[0]) * 1.01);
    }

    [Fact]
    public void UnderdampedJunctionAlsoEmitsFluxQuanta()
    {
        var p = JosephsonPresets.Crotty2010;
        Assert.InRange(p.BetaC, 0.1, 1);
        var a = new JosephsonArray(1, p);
        double[] cur = [1.3 * p.CriticalCurrent];
        var s = new int[1];
        double dt = 0.02 / p.OmegaC, v = 0; int slips = 0; bool started = false;
        for (int k = 0; k < 400_000 && slips < 40; k++)
        {
            a.Step(cur, dt, s);
            if (started) v += a.Voltage(0) * dt;
            if (s[0] > 0) { if (!started) { started = true; v = 0; } else slips += s[0]; }
        }
        Assert.Equal(40, slips);
        Assert.Equal(1.0, v / (slips * JosephsonParams.FluxQuantum), 0.01);
    }
}

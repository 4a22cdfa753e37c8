using Neuromorph.Spiking;
using Neuromorph.Units;

namespace Neuromorph.Experiments;

/// <summary>
/// The <c>simulation:</c> section shared by spiking experiments: time step, duration, the time
/// from which statistics are taken (to skip start-up transients) and worker threads; plus the
/// chunked run loop (progress, cancellation) and the spike-train statistics they all report.
/// </summary>
public sealed record SimulationSettings(double Dt, double Duration, double StatisticsFrom, int Threads)
{
    /// <summary>Reads and validates the section with the given defaults.</summary>
    public static SimulationSettings Read(ConfigSection root, double duration = 1.0, double statisticsFrom = 0)
    {
        var sim = root.Section("simulation");
        var s = new SimulationSettings(
            sim.GetQuantity("dt", Dimension.Time, 1e-4, 1e-6, 1e-2),
            sim.GetQuantity("duration", Dimension.Time, duration, 0, 1e5, minExclusive: true),
            sim.GetQuantity("statistics_from", Dimension.Time, statisticsFrom, 0, 1e5),
            sim.GetInt("threads", Environment.ProcessorCount, 1, 1024));
        if (s.StatisticsFrom >= s.Duration) sim.Error("statistics_from", "must be earlier than the duration");
        return s;
    }

    /// <summary>Runs <paramref name="net"/> for the duration in chunks of at most <paramref name="chunk"/> seconds, reporting progress.</summary>
    public void Run(Network net, RunContext ctx, string stage, double chunk = 0.01)
    {
        int chunks = Math.Max(1, (int)Math.Ceiling(Duration / chunk - 1e-9));
        double done = 0;
        for (int c = 0; c < chunks; c++)
        {
            ctx.Cancellation.ThrowIfCancellationRequested();
            double t = c == chunks - 1 ? Duration - done : Duration / chunks;
            net.Run(t); done += t;
            ctx.Progress(stage, c + 1, chunks);
        }
    }

    /// <summary>
    /// Mean rate (spikes per neuron per second) and mean coefficient of variation of the
    /// inter-spike intervals, over spikes at or after <see cref="StatisticsFrom"/>; the CV averages
    /// neurons with at least <paramref name="minSpikes"/> spikes in the window (NaN when none has).
    /// </summary>
    public (double Rate, double Cv) RateAndCv(SpikeMonitor m, int minSpikes = 5)
    {
        double t0 = StatisticsFrom, span = Duration - t0;
        long count = 0; double cvSum = 0; int cvN = 0;
        foreach (var train in m.TrainsPerNeuron())
        {
            int start = 0;
            while (start < train.Length && train[start] < t0 - 1e-12) start++;
            int n = train.Length - start;
            count += n;
            if (n < minSpikes) continue;
            double mean = (train[^1] - train[start]) / (n - 1), sq = 0;
            for (int i = start + 1; i < train.Length; i++) { double d = train[i] - train[i - 1] - mean; sq += d * d; }
            double sd = Math.Sqrt(sq / Math.Max(1, n - 2));
            if (mean > 0) { cvSum += sd / mean; cvN++; }
        }
        return (count / (m.Population.Count * span), cvN > 0 ? cvSum / cvN : double.NaN);
    }
}

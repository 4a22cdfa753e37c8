using Neuromorph.Figures;
using Neuromorph.Experiments;

namespace Neuromorph.Tests.Reports;

/// <summary>
/// A run directory made up for report tests: one figure of every kind (sized like the real
/// thing: a 10×10 confusion matrix, 100 receptive fields of 28×28, 10^5 spikes), a run record
/// with energy on three technologies, a config with markup in it and a 500-line log.
/// </summary>
public static class SyntheticRun
{
    public const string ConfigMarker = "<script>alert('x')</script>";

    /// <summary>Names of the figures written to figures.json, in order.</summary>
    public static readonly string[] FigureNames = ["accuracy", "loss", "weights-scatter", "device-accuracy", "confusion", "receptive-fields", "raster", "weight-histogram"];

    public static RunRecord Record() => new()
    {
        Experiment = "diehl-cook-2015",
        Description = "Unsupervised digit recognition with STDP on PCM synapses (Diehl & Cook 2015, Front. Comput. Neurosci. 9:99).",
        Metrics = new()
        {
            ["test_accuracy"] = 0.9137,
            ["train_accuracy"] = 0.95625,
            ["nrmse"] = 0.012345678,
            ["energy_joules_per_inference"] = 3.2e-9,
            ["wall_seconds"] = 123.456,
            ["neurons"] = 400,
            ["mean_rate_hz"] = 17.25,
        },
        Counts = new()
        {
            ["neuron_update"] = 140_000_000,
            ["spike"] = 1_234_567,
            ["synaptic_event"] = 98_765_432,
            ["programming_pulse"] = 5_000_000,
        },
        Inferences = 10_000,
        Energy = new()
        {
            ["loihi"] = new EnergyRecord
            {
                TotalJoules = 2.47e-3,
                JoulesPerInference = 2.47e-7,
                Breakdown = new() { ["neuron_update"] = 7.28e-3 * 0.1, ["spike"] = 2.1e-5, ["synaptic_event"] = 2.33e-3 },
                NotModelled = ["programming_pulse"],
                Description = "Intel Loihi, 14 nm",
                Source = "Davies et al. 2018, IEEE Micro 38(1), table 1",
            },
            ["pcm-crossbar"] = new EnergyRecord
            {
                TotalJoules = 3.2e-5,
                JoulesPerInference = 3.2e-9,
                Breakdown = new() { ["neuron_update"] = 1.4e-6, ["synaptic_event"] = 9.9e-6, ["programming_pulse"] = 2.07e-5 },
                NotModelled = ["spike"],
                Description = "Phase-change memory crossbar",
                Source = "Nandakumar et al. 2018",
            },
            ["gpu-fp32"] = new EnergyRecord
            {
                TotalJoules = 0.5,
                JoulesPerInference = 5e-5,
                Breakdown = new() { ["neuron_update"] = 0.1, ["spike"] = 1e-4, ["synaptic_event"] = 0.3999 },
                NotModelled = ["programming_pulse"],
                Description = "Dense GPU, 32-bit floats",
                Source = "Horowitz 2014, ISSCC, fig. 1.1.9",
            },
        },
        Tables =
        [
            new ReportTable("Accuracy per device", ["device", "accuracy", "energy / inference"],
                [["ideal", "93.1 %", "—"], ["PCM (Nandakumar 2018)", "91.4 %", "3.2 nJ"], ["RRAM <b>", "89.0 %", "4.1 nJ"]],
                "Test accuracy after one epoch on 10 000 MNIST images."),
        ],
        Summary =
        [
            "test accuracy 91.37 % on 10000 images",
            "energy per inference: 3.2 nJ (pcm-crossbar), 247 nJ (loihi)",
        ],
        Provenance = new Provenance
        {
            Version = "0.1.0",
            GitCommit = "16ba515c0ffee0123456789abcdef0123456789a",
            Seed = 42,
            Machine = "testbox",
            Os = "Debian GNU/Linux 12",
            Cores = 2,
            Runtime = ".NET 10.0.0",
            StartedUtc = new DateTime(2026, 11, 22, 19, 0, 0, DateTimeKind.Utc),
            DurationSeconds = 3723.5,
            Command = "neuromorph run experiments/diehl-cook-2015.yaml --set train.epochs=1",
            ConfigFile = "experiments/diehl-cook-2015.yaml",
        },
    };

    public static List<Figure> Figures(int spikes = 100_000)
    {
        var rng = new Random(1234);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

        var epochs = Enumerable.Range(1, 20).Select(i => (double)i).ToArray();
        var acc1 = epochs.Select(e => 0.95 - 0.5 * Math.Exp(-e / 4)).ToArray();
        var acc2 = epochs.Select(e => 0.91 - 0.5 * Math.Exp(-e / 5)).ToArray();
        var err = epochs.Select(_ => 0.01 + 0.01 * rng.NextDouble()).ToArray();

        var lossX = Enumerable.Range(0, 60).Select(i => Math.Pow(10, i / 15.0)).ToArray();
        var lossY = lossX.Select(x => 2.0 / Math.Sqrt(x) * (1 + 0.05 * Gauss())).ToArray();

        var scatterX = Enumerable.Range(0, 500).Select(_ => Gauss()).ToArray();
        var scatterY = scatterX.Select(x => 0.8 * x + 0.3 * Gauss()).ToArray();

        var confusion = new double[100];
        for (int t = 0; t < 10; t++)
        {
            int remaining = 1000;
            for (int p = 0; p < 10; p++)
            {
                if (p == t) continue;
                int n = rng.Next(0, 25);
                confusion[t * 10 + p] = n;
                remaining -= n;
            }
            confusion[t * 10 + t] = remaining;
        }

        const int side = 28, count = 100;
        var pixels = new double[count * side * side];
        for (int k = 0; k < count; k++)
        {
            double cx = 8 + rng.NextDouble() * 12, cy = 8 + rng.NextDouble() * 12, theta = rng.NextDouble() * Math.PI;
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                {
                    double dx = x - cx, dy = y - cy;
                    double along = dx * Math.Cos(theta) + dy * Math.Sin(theta);
                    double across = -dx * Math.Sin(theta) + dy * Math.Cos(theta);
                    pixels[k * side * side + y * side + x] = Math.Exp(-(along * along) / 40 - (across * across) / 6) + 0.05 * rng.NextDouble();
                }
        }

        var times = new double[spikes];
        var neurons = new int[spikes];
        for (int i = 0; i < spikes; i++)
        {
            neurons[i] = rng.Next(0, 100);
            // rate modulated in time and by neuron index, so the raster has visible structure
            double t;
            do t = rng.NextDouble(); while (rng.NextDouble() > 0.5 + 0.5 * Math.Sin(2 * Math.PI * (4 * t + neurons[i] / 50.0)));
            times[i] = t;
        }

        var before = Enumerable.Range(0, 5000).Select(_ => 0.5 + 0.15 * Gauss()).ToArray();
        var after = Enumerable.Range(0, 5000).Select(_ => rng.NextDouble() < 0.6 ? 0.05 + 0.05 * Math.Abs(Gauss()) : 0.9 + 0.05 * Gauss()).ToArray();

        return
        [
            new LineFigure
            {
                Name = "accuracy", Title = "Test accuracy during training", XLabel = "epoch", YLabel = "accuracy",
                Caption = "Mean of 5 seeds; error bars are one standard deviation.",
                Series = [new Series("ideal", epochs, acc1, err, Markers: true), new Series("PCM", epochs, acc2, err, Markers: true)],
            },
            new LineFigure
            {
                Name = "loss", Title = "Loss (log–log)", XLabel = "iteration", YLabel = "loss", LogX = true, LogY = true,
                Series = [new Series("train", lossX, lossY)],
            },
            new LineFigure
            {
                Name = "weights-scatter", Title = "Programmed vs target conductance", XLabel = "target (µS)", YLabel = "programmed (µS)",
                Series = [new Series("devices", scatterX, scatterY, LineVisible: false)],
            },
            new BarFigure
            {
                Name = "device-accuracy", Title = "Accuracy per device", YLabel = "test accuracy",
                Categories = ["ideal", "PCM", "RRAM", "FeFET", "ECRAM"],
                Values = [[0.93, 0.914, 0.89, 0.902, 0.925], [0.95, 0.93, 0.91, 0.92, 0.94]],
                GroupLabels = ["1 epoch", "3 epochs"],
            },
            new HeatmapFigure
            {
                Name = "confusion", Title = "Confusion matrix", XLabel = "predicted", YLabel = "true", Rows = 10, Cols = 10, Values = confusion,
                RowLabels = Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(), ColLabels = Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(),
                Annotate = true, Caption = "Counts of 10 000 test images.",
            },
            new ImageGridFigure
            {
                Name = "receptive-fields", Title = "Receptive fields of 100 excitatory neurons", ImageWidth = side, ImageHeight = side,
                Pixels = pixels, Count = count, Columns = 10, Labels = Enumerable.Range(0, count).Select(i => (i % 10).ToString()).ToArray(),
            },
            new RasterFigure { Name = "raster", Title = "Spikes of 100 neurons", Times = times, Neurons = neurons },
            new HistogramFigure
            {
                Name = "weight-histogram", Title = "Weights before and after training", XLabel = "weight", Bins = 60,
                Values = [before, after], Labels = ["before", "after"],
            },
        ];
    }

    /// <summary>Writes metrics.json, figures.json, config.yaml and log.txt into <paramref name="dir"/>.</summary>
    public static void Create(string dir, int spikes = 100_000)
    {
        Directory.CreateDirectory(dir);
        Record().Save(dir);
        RunRecord.SaveFigures(dir, Figures(spikes));
        File.WriteAllText(Path.Combine(dir, RunFiles.Config),
            $"""
            # resolved configuration {ConfigMarker}
            experiment: diehl-cook-2015
            seed: 42
            network:
              excitatory: 400
              tau_membrane: 100 ms
            synapse:
              device: pcm
              preset: PcmPresets.Nandakumar2018
            train:
              epochs: 1
              note: "a < b && c > d"
            """);
        File.WriteAllLines(Path.Combine(dir, RunFiles.Log), Enumerable.Range(1, 500).Select(i => $"[{i:0000}] step {i}: rate {i % 37} Hz"));
    }
}

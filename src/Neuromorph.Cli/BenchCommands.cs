using Neuromorph.Storage;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Neuromorph.Experiments;
using Neuromorph.Numerics;

namespace Neuromorph.Cli;

/// <summary>
/// <c>neuromorph bench NAME [options] [--json FILE]</c>: timed benchmarks. The JSON file is
/// <c>{"benchmark": NAME, "figures": {…}}</c>; figures are also printed as a table.
/// </summary>
public static class BenchCommands
{
    public static Command Command()
    {
        var cmd = new Command("bench", "Timed benchmarks (Release build); see docs/benchmarks.md");
        cmd.Subcommands.Add(Gemm());
        foreach (var model in Spiking.SpikingBenchmarks.Models) cmd.Subcommands.Add(SpikingNetwork(model));
        cmd.Subcommands.Add(DevicePulses());
        cmd.Subcommands.Add(Esn());
        cmd.Subcommands.Add(Mlp());
        cmd.Subcommands.Add(MlpAnalog());
        cmd.Subcommands.Add(LeNet());
        cmd.Subcommands.Add(DiehlCook());
        return cmd;
    }

    private static Option<string?> JsonOption() => new("--json") { Description = "Write {\"benchmark\": NAME, \"figures\": {...}} to this file" };
    private static Option<int> ThreadsOption() => new("--threads") { Description = "Worker threads (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };

    private static Command Gemm()
    {
        var m = new Option<int>("--m") { DefaultValueFactory = _ => 64, Description = "rows of A (batch)" };
        var k = new Option<int>("--k") { DefaultValueFactory = _ => 784, Description = "inner dimension" };
        var n = new Option<int>("--n") { DefaultValueFactory = _ => 256, Description = "columns of B" };
        var reps = new Option<int>("--reps") { DefaultValueFactory = _ => 200, Description = "repetitions" };
        var threads = ThreadsOption();
        var json = JsonOption();
        var cmd = new Command("gemm", "Blocked FP32 GEMM C = A·B (Vector256/512 + FMA): GFLOP/s") { m, k, n, reps, threads, json };
        cmd.SetAction(pr => Cli.Guard(() =>
        {
            int mm = pr.GetValue(m), kk = pr.GetValue(k), nn = pr.GetValue(n), r = pr.GetValue(reps);
            if (mm <= 0 || kk <= 0 || nn <= 0 || r <= 0) throw new ArgumentException("--m, --k, --n and --reps must be positive");
            SetThreads(pr.GetValue(threads));
            var rng = new RandomStream(1, "bench-gemm");
            var a = new float[mm * kk]; var b = new float[kk * nn]; var c = new float[mm * nn];
            rng.FillNormal(a); rng.FillNormal(b);
            for (int i = 0; i < 5; i++) Kernels.Gemm(a, b, c, mm, kk, nn);   // warm-up (JIT tiers)
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < r; i++) Kernels.Gemm(a, b, c, mm, kk, nn);
            sw.Stop();
            double sec = sw.Elapsed.TotalSeconds / r;
            Emit("gemm", new()
            {
                ["m"] = mm, ["k"] = kk, ["n"] = nn, ["threads"] = pr.GetValue(threads),
                ["seconds_per_call"] = sec, ["gflops"] = 2.0 * mm * kk * nn / sec / 1e9,
            }, pr.GetValue(json));
            return 0;
        }));
        return cmd;
    }

    private static Command SpikingNetwork(string model)
    {
        var neurons = new Option<int>("--neurons") { DefaultValueFactory = _ => 4000, Description = "network size; p = 0.02 at 4,000, else 80/N (mean in-degree 80, as Brian2's speed tests)" };
        var duration = new Option<string>("--duration") { DefaultValueFactory = _ => "1 s", Description = "simulated time: seconds or a unit string (\"1 s\", \"500 ms\")" };
        var seed = new Option<ulong>("--seed") { DefaultValueFactory = _ => 1UL, Description = "random seed" };
        var reps = new Option<int>("--reps") { DefaultValueFactory = _ => 1, Description = "repetitions in this process; figures are the median repetition's, with the minimum simulate time" };
        var threads = ThreadsOption();
        var json = JsonOption();
        string what = model switch
        {
            "cuba" => "Brette et al. 2007 benchmark 2: LIF, current-based exponential synapses",
            "coba" => "Brette et al. 2007 benchmark 1: LIF, conductance-based synapses",
            "cobahh" => "Brette et al. 2007 benchmark 3: Traub-Miles Hodgkin-Huxley, conductance-based synapses",
            _ => "Brunel 2000: LIF with delays, external Poisson drive",
        };
        var cmd = new Command(model, $"{what}: build and simulate times, real-time factor, spikes, synaptic events/s, peak memory") { neurons, duration, threads, seed, reps, json };
        cmd.SetAction(pr => Cli.Guard(() =>
        {
            double t = Units.Quantity.Parse(pr.GetValue(duration)!, Units.Dimension.Time);
            int k = pr.GetValue(threads), n = pr.GetValue(reps);
            if (n < 1) throw new ArgumentException("--reps must be ≥ 1");
            SetThreads(k);
            var runs = Enumerable.Range(0, n).Select(_ => Spiking.SpikingBenchmarks.Run(model, pr.GetValue(neurons), t, k, pr.GetValue(seed)))
                .OrderBy(r => r.SimulateSeconds).ToList();
            var r = runs[(runs.Count - 1) / 2];
            Emit(model, new()
            {
                ["neurons"] = r.Neurons, ["synapses"] = r.Synapses, ["duration_seconds"] = r.Duration, ["threads"] = r.Threads, ["repetitions"] = n,
                ["build_seconds"] = r.BuildSeconds, ["simulate_seconds"] = r.SimulateSeconds, ["simulate_seconds_min"] = runs[0].SimulateSeconds,
                ["real_time_factor"] = r.RealTimeFactor, ["spikes"] = r.Spikes, ["synaptic_events"] = r.SynapticEvents,
                ["synaptic_events_per_second"] = r.SynapticEventsPerSecond, ["peak_memory_bytes"] = runs.Max(x => x.PeakMemoryBytes),
                ["mean_rate_hz"] = r.MeanRateHz, ["cv_isi"] = r.CvIsi ?? double.NaN,
            }, pr.GetValue(json));
            return 0;
        }));
        return cmd;
    }

    private static Command DevicePulses()
    {
        var devices = new Option<int>("--devices") { DefaultValueFactory = _ => 10_000_000, Description = "number of devices" };
        var pulses = new Option<int>("--pulses") { DefaultValueFactory = _ => 5, Description = "timed rounds of one pulse per device" };
        var threads = ThreadsOption();
        var json = JsonOption();
        var cmd = new Command("devices", "One pulse with cycle-to-cycle noise to each of N devices (Gokmen & Vlasov 2016 preset): device updates per second") { devices, pulses, threads, json };
        cmd.SetAction(pr => Cli.Guard(() =>
        {
            SetThreads(pr.GetValue(threads));
            var r = Devices.DeviceThroughput.Measure(pr.GetValue(devices), pr.GetValue(pulses));
            Emit("devices", new()
            {
                ["devices"] = r.Devices, ["pulses"] = r.Pulses, ["threads"] = pr.GetValue(threads),
                ["seconds"] = r.Seconds, ["device_updates_per_second"] = r.UpdatesPerSecond,
            }, pr.GetValue(json));
            return 0;
        }));
        return cmd;
    }

    private static Command Esn()
    {
        var units = new Option<int>("--units") { DefaultValueFactory = _ => 1000, Description = "reservoir units" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 10_000, Description = "training steps" };
        var threads = ThreadsOption();
        var json = JsonOption();
        var cmd = new Command("esn", "Echo-state network on NARMA10 with a ridge readout, as the ReservoirPy/NumPy reference script: init, harvest, fit and run times") { units, steps, threads, json };
        cmd.SetAction(pr => Cli.Guard(() =>
        {
            int k = pr.GetValue(threads);
            SetThreads(k);
            var r = Reservoir.ReservoirBenchmarks.Esn(pr.GetValue(units), pr.GetValue(steps), k);
            Emit("esn", new()
            {
                ["units"] = r.Units, ["train_steps"] = r.TrainSteps, ["test_steps"] = r.TestSteps, ["threads"] = r.Threads,
                ["init_seconds"] = r.InitSeconds, ["harvest_seconds"] = r.HarvestSeconds, ["fit_seconds"] = r.FitSeconds,
                ["run_seconds"] = r.RunSeconds, ["steps_per_second"] = r.StepsPerSecond, ["nrmse"] = r.Nrmse,
            }, pr.GetValue(json));
            return 0;
        }));
        return cmd;
    }

    private static Command Mlp() => DeepCommand("mlp",
        "MNIST MLP 784-256-128-10 on ideal float weights, SGD with momentum, as the PyTorch reference script: seconds per epoch and test accuracy",
        (mnist, epochs, batch) => Learning.Deep.DeepBenchmarks.MlpEpoch(mnist, epochs, batch));

    private static Command MlpAnalog() => DeepCommand("mlp-analog",
        "The same MLP trained on analog tiles (constant-step devices, aihwkit periphery, stochastic pulse-train updates): seconds per epoch and test accuracy",
        (mnist, epochs, batch) => Learning.Deep.DeepBenchmarks.AnalogMlpEpoch(mnist, (i, o, l) => new Crossbar.AnalogMatrix(i, o, new Crossbar.AnalogConfig(), 1, (uint)l), epochs, batch));

    private static Command LeNet() => DeepCommand("lenet",
        "LeNet-5 on MNIST with float weights, as the PyTorch reference script: seconds per epoch and test accuracy",
        (mnist, epochs, batch) => Learning.Deep.DeepBenchmarks.LeNetEpoch(mnist, null, epochs, batch));

    private static Command DeepCommand(string name, string description, Func<Data.MnistData, int, int, Learning.Deep.DeepBenchmarkResult> run)
    {
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 3, Description = "training epochs (each timed alone; the median is reported)" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 64, Description = "mini-batch size" };
        var threads = ThreadsOption();
        var json = JsonOption();
        var cmd = new Command(name, description) { epochs, batch, threads, json };
        cmd.SetAction(pr => Cli.Guard(() =>
        {
            if (pr.GetValue(epochs) < 1 || pr.GetValue(batch) < 1) throw new ArgumentException("--epochs and --batch must be ≥ 1");
            SetThreads(pr.GetValue(threads));
            var r = run(Data.Mnist.Load(scaleToUnit: true), pr.GetValue(epochs), pr.GetValue(batch));
            Emit(name, new()
            {
                ["epochs"] = r.EpochSeconds.Length, ["batch"] = pr.GetValue(batch), ["threads"] = pr.GetValue(threads),
                ["seconds_per_epoch"] = r.MedianEpochSeconds, ["first_epoch_seconds"] = r.EpochSeconds[0],
                ["test_accuracy"] = r.TestAccuracy,
            }, pr.GetValue(json));
            return 0;
        }));
        return cmd;
    }

    private static Command DiehlCook()
    {
        var neurons = new Option<int>("--neurons") { DefaultValueFactory = _ => 400, Description = "excitatory (and inhibitory) neurons" };
        var images = new Option<int>("--images") { DefaultValueFactory = _ => 100, Description = "timed training images (MNIST, after 20 untimed ones)" };
        var threads = ThreadsOption();
        var json = JsonOption();
        var cmd = new Command("diehl-cook", "Diehl & Cook 2015 STDP network training on MNIST: seconds per training image, the protocol of the Brian2 reference script") { neurons, images, threads, json };
        cmd.SetAction(pr => Cli.Guard(() =>
        {
            int k = pr.GetValue(threads), n = pr.GetValue(images);
            if (n < 1) throw new ArgumentException("--images must be ≥ 1");
            SetThreads(k);
            const int warmup = 20;
            var train = Data.Mnist.LoadSplit(Data.DataPaths.Require(Data.Datasets.Mnist), "train", scaleToUnit: true);
            var pixels = train.Features.AsSpan(0, Math.Min(train.Count, n + warmup) * train.FeatureCount).ToArray();
            double s = Learning.Unsupervised.StdpBenchmarks.DiehlCookImages(pr.GetValue(neurons), n, k, pixels, warmup);
            Emit("diehl-cook", new()
            {
                ["neurons"] = pr.GetValue(neurons), ["images"] = n, ["threads"] = k, ["seconds_per_image"] = s,
                ["epoch_60000_seconds_estimate"] = s * 60000,
            }, pr.GetValue(json));
            return 0;
        }));
        return cmd;
    }

    /// <summary>Caps the thread pool used by Parallel.For to <paramref name="threads"/> workers.</summary>
    public static void SetThreads(int threads)
    {
        if (threads <= 0) throw new ArgumentException($"--threads must be ≥ 1, got {threads}");
        Parallelism.MaxThreads = threads;
    }

    /// <summary>Prints the figures and writes the JSON file when asked.</summary>
    public static void Emit(string name, Dictionary<string, double> figures, string? jsonPath)
    {
        Console.WriteLine($"benchmark {name} on {ExperimentRunner.MachineDescription()}");
        foreach (var (k, v) in figures) Console.WriteLine($"  {k,-28} {v.ToString("G6", CultureInfo.InvariantCulture)}");
        if (jsonPath != null)
        {
            var doc = new Dictionary<string, object> { ["benchmark"] = name, ["machine"] = ExperimentRunner.MachineDescription(), ["figures"] = figures };
            AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        }
    }
}

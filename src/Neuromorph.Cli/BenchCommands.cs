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
            AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
        }
    }
}

using System.Diagnostics;
using Neuromorph.Data;
using Neuromorph.Numerics;

namespace Neuromorph.Reservoir;

/// <summary>Timings of one ESN benchmark run (seconds), with the accuracy that shows the run did real work.</summary>
/// <param name="Units">Reservoir units.</param>
/// <param name="TrainSteps">Training steps (reservoir updates whose states are harvested).</param>
/// <param name="TestSteps">Test steps.</param>
/// <param name="Threads">Worker threads.</param>
/// <param name="InitSeconds">Building W (CSR), W_in, and computing ρ(W) for the rescaling.</param>
/// <param name="HarvestSeconds">Running the reservoir over the training steps.</param>
/// <param name="FitSeconds">Harvest plus the ridge solve (Gram accumulation and Cholesky) — the "fit" phase of the reference script.</param>
/// <param name="RunSeconds">Test steps plus readout.</param>
/// <param name="Nrmse">NARMA10 test NRMSE.</param>
/// <param name="SpectralMethod">How ρ(W) was computed.</param>
public sealed record EsnBenchmarkResult(int Units, int TrainSteps, int TestSteps, int Threads, double InitSeconds, double HarvestSeconds,
    double FitSeconds, double RunSeconds, double Nrmse, SpectralMethod SpectralMethod)
{
    /// <summary>Reservoir updates per second during the harvest.</summary>
    public double StepsPerSecond => TrainSteps / HarvestSeconds;
}

/// <summary>
/// Benchmarks of the reservoir room. <see cref="Esn"/> reproduces the task of the reference script
/// <c>/work/shared/baselines/bench_esn.py</c> (ReservoirPy / NumPy) so the numbers can be compared
/// side by side: NARMA10 (u ~ U[0, 0.5], 200 discarded steps), ESN with leak 0.3, W with 10 %
/// N(0, 1) entries rescaled to spectral radius 0.9, W_in with 10 % non-zero ±1 entries, no bias,
/// x(0) = 0; ridge readout (λ = 10⁻⁶, unpenalised bias) on the states after 100 warm-up steps;
/// test on the following steps with the state carried over. Differences: float32 states (the
/// script uses float64) and our own random streams (the matrices differ, the statistics do not).
/// </summary>
public static class ReservoirBenchmarks
{
    /// <summary>Runs the ESN benchmark once and returns its timings.</summary>
    /// <param name="units">Reservoir size (reference: 1,000).</param>
    /// <param name="steps">Training steps (reference: 10,000).</param>
    /// <param name="threads">Worker threads for the state update, Gram accumulation and Cholesky.</param>
    /// <param name="testSteps">Test steps (reference: 2,000).</param>
    /// <param name="seed">Seed of the reservoir matrices.</param>
    /// <param name="method">How ρ(W) is computed.</param>
    /// <param name="warmUp">
    /// First run the whole benchmark once untimed (one warm-up iteration, as BenchmarkDotNet does), so
    /// the timed run executes the JIT's optimised code on warm caches and pages — the Python
    /// references run precompiled C. false times a cold process.
    /// </param>
    public static EsnBenchmarkResult Esn(int units = 1000, int steps = 10_000, int threads = 1, int testSteps = 2000, ulong seed = 42,
        SpectralMethod method = SpectralMethod.Auto, bool warmUp = true)
    {
        if (units < 1) throw new ArgumentOutOfRangeException(nameof(units), units, "units must be ≥ 1");
        if (steps <= 100) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must exceed the 100 warm-up steps");
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be ≥ 1");
        if (testSteps < 1) throw new ArgumentOutOfRangeException(nameof(testSteps), testSteps, "test steps must be ≥ 1");
        if (warmUp)
        {
            Esn(units, steps, threads, testSteps, seed, method, warmUp: false);
            GC.Collect(); GC.WaitForPendingFinalizers();   // the warm-up's arrays must not be collected inside the timed run
        }
        const int washout = 200, warmup = 100;
        var g = Narma10.Generate(washout + steps + testSteps + 1, 1234);
        var u = new float[steps + testSteps]; var y = new float[steps + testSteps];
        for (int t = 0; t < u.Length; t++) { u[t] = (float)g.Input[washout + t]; y[t] = (float)g.Output[washout + t + 1]; }

        int saved = Parallelism.MaxThreads;
        Parallelism.MaxThreads = threads;
        try
        {
            var sw = Stopwatch.StartNew();
            var esn = new EchoStateNetwork(new EsnParameters
            {
                Units = units, SpectralRadius = 0.9, Density = 0.1, LeakRate = 0.3, InputScaling = 1.0, InputConnectivity = 0.1,
                BinaryInputWeights = true, BiasScaling = 0, SpectralMethod = method,
            }, 1, seed) { Threads = threads };
            double init = sw.Elapsed.TotalSeconds;

            sw.Restart();
            var states = new float[(long)steps * units];
            esn.Run(u.AsSpan(0, steps), steps, states);
            double harvest = sw.Elapsed.TotalSeconds;
            var ridge = new RidgeRegression(units, 1);
            ridge.Accumulate(states.AsSpan(warmup * units), y.AsSpan(warmup, steps - warmup), steps - warmup);
            var w = ridge.Fit(1e-6);
            double fit = sw.Elapsed.TotalSeconds;

            sw.Restart();
            var testStates = new float[(long)testSteps * units];
            esn.Run(u.AsSpan(steps, testSteps), testSteps, testStates);
            var pred = new float[testSteps];
            RidgeRegression.Predict(w, testStates, pred, testSteps, units, 1);
            double run = sw.Elapsed.TotalSeconds;
            double nrmse = PredictionMetrics.Nrmse(pred, y.AsSpan(steps, testSteps));
            return new EsnBenchmarkResult(units, steps, testSteps, threads, init, harvest, fit, run, nrmse, esn.RawSpectralRadius.Method);
        }
        finally { Parallelism.MaxThreads = saved; }
    }
}

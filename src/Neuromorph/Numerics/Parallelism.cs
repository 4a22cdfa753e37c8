namespace Neuromorph.Numerics;

/// <summary>
/// Process-wide cap on worker threads for the library's parallel loops (benchmarks set it from
/// <c>--threads</c>). Results never depend on it: parallel work is partitioned so each output
/// is written by exactly one worker, and randomness is keyed by index, not by thread.
/// </summary>
public static class Parallelism
{
    private static int _maxThreads = Environment.ProcessorCount;

    /// <summary>Maximum worker threads (≥ 1).</summary>
    public static int MaxThreads
    {
        get => _maxThreads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "thread count must be ≥ 1");
            _maxThreads = value;
        }
    }

    /// <summary>Options for <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> honouring <see cref="MaxThreads"/>.</summary>
    public static ParallelOptions Options => new() { MaxDegreeOfParallelism = _maxThreads };
}

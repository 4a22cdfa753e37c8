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

    /// <summary>
    /// Runs part(0) … part(parts − 1), in parallel on the persistent workers when there is more than
    /// one thread (else in order on the caller). Parts must write disjoint data.
    /// </summary>
    public static void RunParts(int parts, Action<int> part)
    {
        if (parts <= 1 || Parallelism.MaxThreads == 1) { for (int p = 0; p < parts; p++) part(p); return; }
        if (!Team.Run(parts, part)) Parallel.For(0, parts, Options, part);
    }

    /// <summary>
    /// Persistent workers for the many short parallel steps of training (products, periphery, tile
    /// updates: tens of µs each, where
    /// a thread-pool hand-off often arrives after the calling thread has done all the work
    /// itself). Parts are claimed in order, the caller first, so on a quiet machine the caller
    /// takes part 0 and the spinning worker part 1 every time (each keeps its columns of the
    /// weights in its own cache), while under load a worker that has not been scheduled does not
    /// hold up the step: the caller takes its part over. Workers spin briefly between jobs, then
    /// sleep on a monitor. One caller at a time; a second
    /// concurrent caller is told to use <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> instead.
    /// </summary>
    private static class Team
    {
        private sealed class Job(Action<int> body, int parts)
        {
            public readonly Action<int> Body = body;
            public readonly int Parts = parts;
            public int Next, Done;
            public Exception? Error;

            /// <summary>Claims and runs parts until none is left (the caller takes over the parts of a worker that has not started).</summary>
            public void Drain()
            {
                int p;
                while ((p = Interlocked.Increment(ref Next) - 1) < Parts)
                {
                    try { Body(p); }
                    catch (Exception e) { Error = e; }
                    Interlocked.Increment(ref Done);
                }
            }
        }

        private static readonly object Gate = new(), Sleep = new();
        private static int _workers, _sleepers;
        private static Job? _current;

        public static bool Run(int parts, Action<int> body)
        {
            if (!Monitor.TryEnter(Gate)) return false;
            try
            {
                for (; _workers < parts - 1; _workers++)
                {
                    new Thread(Work) { IsBackground = true, Name = $"neuromorph-gemm-{_workers + 1}" }.Start();
                }
                var job = new Job(body, parts);
                Interlocked.Exchange(ref _current, job);   // full fence: publish, then look for sleepers
                if (Volatile.Read(ref _sleepers) > 0) lock (Sleep) Monitor.PulseAll(Sleep);
                job.Drain();
                var spin = new SpinWait();
                while (Volatile.Read(ref job.Done) < parts) spin.SpinOnce(-1);
                if (job.Error != null) throw new AggregateException(job.Error);
                return true;
            }
            finally { Monitor.Exit(Gate); }
        }

        private static void Work()
        {
            Job? last = null;
            while (true)
            {
                var spin = new SpinWait();
                Job? job;
                for (int i = 0; ReferenceEquals(job = Volatile.Read(ref _current), last); i++)
                {
                    if (i < 2000) { spin.SpinOnce(-1); continue; }
                    lock (Sleep)
                    {
                        Interlocked.Increment(ref _sleepers);   // full fence: announce, then re-check
                        if (ReferenceEquals(Volatile.Read(ref _current), last)) Monitor.Wait(Sleep);
                        Interlocked.Decrement(ref _sleepers);
                    }
                }
                last = job;
                job?.Drain();
            }
        }
    }
}

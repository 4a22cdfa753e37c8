using Neuromorph.Storage;
using Neuromorph.Figures;
using Neuromorph.Energy;

namespace Neuromorph.Experiments;

/// <summary>
/// One kind of experiment (the <c>experiment:</c> key of a file). Binding reads and validates
/// the whole configuration before any work; running does the work and records results.
/// </summary>
public interface IExperiment
{
    /// <summary>Does the work. Called only after binding reported no errors.</summary>
    void Run(RunContext context);
}

/// <summary>A registered experiment kind.</summary>
/// <param name="Kind">The value of the <c>experiment:</c> key.</param>
/// <param name="Description">One line for <c>neuromorph list</c>.</param>
/// <param name="Bind">Reads the configuration sections (collecting errors) and returns the runnable experiment.</param>
public sealed record ExperimentKind(string Kind, string Description, Func<ConfigSection, IExperiment> Bind);

/// <summary>Receives progress and log lines from a run (the CLI shows a progress bar or plain lines).</summary>
public interface IRunObserver
{
    /// <summary>A log line (already written to log.txt).</summary>
    void Log(string line);
    /// <summary>Progress of the current stage: <paramref name="done"/> of <paramref name="total"/> units.</summary>
    void Progress(string stage, long done, long total);
}

/// <summary>What a running experiment uses: seed, run folder, logging, progress, checkpoints, and where it records results.</summary>
public sealed class RunContext
{
    private readonly List<string> _log = [];
    private readonly IRunObserver _observer;
    private DateTime _lastLogFlush = DateTime.MinValue;

    internal RunContext(string name, ulong seed, string runDirectory, bool resuming, IRunObserver observer, CancellationToken cancel)
    {
        Name = name; Seed = seed; RunDirectory = runDirectory; Resuming = resuming; _observer = observer; Cancellation = cancel;
        Checkpoints = new CheckpointStore(Path.Combine(runDirectory, RunFiles.CheckpointsFolder));
    }

    /// <summary>The experiment's name.</summary>
    public string Name { get; }
    /// <summary>The experiment seed; key every random stream by it.</summary>
    public ulong Seed { get; }
    /// <summary>The run folder.</summary>
    public string RunDirectory { get; }
    /// <summary>True when continuing an interrupted run: load checkpoints before starting over.</summary>
    public bool Resuming { get; }
    /// <summary>Checkpoint storage of this run.</summary>
    public CheckpointStore Checkpoints { get; }
    /// <summary>Cancellation requested by the user (Ctrl+C).</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Metric values by snake_case name (<c>test_accuracy</c> as a fraction 0–1, …).</summary>
    public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);
    /// <summary>Figures for the report.</summary>
    public List<Figure> Figures { get; } = [];
    /// <summary>Tables for the report.</summary>
    public List<ReportTable> Tables { get; } = [];
    /// <summary>Summary lines printed at the end and shown at the top of the report.</summary>
    public List<string> Summary { get; } = [];
    /// <summary>Operations counted over the evaluated inferences (what energy is computed from).</summary>
    public OpCounters Counters { get; } = new();
    /// <summary>How many inferences <see cref="Counters"/> covers (energy per inference divides by it).</summary>
    public double Inferences { get; set; }

    /// <summary>Records a metric.</summary>
    public void Metric(string name, double value) => Metrics[name] = value;

    /// <summary>Writes a log line (timestamped in log.txt, shown by the observer).</summary>
    public void Log(string message)
    {
        var line = $"{DateTime.UtcNow:HH:mm:ss} {message}";
        lock (_log) _log.Add(line);
        _observer.Log(message);
        if ((DateTime.UtcNow - _lastLogFlush).TotalSeconds > 5) FlushLog();
    }

    /// <summary>Reports progress of a stage.</summary>
    public void Progress(string stage, long done, long total) => _observer.Progress(stage, done, total);

    /// <summary>Writes log.txt (atomically, all lines so far).</summary>
    public void FlushLog()
    {
        string text;
        lock (_log) text = string.Join('\n', _log) + "\n";
        AtomicFile.WriteAllText(Path.Combine(RunDirectory, RunFiles.Log), text);
        _lastLogFlush = DateTime.UtcNow;
    }

    internal void LoadPreviousLog()
    {
        var p = Path.Combine(RunDirectory, RunFiles.Log);
        if (File.Exists(p)) lock (_log) _log.AddRange(File.ReadAllLines(p));
    }
}

using Neuromorph.Storage;
using Neuromorph.Figures;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Neuromorph.Experiments;

/// <summary>File names inside a run directory <c>runs/&lt;name&gt;-&lt;timestamp&gt;/</c>.</summary>
public static class RunFiles
{
    public const string Metrics = "metrics.json";
    public const string Figures = "figures.json";
    public const string Config = "config.yaml";
    public const string Log = "log.txt";
    public const string Report = "report.html";
    public const string PlotsFolder = "plots";
    public const string CheckpointsFolder = "checkpoints";
}

/// <summary>Energy of the run on one technology, as stored in metrics.json.</summary>
public sealed record EnergyRecord
{
    public required double TotalJoules { get; init; }
    public required double JoulesPerInference { get; init; }
    public required Dictionary<string, double> Breakdown { get; init; }
    public required string[] NotModelled { get; init; }
    public required string Description { get; init; }
    public required string Source { get; init; }
}

/// <summary>Where and how a run was made.</summary>
public sealed record Provenance
{
    public required string Version { get; init; }
    public string? GitCommit { get; init; }
    public required ulong Seed { get; init; }
    public required string Machine { get; init; }
    public required string Os { get; init; }
    public required int Cores { get; init; }
    public required string Runtime { get; init; }
    public required DateTime StartedUtc { get; init; }
    public required double DurationSeconds { get; init; }
    public string? Command { get; init; }
    public string? ConfigFile { get; init; }
}

/// <summary>
/// The content of <c>metrics.json</c>: <c>{"metrics": {"name": number, …}, …}</c> with
/// snake_case metric names (<c>test_accuracy</c> as a fraction 0–1, <c>nrmse</c>,
/// <c>energy_joules_per_inference</c>, …), operation counts, energy per technology, report
/// tables and provenance.
/// </summary>
public sealed record RunRecord
{
    public required string Experiment { get; init; }
    public string? Description { get; init; }
    public required Dictionary<string, double> Metrics { get; init; }
    public required Dictionary<string, long> Counts { get; init; }
    /// <summary>Number of inferences the counts cover (test samples, say); energy per inference divides by it.</summary>
    public required double Inferences { get; init; }
    public required Dictionary<string, EnergyRecord> Energy { get; init; }
    /// <summary>The technology behind the plain <c>energy_joules_per_inference</c> metric (the experiment's <c>energy.primary</c>).</summary>
    public string? PrimaryTechnology { get; init; }
    public List<ReportTable> Tables { get; init; } = [];
    /// <summary>Plain-text lines the run printed as its summary.</summary>
    public List<string> Summary { get; init; } = [];
    public required Provenance Provenance { get; init; }

    /// <summary>JSON options used for every run file (snake_case, indented, NaN allowed as strings).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads a run's metrics.json.</summary>
    public static RunRecord Load(string runDir)
    {
        var path = Path.Combine(runDir, RunFiles.Metrics);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} not found: is '{runDir}' a run directory?", path);
        return JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(path), JsonOptions)
            ?? throw new InvalidDataException($"{path}: empty");
    }

    /// <summary>Writes metrics.json atomically.</summary>
    public void Save(string runDir) =>
        AtomicFile.WriteAllText(Path.Combine(runDir, RunFiles.Metrics), JsonSerializer.Serialize(this, JsonOptions));

    /// <summary>Reads figures.json (empty list when absent).</summary>
    public static List<Figure> LoadFigures(string runDir)
    {
        var path = Path.Combine(runDir, RunFiles.Figures);
        if (!File.Exists(path)) return [];
        return JsonSerializer.Deserialize<List<Figure>>(File.ReadAllText(path), JsonOptions) ?? [];
    }

    /// <summary>Writes figures.json atomically.</summary>
    public static void SaveFigures(string runDir, IReadOnlyList<Figure> figures) =>
        AtomicFile.WriteAllText(Path.Combine(runDir, RunFiles.Figures), JsonSerializer.Serialize(figures, JsonOptions));
}

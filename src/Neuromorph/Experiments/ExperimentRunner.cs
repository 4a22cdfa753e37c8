using Neuromorph.Storage;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Neuromorph.Data;
using Neuromorph.Energy;

namespace Neuromorph.Experiments;

/// <summary>Options of one <c>neuromorph run</c>.</summary>
public sealed record RunOptions
{
    /// <summary>The experiment file.</summary>
    public required string ConfigPath { get; init; }
    /// <summary><c>key.path=value</c> overrides, applied in order.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];
    /// <summary>Write the run exactly into this folder (else <c>RunsRoot/&lt;name&gt;-&lt;timestamp&gt;</c>).</summary>
    public string? RunDirectory { get; init; }
    /// <summary>Parent of timestamped run folders.</summary>
    public string RunsRoot { get; init; } = "runs";
    /// <summary>Continue an interrupted run from its checkpoints.</summary>
    public bool Resume { get; init; }
    /// <summary>The command line, for provenance.</summary>
    public string? Command { get; init; }
}

/// <summary>What a finished run produced.</summary>
public sealed record RunOutcome(string RunDirectory, RunRecord Record);

/// <summary>
/// Loads, validates and runs an experiment file: parse YAML → apply overrides → bind every
/// section (all errors reported together, before any work) → create the run folder → run →
/// price the operation counts on every technology table → write metrics.json, figures.json,
/// config.yaml and log.txt atomically. The report is rendered by the caller (Reports adapter).
/// </summary>
public static class ExperimentRunner
{
    private static readonly string[] DefaultTechnologies = ["biology", "loihi", "truenorth", "reckon", "cmos45"];

    /// <summary>The result of binding: everything needed to run, or the errors.</summary>
    public sealed record BoundExperiment(string Name, string? Description, ulong Seed, IExperiment Experiment, ConfigBinding Binding,
        string[] Technologies, string PrimaryTechnology, TechnologyCatalog Catalog);

    /// <summary>Parses and validates a file without running it; throws <see cref="ConfigException"/> listing every problem.</summary>
    public static BoundExperiment Bind(string configPath, IReadOnlyList<string> overrides)
    {
        var root = ConfigTree.Load(configPath);
        var errors = new List<string>();
        foreach (var o in overrides)
        {
            try { ConfigTree.ApplyOverride(root, o); }
            catch (ConfigException e) { errors.AddRange(e.Errors); }
        }
        if (errors.Count > 0) throw new ConfigException(errors);

        var binding = new ConfigBinding(Path.GetFileName(configPath), Path.GetDirectoryName(Path.GetFullPath(configPath))!);
        var top = ConfigSection.Root(root, binding);
        var name = top.RequireString("name");
        if (name.Length > 0 && !name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.'))
            top.Error("name", $"'{name}' may contain only letters, digits, '-', '_' and '.' (it names the run folder)");
        var description = top.GetOptionalString("description");
        var seed = (ulong)top.GetInt("seed", 42, 0);
        var kinds = ExperimentRegistry.Kinds;
        var kind = top.RequireString("experiment", [.. kinds.Select(k => k.Kind)]);

        // Energy section: which technology tables to price the run on.
        var energy = top.Section("energy");
        var extraTables = energy.GetStringList("tables", []);
        var catalogDirs = new List<string>();
        if (DataPaths.BundledDataDirectory is { } bundled) catalogDirs.Add(Path.Combine(bundled, "energy"));
        if (Environment.GetEnvironmentVariable(DataPaths.EnvironmentVariable) is { Length: > 0 } env) catalogDirs.Add(Path.Combine(env, "energy"));
        TechnologyCatalog catalog;
        try
        {
            catalog = TechnologyCatalog.Load([.. catalogDirs]);
            foreach (var t in extraTables)
            {
                var p = Path.IsPathRooted(t) ? t : Path.Combine(binding.BaseDirectory, t);
                if (!File.Exists(p)) { energy.Error("tables", $"energy table file '{t}' not found (looked at {p})"); continue; }
                foreach (var table in TechnologyTable.LoadFile(p)) catalog.Add(table);
            }
        }
        catch (FormatException e) { binding.Error(e.Message); catalog = new TechnologyCatalog(); }
        var known = catalog.Tables.Select(t => t.Name).ToArray();
        var techs = energy.GetStringList("technologies", [.. DefaultTechnologies.Where(catalog.Contains)], known.Length > 0 ? known : DefaultTechnologies);
        var primary = energy.GetString("primary", techs.FirstOrDefault() ?? "", techs.Length > 0 ? techs : [""]);

        IExperiment? experiment = null;
        var chosen = kinds.FirstOrDefault(k => k.Kind == kind);
        if (chosen != null)
        {
            try { experiment = chosen.Bind(top); }
            catch (ConfigException e) { errors.AddRange(e.Errors); }
        }
        binding.CheckUnknownKeys(root);
        errors.InsertRange(0, binding.AllErrors);
        if (errors.Count > 0 || experiment == null) throw new ConfigException(errors.Count > 0 ? errors : [$"{configPath}: no experiment was bound"]);
        return new BoundExperiment(name, description, seed, experiment, binding, techs, primary, catalog);
    }

    /// <summary>Runs an experiment file end to end; returns the run folder and record.</summary>
    public static RunOutcome Run(RunOptions options, IRunObserver observer, CancellationToken cancel = default)
    {
        var bound = Bind(options.ConfigPath, options.Overrides);
        var resolvedYaml = bound.Binding.ResolvedYaml();
        var runDir = ChooseRunDirectory(options, bound.Name, resolvedYaml);
        Directory.CreateDirectory(runDir);
        bool resuming = options.Resume && File.Exists(Path.Combine(runDir, RunFiles.Config));
        AtomicFile.WriteAllText(Path.Combine(runDir, RunFiles.Config), resolvedYaml);

        var ctx = new RunContext(bound.Name, bound.Seed, runDir, resuming, observer, cancel);
        if (resuming) ctx.LoadPreviousLog();
        var started = DateTime.UtcNow;
        var sw = Stopwatch.StartNew();
        ctx.Log(resuming ? $"resuming {bound.Name} in {runDir}" : $"running {bound.Name} (seed {bound.Seed}) into {runDir}");
        try
        {
            bound.Experiment.Run(ctx);
        }
        catch (Exception e)
        {
            ctx.Log($"run failed: {e.GetType().Name}: {e.Message}");
            ctx.FlushLog();
            throw;
        }
        sw.Stop();

        // Energy on every requested technology.
        var energy = new Dictionary<string, EnergyRecord>();
        foreach (var t in bound.Technologies)
        {
            var table = bound.Catalog.Get(t);
            var est = table.Estimate(ctx.Counters, ctx.Inferences);
            energy[t] = new EnergyRecord
            {
                TotalJoules = est.TotalJoules,
                JoulesPerInference = est.JoulesPerInference,
                Breakdown = est.Breakdown.ToDictionary(kv => OpCounters.Key(kv.Key), kv => kv.Value),
                NotModelled = [.. est.NotModelled.Select(OpCounters.Key)],
                Description = table.Description,
                Source = table.Source,
            };
            if (ctx.Inferences > 0) ctx.Metric($"energy_joules_per_inference/{t}", est.JoulesPerInference);
        }
        if (ctx.Inferences > 0 && energy.TryGetValue(bound.PrimaryTechnology, out var prim))
            ctx.Metric("energy_joules_per_inference", prim.JoulesPerInference);

        var record = new RunRecord
        {
            Experiment = bound.Name,
            Description = bound.Description,
            Metrics = ctx.Metrics,
            Counts = ctx.Counters.ToDictionary(),
            Inferences = ctx.Inferences,
            Energy = energy,
            PrimaryTechnology = energy.ContainsKey(bound.PrimaryTechnology) ? bound.PrimaryTechnology : null,
            Tables = ctx.Tables,
            Summary = ctx.Summary,
            Provenance = new Provenance
            {
                Version = typeof(ExperimentRunner).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                GitCommit = GitCommit(),
                Seed = bound.Seed,
                Machine = MachineDescription(),
                Os = RuntimeInformation.OSDescription,
                Cores = Environment.ProcessorCount,
                Runtime = RuntimeInformation.FrameworkDescription,
                StartedUtc = started,
                DurationSeconds = sw.Elapsed.TotalSeconds,
                Command = options.Command,
                ConfigFile = Path.GetFullPath(options.ConfigPath),
            },
        };
        RunRecord.SaveFigures(runDir, ctx.Figures);
        record.Save(runDir);
        ctx.Log($"finished in {sw.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        ctx.FlushLog();
        return new RunOutcome(runDir, record);
    }

    private static string ChooseRunDirectory(RunOptions o, string name, string resolvedYaml)
    {
        if (o.RunDirectory != null)
        {
            var dir = Path.GetFullPath(o.RunDirectory);
            if (o.Resume) CheckSameConfig(dir, resolvedYaml);
            return dir;
        }
        var root = Path.GetFullPath(o.RunsRoot);
        if (o.Resume)
        {
            var latest = Directory.Exists(root)
                ? Directory.GetDirectories(root, name + "-*").Where(d => !File.Exists(Path.Combine(d, RunFiles.Metrics))).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
                : null;
            if (latest == null)
                throw new ConfigException([$"--resume: no interrupted run of '{name}' under {root} (an interrupted run has config.yaml but no metrics.json); use --run-dir DIR to name one"]);
            CheckSameConfig(latest, resolvedYaml);
            return latest;
        }
        var stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var path = Path.Combine(root, $"{name}-{stamp}");
        for (int i = 2; Directory.Exists(path); i++) path = Path.Combine(root, $"{name}-{stamp}-{i}");
        return path;
    }

    private static void CheckSameConfig(string dir, string resolvedYaml)
    {
        var p = Path.Combine(dir, RunFiles.Config);
        if (File.Exists(p) && File.ReadAllText(p) != resolvedYaml)
            throw new ConfigException([$"--resume: the configuration differs from the interrupted run's {p}; resume with the same file and --set options, or start a new run"]);
    }

    private static string? GitCommit()
    {
        var root = DataPaths.RepositoryRoot;
        if (root == null) return null;
        try
        {
            var psi = new ProcessStartInfo("git", "rev-parse --short=12 HEAD") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi);
            if (p == null) return null;
            var s = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(5000);
            if (p.ExitCode != 0 || s.Length == 0) return null;
            var dirty = new ProcessStartInfo("git", "status --porcelain --untracked-files=no") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
            using var q = Process.Start(dirty);
            var changes = q?.StandardOutput.ReadToEnd().Trim() ?? "";
            q?.WaitForExit(5000);
            return changes.Length > 0 ? s + "-dirty" : s;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }

    /// <summary>Host name and CPU model (from /proc/cpuinfo on Linux).</summary>
    public static string MachineDescription()
    {
        string cpu = RuntimeInformation.ProcessArchitecture.ToString();
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line != null) cpu = line[(line.IndexOf(':') + 1)..].Trim();
            }
        }
        catch (IOException) { }
        return $"{Environment.MachineName}, {cpu}, {Environment.ProcessorCount} cores";
    }
}

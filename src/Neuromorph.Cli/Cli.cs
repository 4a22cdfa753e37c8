using System.CommandLine;
using System.Globalization;
using Neuromorph.Experiments;
using Spectre.Console;

namespace Neuromorph.Cli;

/// <summary>The <c>neuromorph</c> command line: run, validate, list, report, bench.</summary>
public static class Cli
{
    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code (0 ok, 1 run failure, 2 bad input).</summary>
    public static int Run(string[] args)
    {
        // Bind Spectre's console to the current standard output (it otherwise keeps the writer it
        // saw first), so redirected or embedded invocations print where the caller expects.
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        var root = new RootCommand("Neuromorph — physics-aware neuromorphic computing: any algorithm on any device model, measured for accuracy, energy and robustness.");
        root.Subcommands.Add(RunCommand());
        root.Subcommands.Add(ValidateCommand());
        root.Subcommands.Add(ListCommand());
        root.Subcommands.Add(ReportCommand());
        root.Subcommands.Add(DeviceCommand.Command());
        root.Subcommands.Add(BenchCommands.Command());
        return root.Parse(args).Invoke();
    }

    private static Option<string[]> SetOption() => new("--set")
    {
        Description = "Override a key of the experiment file: --set network.neurons=400 (repeatable)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static Command RunCommand()
    {
        var file = new Argument<string>("file") { Description = "Experiment file (experiments/*.yaml)" };
        var set = SetOption();
        var runDir = new Option<string?>("--run-dir") { Description = "Write the run exactly into this folder" };
        var runs = new Option<string>("--out") { Description = "Parent folder of timestamped run folders", DefaultValueFactory = _ => "runs" };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run from its last checkpoint (the latest one, or --run-dir)" };
        var noReport = new Option<bool>("--no-report") { Description = "Skip rendering report.html (metrics.json is still written)" };
        var cmd = new Command("run", "Run an experiment file and write runs/<name>-<timestamp>/ with metrics.json and report.html") { file, set, runDir, runs, resume, noReport };
        cmd.SetAction(pr =>
        {
            var options = new RunOptions
            {
                ConfigPath = pr.GetValue(file)!,
                Overrides = pr.GetValue(set) ?? [],
                RunDirectory = pr.GetValue(runDir),
                RunsRoot = pr.GetValue(runs) ?? "runs",
                Resume = pr.GetValue(resume),
                Command = "neuromorph " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            };
            return Guard(() => RunExperiment(options, !pr.GetValue(noReport)));
        });
        return cmd;
    }

    private static int RunExperiment(RunOptions options, bool report)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        var outcome = ProgressDisplay.Run(observer => ExperimentRunner.Run(options, observer, cts.Token));
        var rec = outcome.Record;
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(rec.Experiment)}[/]");
        table.AddColumn("metric"); table.AddColumn(new TableColumn("value").RightAligned());
        foreach (var (k, v) in rec.Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            table.AddRow(Markup.Escape(k), Markup.Escape(FormatMetric(k, v)));
        AnsiConsole.Write(table);
        foreach (var line in rec.Summary) AnsiConsole.MarkupLine(Markup.Escape(line));
        if (report)
        {
            var html = Reports.ReportWriter.Write(outcome.RunDirectory).ReportPath;
            AnsiConsole.MarkupLine($"report: [link]{Markup.Escape(html)}[/]");
        }
        AnsiConsole.MarkupLine($"run folder: {Markup.Escape(outcome.RunDirectory)}");
        return 0;
    }

    /// <summary>Formats a metric for display: accuracies as percentages, energies with engineering prefixes.</summary>
    public static string FormatMetric(string name, double v)
    {
        if (name.Contains("accuracy", StringComparison.Ordinal) && v is >= 0 and <= 1) return (100 * v).ToString("F2", CultureInfo.InvariantCulture) + " %";
        if (name.StartsWith("energy_joules", StringComparison.Ordinal)) return Units.Quantity.Format(v, "J");
        return v.ToString("G5", CultureInfo.InvariantCulture);
    }

    private static Command ValidateCommand()
    {
        var file = new Argument<string>("file") { Description = "Experiment file" };
        var set = SetOption();
        var cmd = new Command("validate", "Check an experiment file (and --set overrides) without running it; prints the resolved configuration") { file, set };
        cmd.SetAction(pr => Guard(() =>
        {
            var bound = ExperimentRunner.Bind(pr.GetValue(file)!, pr.GetValue(set) ?? []);
            Console.Write(bound.Binding.ResolvedYaml());
            Console.Error.WriteLine($"{pr.GetValue(file)}: valid");
            return 0;
        }));
        return cmd;
    }

    private static Command ListCommand()
    {
        var what = new Argument<string>("what")
        {
            Description = "experiments | datasets | presets | technologies | kinds",
            DefaultValueFactory = _ => "experiments",
        };
        what.AcceptOnlyFromAmong("experiments", "datasets", "presets", "technologies", "kinds");
        var cmd = new Command("list", "List experiment files, data sets, device presets, energy technologies or experiment kinds") { what };
        cmd.SetAction(pr => Guard(() => Listing.Print(pr.GetValue(what)!)));
        return cmd;
    }

    private static Command ReportCommand()
    {
        var dir = new Argument<string>("run-dir") { Description = "A run folder (runs/<name>-<timestamp>)" };
        var cmd = new Command("report", "Regenerate report.html (and its plots) of a run folder") { dir };
        cmd.SetAction(pr => Guard(() =>
        {
            var html = Reports.ReportWriter.Write(pr.GetValue(dir)!).ReportPath;
            Console.WriteLine(html);
            return 0;
        }));
        return cmd;
    }

    /// <summary>Runs a command body, turning known input errors into one clear message each and exit code 2.</summary>
    public static int Guard(Func<int> body)
    {
        try { return body(); }
        catch (ConfigException e)
        {
            foreach (var err in e.Errors) Console.Error.WriteLine($"error: {err}");
            Console.Error.WriteLine($"{e.Errors.Count} problem{(e.Errors.Count == 1 ? "" : "s")} found; nothing was run.");
            return 2;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or FormatException or ArgumentException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted; resume with --resume");
            return 130;
        }
    }
}

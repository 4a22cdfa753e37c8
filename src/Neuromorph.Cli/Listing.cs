using Neuromorph.Data;
using Neuromorph.Energy;
using Neuromorph.Experiments;
using Spectre.Console;

namespace Neuromorph.Cli;

/// <summary><c>neuromorph list …</c>.</summary>
public static class Listing
{
    public static int Print(string what)
    {
        switch (what)
        {
            case "experiments": Experiments(); break;
            case "technologies": Technologies(); break;
            case "kinds":
                foreach (var k in ExperimentRegistry.Kinds) Console.WriteLine($"{k.Kind,-28} {k.Description}");
                break;
            case "datasets": DatasetsList(); break;
            case "presets": Presets(); break;
        }
        return 0;
    }

    private static void Experiments()
    {
        var dir = DataPaths.RepositoryRoot is { } r ? Path.Combine(r, "experiments") : "experiments";
        if (!Directory.Exists(dir)) { Console.Error.WriteLine($"no experiments folder at {dir}"); return; }
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("file"); table.AddColumn("kind"); table.AddColumn("description");
        foreach (var f in Directory.GetFiles(dir, "*.yaml").OrderBy(f => f, StringComparer.Ordinal))
        {
            string kind = "?", desc = "";
            try
            {
                var root = ConfigTree.Load(f);
                if (root.TryGet("experiment", out var k) && k is ConfigScalar ks) kind = ks.Text;
                if (root.TryGet("description", out var d) && d is ConfigScalar ds) desc = ds.Text.ReplaceLineEndings(" ").Trim();
            }
            catch (ConfigException e) { desc = "invalid: " + e.Errors[0]; }
            table.AddRow(Markup.Escape(Path.GetRelativePath(Directory.GetCurrentDirectory(), f)), Markup.Escape(kind), Markup.Escape(desc));
        }
        AnsiConsole.Write(table);
    }

    private static void Technologies()
    {
        var dirs = new List<string>();
        if (DataPaths.BundledDataDirectory is { } b) dirs.Add(Path.Combine(b, "energy"));
        if (Environment.GetEnvironmentVariable(DataPaths.EnvironmentVariable) is { Length: > 0 } env) dirs.Add(Path.Combine(env, "energy"));
        var cat = TechnologyCatalog.Load([.. dirs]);
        foreach (var t in cat.Tables)
        {
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(t.Name)}[/] — {Markup.Escape(t.Description)} [grey]({Markup.Escape(t.Source)})[/]");
            foreach (var e in t.Ops.Values)
                AnsiConsole.MarkupLine($"  {OpCounters.Key(e.Op),-18} {Units.Quantity.Format(e.Joules, "J"),10}  [grey]{Markup.Escape(e.Source)}[/]");
        }
    }

    private static void DatasetsList()
    {
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("name"); table.AddColumn("data set"); table.AddColumn("found at"); table.AddColumn("licence");
        foreach (var d in Datasets.All)
        {
            var where = DataPaths.Find(d.Name);
            table.AddRow(Markup.Escape(d.Name), Markup.Escape(d.Title),
                where != null ? Markup.Escape(where) : $"[yellow]missing[/] — get it from {Markup.Escape(d.DownloadUrl)}",
                Markup.Escape(d.Licence));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]Search order: ${DataPaths.EnvironmentVariable}/<name>, the repository's data/<name>, {Markup.Escape(DataPaths.CacheDirectory)}/<name>.[/]");
    }

    private static void Presets()
    {
        foreach (var p in Devices.DevicePresets.All)
        {
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(p.Name)}[/]  {Markup.Escape(p.Kind.ToString())}  [grey]protocols: {Markup.Escape(string.Join(", ", p.Protocols))}[/]");
            AnsiConsole.MarkupLine($"    {Markup.Escape(p.Description)} [grey]— {Markup.Escape(p.Source)}[/]");
        }
        AnsiConsole.MarkupLine("[grey]Characterise one: neuromorph device PRESET --protocol P[/]");
    }
}

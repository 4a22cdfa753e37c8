using Neuromorph.Storage;
using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Neuromorph.Devices;
using Neuromorph.Experiments;
using Spectre.Console;

namespace Neuromorph.Cli;

/// <summary>
/// <c>neuromorph device PRESET [--protocol P] [--pulses N] [--time T] [--devices N]</c>:
/// characterises one device model across N devices and writes a run folder with plots, CSV and
/// report.html (pulses: conductance vs pulse number; drift: 1 s – T; iv: hysteresis loops;
/// switching: probability vs amplitude and width; spikes: spike trains vs input; telegraph:
/// dwell-time histograms).
/// </summary>
public static class DeviceCommand
{
    public static Command Command()
    {
        var preset = new Argument<string>("preset") { Description = "Device preset (neuromorph list presets)" };
        var protocol = new Option<string?>("--protocol") { Description = "pulses | drift | iv | switching | spikes | telegraph (default: the preset's first)" };
        protocol.AcceptOnlyFromAmong(DeviceCharacterization.Protocols);
        var pulses = new Option<int>("--pulses") { DefaultValueFactory = _ => CharacterizationOptions.Default.Pulses, Description = "pulses per direction (pulses protocol)" };
        var time = new Option<string>("--time") { DefaultValueFactory = _ => "1y", Description = "longest time of the drift protocol, e.g. 1y, 10y, 1 day" };
        var devices = new Option<int>("--devices") { DefaultValueFactory = _ => CharacterizationOptions.Default.Devices, Description = "number of devices (device-to-device spread)" };
        var seed = new Option<ulong>("--seed") { DefaultValueFactory = _ => 1UL, Description = "random seed" };
        var runDir = new Option<string?>("--run-dir") { Description = "write exactly into this folder (default runs/device-<preset>-<protocol>-<timestamp>)" };
        var cmd = new Command("device", "Characterise one device model across N devices: plots, CSV and a report") { preset, protocol, pulses, time, devices, seed, runDir };
        cmd.SetAction(pr => Cli.Guard(() =>
        {
            var p = DevicePresets.Get(pr.GetValue(preset)!);
            var proto = pr.GetValue(protocol) ?? p.Protocols[0];
            if (!p.Protocols.Contains(proto))
                throw new ArgumentException($"preset '{p.Name}' supports --protocol {string.Join(" | ", p.Protocols)}, not '{proto}'");
            var options = new CharacterizationOptions(pr.GetValue(devices), pr.GetValue(pulses), Units.Quantity.Parse(pr.GetValue(time)!, Units.Dimension.Time), pr.GetValue(seed));
            options.Validate();
            var started = DateTime.UtcNow;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var result = DeviceCharacterization.Run(p, proto, options);
            var dir = Path.GetFullPath(pr.GetValue(runDir) ?? Path.Combine("runs", $"device-{p.Name}-{proto}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}"));
            Directory.CreateDirectory(dir);
            AtomicFile.WriteAllText(Path.Combine(dir, $"{p.Name}-{proto}.csv"), result.Csv);
            RunRecord.SaveFigures(dir, result.Figures);
            new RunRecord
            {
                Experiment = $"device {p.Name} --protocol {proto}",
                Description = $"{p.Description} Source: {p.Source}.",
                Metrics = new() { ["devices"] = options.Devices },
                Counts = [], Inferences = 0, Energy = [],
                Summary = [$"{p.Name} ({p.Kind}): protocol {proto} over {options.Devices} devices. CSV: {p.Name}-{proto}.csv."],
                Provenance = new Provenance
                {
                    Version = typeof(DeviceCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", Seed = options.Seed,
                    Machine = ExperimentRunner.MachineDescription(), Os = RuntimeInformation.OSDescription, Cores = Environment.ProcessorCount,
                    Runtime = RuntimeInformation.FrameworkDescription, StartedUtc = started, DurationSeconds = sw.Elapsed.TotalSeconds,
                    Command = "neuromorph " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
                },
            }.Save(dir);
            var html = Reports.ReportWriter.Write(dir).ReportPath;
            AnsiConsole.MarkupLine($"{Markup.Escape(p.Name)} [grey]({Markup.Escape(p.Source)})[/]: {result.Figures.Count} figures, CSV {Markup.Escape(Path.Combine(dir, $"{p.Name}-{proto}.csv"))}");
            AnsiConsole.MarkupLine($"report: {Markup.Escape(html)}");
            return 0;
        }));
        return cmd;
    }
}

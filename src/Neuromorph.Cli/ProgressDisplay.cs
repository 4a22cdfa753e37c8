using System.Diagnostics;
using System.Globalization;
using Neuromorph.Experiments;
using Spectre.Console;

namespace Neuromorph.Cli;

/// <summary>
/// Shows a run's progress: a Spectre.Console progress bar with ETA on an interactive terminal,
/// plain periodic lines ("stage: 40 % (400/1000), ETA 12 s") when output is redirected.
/// </summary>
public static class ProgressDisplay
{
    /// <summary>Runs <paramref name="work"/> with an observer suited to the console.</summary>
    public static T Run<T>(Func<IRunObserver, T> work)
    {
        bool interactive = !Console.IsErrorRedirected && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive) return work(new PlainObserver());
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => { result = work(new BarObserver(ctx)); });
        return result;
    }

    private sealed class BarObserver(ProgressContext ctx) : IRunObserver
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];
        public void Log(string line) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
        public void Progress(string stage, long done, long total)
        {
            lock (_tasks)
            {
                if (!_tasks.TryGetValue(stage, out var t)) _tasks[stage] = t = ctx.AddTask(Markup.Escape(stage), maxValue: Math.Max(1, total));
                t.MaxValue = Math.Max(1, total);
                t.Value = Math.Min(done, total);
            }
        }
    }

    private sealed class PlainObserver : IRunObserver
    {
        private readonly Dictionary<string, (Stopwatch Clock, double LastPrint, long LastFraction)> _stages = [];
        public void Log(string line) => Console.Error.WriteLine(line);
        public void Progress(string stage, long done, long total)
        {
            lock (_stages)
            {
                if (!_stages.TryGetValue(stage, out var s)) s = (Stopwatch.StartNew(), -1e9, -1);
                double t = s.Clock.Elapsed.TotalSeconds;
                long pct = total > 0 ? 100 * done / total : 0;
                bool finished = done >= total;
                if (finished && s.LastFraction == 100) return;
                if (finished || t - s.LastPrint >= 5 || pct / 10 > s.LastFraction / 10 && t - s.LastPrint >= 1)
                {
                    string eta = done > 0 && !finished ? $", ETA {(t / done * (total - done)).ToString("F0", CultureInfo.InvariantCulture)} s" : "";
                    Console.Error.WriteLine($"{stage}: {pct} % ({done}/{total}){eta}");
                    s = (s.Clock, t, pct);
                }
                _stages[stage] = s;
            }
        }
    }
}

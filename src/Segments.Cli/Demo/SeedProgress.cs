using System.Diagnostics;
using Spectre.Console;

namespace Segments.Cli.Demo;

/// <summary>One step of the seed: advanced as work is done, done at the end (which shows it at 100 %).</summary>
internal interface ISeedStep
{
    void Advance(double amount);

    void Done();
}

/// <summary>The steps of the seed as they start.</summary>
internal interface ISeedProgress
{
    /// <summary>A step of <paramref name="total"/> units, or of unknown length (null).</summary>
    ISeedStep Start(string description, double? total);
}

/// <summary>
/// The seed's progress: bars in a terminal; elsewhere (output redirected to a file or a test) one line per step
/// when it is done, since Spectre.Console's fallback prints only at its refreshes and so missed the ends of steps.
/// </summary>
internal static class SeedProgress
{
    public static Task RunAsync(Func<ISeedProgress, Task> seed) => AnsiConsole.Profile.Capabilities.Interactive
        ? AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(context => seed(new Bars(context)))
        : seed(new Lines());

    private sealed class Bars(ProgressContext context) : ISeedProgress
    {
        public ISeedStep Start(string description, double? total)
        {
            var task = context.AddTask(description, maxValue: total ?? 1);
            task.IsIndeterminate = total is null;
            return new Bar(task);
        }
    }

    private sealed class Bar(ProgressTask task) : ISeedStep
    {
        public void Advance(double amount) => task.Increment(amount);

        public void Done()
        {
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }

    private sealed class Lines : ISeedProgress
    {
        public ISeedStep Start(string description, double? total) => new Line(description);
    }

    private sealed class Line(string description) : ISeedStep
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();

        public void Advance(double amount)
        {
        }

        public void Done() => Console.Out.WriteLine($"{description}: 100% ({_watch.Elapsed.TotalSeconds:0.0} s)");
    }
}

using System.Diagnostics;

namespace Segments.Cli.Tests;

/// <summary>Runs the built `segments` program as a child process and captures what it prints.</summary>
internal static class SegmentsCommand
{
    public static readonly string SeedFolder = Path.Combine(AppContext.BaseDirectory, "data", "seed-audiences");

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "segments.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"segments {string.Join(' ', args)} did not finish");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A copy of the seed data set that a test may change.</summary>
    public static string CopyOfSeed()
    {
        var folder = Directory.CreateTempSubdirectory("segments-cli-").FullName;
        foreach (var file in Directory.GetFiles(SeedFolder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        return folder;
    }
}

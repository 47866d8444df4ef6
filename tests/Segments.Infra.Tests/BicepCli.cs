using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Segments.Infra.Tests;

/// <summary>One run of the bicep CLI.</summary>
public sealed record BicepRun(string Command, int ExitCode, string StdOut, string StdErr)
{
    /// <summary>
    /// Why this run does not count as clean: a non-zero exit code, or any diagnostic at all.
    /// Bicep reports misspelled or unknown properties and API versions (BCP089, BCP036, BCP037,
    /// BCP081...) and every linter finding as warnings and still exits 0, so a warning is a failure
    /// here. Diagnostics go to standard error; <paramref name="stdoutIsDiagnostics"/> also counts
    /// standard output (lint), which must then be empty.
    /// </summary>
    public IReadOnlyList<string> Problems(bool stdoutIsDiagnostics = false)
    {
        var problems = new List<string>();
        if (ExitCode != 0)
        {
            problems.Add($"'{Command}' exited with {ExitCode}.");
        }

        var diagnostics = stdoutIsDiagnostics ? StdErr + "\n" + StdOut : StdErr;
        problems.AddRange(BicepCli.DiagnosticLines(diagnostics).Select(line => $"'{Command}': {line}"));
        return problems;
    }
}

public static partial class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs bicep in the repository root with <paramref name="arguments"/>.</summary>
    public static BicepRun Run(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(TestEnvironment.BicepExecutable)
        {
            WorkingDirectory = TestEnvironment.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var command = "bicep " + string.Join(' ', arguments);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish within {Timeout}.");
        }

        return new BicepRun(command, process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>The non-blank lines of <paramref name="output"/>: every one is a diagnostic or an error message.</summary>
    public static IEnumerable<string> DiagnosticLines(string output) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => !string.IsNullOrWhiteSpace(l));

    /// <summary>The diagnostic codes (BCP089, no-unused-params...) in bicep output.</summary>
    public static IReadOnlyList<string> DiagnosticCodes(string output) =>
        DiagnosticPattern().Matches(output).Select(m => m.Groups["code"].Value).ToList();

    [GeneratedRegex(@": (?:Warning|Error|Info) (?<code>[A-Za-z0-9-]+):")]
    private static partial Regex DiagnosticPattern();
}

using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Segments.TestSupport.Emulators;

/// <summary>
/// One emulator as a child `node` process: collects its output, waits for the lines that say it
/// listens, and kills it (with its children) on dispose.
/// </summary>
internal sealed class EmulatorProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Regex _readyLine;
    private readonly List<Match> _readyMatches = [];
    private readonly int _readyCount;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _command;

    public string Name { get; }

    /// <summary>Matches of the readiness pattern, in order (each carries the port the process printed).</summary>
    public IReadOnlyList<Match> ReadyMatches => _readyMatches;

    private EmulatorProcess(string name, ProcessStartInfo start, Regex readyLine, int readyCount)
    {
        Name = name;
        _readyLine = readyLine;
        _readyCount = readyCount;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, "");
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, "stderr: ");
        _process.Exited += (_, _) => OnExited();
        _command = "node " + string.Join(' ', start.ArgumentList);
    }

    /// <summary>Starts `node script args` in <paramref name="workingDirectory"/>.</summary>
    public static EmulatorProcess Start(string name, string workingDirectory, string script, IEnumerable<string> args, Regex readyLine, int readyCount = 1)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            // A pipe the child can watch: when this process dies, the pipe closes (cosmos-server.js exits then).
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var emulator = new EmulatorProcess(name, start, readyLine, readyCount);
        emulator._process.Start();
        emulator._process.BeginOutputReadLine();
        emulator._process.BeginErrorReadLine();
        return emulator;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        try
        {
            await _ready.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw Failure($"was not ready within {timeout.TotalSeconds:0} s");
        }
    }

    private void OnExited()
    {
        if (_ready.Task.IsCompleted)
        {
            return; // stopped after start-up, normally by Dispose
        }

        try
        {
            _process.WaitForExit(); // drains the redirected output, so the error shows all of it
            _ready.TrySetException(Failure($"exited with code {_process.ExitCode}"));
        }
        catch (InvalidOperationException)
        {
            _ready.TrySetException(Failure("exited")); // disposed meanwhile
        }
    }

    private void OnLine(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(prefix).AppendLine(line);
            var match = _readyLine.Match(line);
            if (match.Success)
            {
                _readyMatches.Add(match);
                if (_readyMatches.Count == _readyCount)
                {
                    _ready.TrySetResult();
                }
            }
        }
    }

    private InvalidOperationException Failure(string what)
    {
        string output;
        lock (_output)
        {
            output = _output.ToString();
        }

        return new InvalidOperationException(
            $"{Name} {what}.{Environment.NewLine}command: {_command}{Environment.NewLine}" +
            $"output:{Environment.NewLine}{(output.Length == 0 ? "(none)" : output)}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}

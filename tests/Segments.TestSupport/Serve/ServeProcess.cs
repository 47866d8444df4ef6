using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Segments.TestSupport.Serve;

/// <summary>
/// `segments serve` as a child process on a free loopback port with its output redirected (as a service manager or a
/// log file would take it), stopped with SIGTERM like a service manager does or killed with SIGKILL like a crash. Either with one tenant configured
/// through the environment, as a deployment would, or as a newcomer starts it: <c>serve --demo</c>, no configuration.
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    public const string Tenant = "e2e";
    public const string ApiKey = "sk_end_to_end_test_key_0123456789";
    public const string PixelKey = "pk_end_to_end";

    private readonly Process _process;
    private readonly StringWriter _output = new();
    private readonly StringWriter _stdout = new();

    private ServeProcess(Process process, Uri root)
    {
        _process = process;
        Root = root;
        Api = new Uri(root, "api/");
        Client = new HttpClient { BaseAddress = Api, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The site root, where the web console is served.</summary>
    public Uri Root { get; }

    public Uri Api { get; }

    /// <summary>The allowed origin of the configured tenant's pixel (the service's own address).</summary>
    public string Origin => Api.GetLeftPart(UriPartial.Authority);

    public HttpClient Client { get; }

    /// <summary>Standard output and error as they came.</summary>
    public string Output => Read(_output);

    /// <summary>Standard output alone, line by line.</summary>
    public string[] StdoutLines => Read(_stdout).Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Serve with the end-to-end tenant configured through the environment, and <paramref name="settings"/> on top.</summary>
    public static async Task<ServeProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null)
    {
        var url = $"http://127.0.0.1:{LoopbackPorts.Free()}";
        var environment = new Dictionary<string, string>
        {
            ["Segments__Tenants__0__Id"] = Tenant,
            ["Segments__Tenants__0__ApiKey"] = ApiKey,
            ["Segments__Tenants__0__PixelKey"] = PixelKey,
            ["Segments__Tenants__0__TokenSecret"] = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray()),
            ["Segments__Tenants__0__AllowedOrigins__0"] = url,
            ["Logging__LogLevel__Default"] = "Warning",
            // What the event log's fold says about where it resumes and stops is part of what the crash tests read.
            ["Logging__LogLevel__Segments.Embedded.Streaming"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        var serve = Launch(url, dataDirectory, [], environment);
        serve.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !serve.HasExited)
        {
            try
            {
                if ((await serve.Client.GetAsync("openapi.json")).StatusCode == HttpStatusCode.OK)
                {
                    return serve;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        await serve.DisposeAsync();
        throw new InvalidOperationException($"serve did not come up:\n{serve.Output}");
    }

    /// <summary>
    /// <c>serve --demo</c> with nothing configured, as the README starts it, until it prints that it is ready (or exits).
    /// Meanwhile <paramref name="probe"/> is called every 200 ms, to see what the API answers while the demo is seeded.
    /// </summary>
    public static async Task<ServeProcess> StartDemoAsync(string dataDirectory, Func<ServeProcess, Task>? probe = null)
    {
        var url = $"http://127.0.0.1:{LoopbackPorts.Free()}";
        var serve = Launch(url, dataDirectory, ["--demo"], new Dictionary<string, string>());
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline && !serve.HasExited && !serve.StdoutLines.Contains(ReadyLine))
        {
            if (probe is not null && serve.Client.DefaultRequestHeaders.Authorization is null && DemoKey(dataDirectory) is { } key)
            {
                serve.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
            if (probe is not null && serve.Client.DefaultRequestHeaders.Authorization is not null)
            {
                await probe(serve);
            }
            await Task.Delay(200);
        }
        if (!serve.HasExited && !serve.StdoutLines.Contains(ReadyLine))
        {
            await serve.DisposeAsync();
            throw new InvalidOperationException($"serve --demo did not get ready:\n{serve.Output}");
        }
        if (DemoKey(dataDirectory) is { } demoKey)
        {
            serve.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", demoKey);
        }
        return serve;
    }

    public const string ReadyLine = "segments serve is ready";

    /// <summary>The demo tenant's API key, as the README reads it from tenants.json (null before the file is written).</summary>
    public static string? DemoKey(string dataDirectory)
    {
        try
        {
            return ApiKeyLine().Match(File.ReadAllText(Path.Combine(dataDirectory, "tenants.json"))) is { Success: true } match ? match.Groups[1].Value : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits for the process to end on its own (a start it refused), within a minute.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, then wait for the process to exit (it folds for a bounded time on the way out).</summary>
    public async Task StopAsync(TimeSpan? patience = null)
    {
        if (_process.HasExited)
        {
            return;
        }
        await SignalAsync("-TERM");
        using var timeout = new CancellationTokenSource(patience ?? TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>SIGKILL: the process ends at once, as in a crash or a power cut of the process alone.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        await SignalAsync("-KILL");
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
            Client.Dispose();
        }
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private static ServeProcess Launch(string url, string dataDirectory, string[] extra, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "segments.dll"), "serve", "--urls", url, "--data-dir", dataDirectory }.Concat(extra))
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start)!;
        var serve = new ServeProcess(process, new Uri($"{url}/"));
        process.OutputDataReceived += (_, e) =>
        {
            serve.Record(serve._output, e.Data);
            serve.Record(serve._stdout, e.Data);
        };
        process.ErrorDataReceived += (_, e) => serve.Record(serve._output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return serve;
    }

    private void Record(StringWriter writer, string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                writer.WriteLine(line);
            }
        }
    }

    private string Read(StringWriter writer)
    {
        lock (_output)
        {
            return writer.ToString();
        }
    }

    [GeneratedRegex("\"ApiKey\": \"(.*)\"")]
    private static partial Regex ApiKeyLine();
}

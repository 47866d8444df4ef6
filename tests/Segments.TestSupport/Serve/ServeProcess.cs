using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Segments.TestSupport.Serve;

/// <summary>
/// `segments serve` as a child process on a free loopback port, with one tenant configured through the
/// environment (as a deployment would), stopped with SIGTERM like a service manager does, or killed with SIGKILL
/// like a crash. The project using it references Segments.Cli, so that <c>segments.dll</c> is in its output folder.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    public const string Tenant = "e2e";
    public const string ApiKey = "sk_end_to_end_test_key_0123456789";

    private readonly Process _process;
    private readonly StringWriter _output = new();

    private ServeProcess(Process process, Uri api)
    {
        _process = process;
        Api = api;
        Client = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public Uri Api { get; }

    public HttpClient Client { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="settings">More settings, as environment variables (<c>Segments__Stream__ShutdownFoldSeconds</c>).</param>
    public static async Task<ServeProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "segments.dll"), "serve", "--urls", url, "--data-dir", dataDirectory })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["Segments__Tenants__0__Id"] = Tenant;
        start.Environment["Segments__Tenants__0__ApiKey"] = ApiKey;
        start.Environment["Segments__Tenants__0__PixelKey"] = "pk_end_to_end";
        start.Environment["Segments__Tenants__0__TokenSecret"] = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray());
        start.Environment["Segments__Tenants__0__AllowedOrigins__0"] = url;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // What the event log fold says about where it resumes and stops is part of what the crash tests read.
        start.Environment["Logging__LogLevel__Segments.Embedded.Streaming"] = "Information";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        var serve = new ServeProcess(process, new Uri($"{url}/api/"));
        process.OutputDataReceived += (_, e) => serve.Record(e.Data);
        process.ErrorDataReceived += (_, e) => serve.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline && !process.HasExited)
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

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.WriteLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

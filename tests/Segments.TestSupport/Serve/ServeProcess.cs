using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Segments.TestSupport.Serve;

/// <summary>
/// `segments serve` as a child process on a free loopback port, with one tenant configured through the
/// environment (as a deployment would), stopped with SIGTERM like a service manager does. The test project
/// references src/Segments.Cli, so segments.dll is beside the tests.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    public const string ApiKey = "sk_end_to_end_test_key_0123456789";

    private readonly Process _process;
    private readonly StringWriter _output = new();

    private ServeProcess(Process process, Uri root)
    {
        _process = process;
        Root = root;
        Api = new Uri(root, "api/");
        Client = new HttpClient { BaseAddress = Api };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    /// <summary>The site root, where the web console is served.</summary>
    public Uri Root { get; }

    public Uri Api { get; }

    public HttpClient Client { get; }

    public string Output => _output.ToString();

    /// <summary>Starts serve on <paramref name="dataDirectory"/> with the given extra options (<c>--demo</c>), once it answers.</summary>
    public static async Task<ServeProcess> StartAsync(string dataDirectory, params string[] options)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "segments.dll"), "serve", "--urls", url, "--data-dir", dataDirectory }.Concat(options))
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["Segments__Tenants__0__Id"] = "e2e";
        start.Environment["Segments__Tenants__0__ApiKey"] = ApiKey;
        start.Environment["Segments__Tenants__0__PixelKey"] = "pk_end_to_end";
        start.Environment["Segments__Tenants__0__TokenSecret"] = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray());
        start.Environment["Segments__Tenants__0__AllowedOrigins__0"] = url;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        var serve = new ServeProcess(process, new Uri($"{url}/"));
        process.OutputDataReceived += (_, e) => serve.Record(e.Data);
        process.ErrorDataReceived += (_, e) => serve.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // The demo seeds 10,000 contacts before serve says it is ready; on a busy machine that takes a while.
        var deadline = DateTime.UtcNow.AddMinutes(options.Contains("--demo") ? 4 : 1);
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

    /// <summary>Waits until serve has printed <paramref name="text"/> (the banner comes once <c>--demo</c> has seeded).</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"serve never printed '{text}':\n{Output}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>SIGTERM, then wait for a clean exit (the in-process stream is drained on the way out).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
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

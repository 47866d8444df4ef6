using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segments.Core.Streaming;
using Segments.Embedded;
using Segments.Embedded.Streaming;
using Segments.TestSupport.Serve;
using EventLog = Segments.Embedded.Streaming.EventLog;

namespace Segments.Bench.Serve;

/// <summary>
/// Events acknowledged per second by <c>POST /api/events</c>: each client posts a batch, waits for its 202 (given once
/// the events are fsynced in the event log) and posts the next; the fold runs behind, as in production. A warm-up (3 s
/// unless told), then the measured window. The same clients post the same batches, in the same run, to two references
/// in this process: a bare Kestrel endpoint answering 202 (what the clients and HTTP on loopback reach on this machine
/// at all), and the same endpoint appending each body to an <see cref="EventLog"/> of its own before its 202 (that, plus
/// the group-committed fsync). The ratios say what the routes, their checks and the fold cost on top. Since the machine
/// may be shared, serve's CPU time per acknowledged event is printed too, and beside the acknowledged rate what the fold
/// did meanwhile: the events it had folded by the end of the window (the checkpoint, at most a second behind), the
/// backlog it left, and how long it took to fold everything once the clients stopped.
/// </summary>
internal static class Ingestion
{
    /// <param name="serveOnly">Skips the two references (they do not change with serve's build): to compare builds of serve in less time.</param>
    public static async Task RunAsync(int seconds, int clients, int batch, int warmUp, bool serveOnly)
    {
        Console.WriteLine($"ingestion: {clients} clients, batches of {batch}, {seconds} s measured after {warmUp} s of warm-up each");
        var bare = serveOnly ? null : await MeasureAsync(seconds, warmUp, clients, batch, () => Reference.StartAsync(durable: false));
        var logged = serveOnly ? null : await MeasureAsync(seconds, warmUp, clients, batch, () => Reference.StartAsync(durable: true));
        var serve = await MeasureAsync(seconds, warmUp, clients, batch, ServeEndpoint.StartAsync);
        Console.WriteLine("| endpoint | acknowledged | events/s | requests/s | not acknowledged | serve / it |");
        Console.WriteLine("|---|---|---|---|---|---|");
        if (bare is not null && logged is not null)
        {
            Print("bare Kestrel, 202", bare, serve);
            Print("bare Kestrel + event log (fsynced), 202", logged, serve);
        }
        Print("`segments serve` POST /api/events", serve, serve);
        Console.WriteLine($"serve's CPU: {serve.Cpu.TotalSeconds:N1} s over the {serve.Window.TotalSeconds:N1} s window, " +
            $"{serve.Cpu.TotalMicroseconds / (serve.Requests * batch):N0} µs an acknowledged event; the clients' (this process) " +
            $"{serve.ClientsCpu.TotalMicroseconds / (serve.Requests * batch):N0} µs");
        Console.WriteLine(serve.Fold);
    }

    private sealed record Figure(long Requests, long Refused, int Batch, TimeSpan Window, TimeSpan Cpu, TimeSpan ClientsCpu, string Fold)
    {
        public double EventsPerSecond => Requests * Batch / Window.TotalSeconds;
    }

    private static void Print(string endpoint, Figure figure, Figure serve) =>
        Console.WriteLine($"| {endpoint} | {figure.Requests * figure.Batch:N0} events | {figure.EventsPerSecond:N0} | " +
            $"{figure.Requests / figure.Window.TotalSeconds:N0} | {figure.Refused:N0} | {serve.EventsPerSecond / figure.EventsPerSecond:N2} |");

    /// <summary>An endpoint under test: its API, the CPU time of the process serving it (when not this one), and what its fold did.</summary>
    private interface IEndpoint : IAsyncDisposable
    {
        Uri Api { get; }

        TimeSpan Cpu();

        /// <summary>After the window (the clients still posting) and once they stopped: a line on the fold, or "" when there is none.</summary>
        Task<string> FoldAsync(EventTraffic traffic, int batch, Stopwatch sinceFirstPost, Func<Task> stopClients);
    }

    private static async Task<Figure> MeasureAsync(int seconds, int warmUp, int clients, int batch, Func<Task<IEndpoint>> start)
    {
        await using var endpoint = await start();
        var traffic = new EventTraffic(contacts: 10_000, seed: 1);
        using var stop = new CancellationTokenSource();
        var sinceFirstPost = Stopwatch.StartNew();
        var posting = traffic.RunAsync(endpoint.Api, ServeProcess.ApiKey, clients, batch, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(warmUp));
        var (requests, refused) = (traffic.Requests, traffic.Refused);
        var (cpu, clientsCpu) = (endpoint.Cpu(), Process.GetCurrentProcess().TotalProcessorTime);
        var window = await Clock.TimeAsync(() => Task.Delay(TimeSpan.FromSeconds(seconds)));
        var figure = new Figure(traffic.Requests - requests, traffic.Refused - refused, batch, window, endpoint.Cpu() - cpu,
            Process.GetCurrentProcess().TotalProcessorTime - clientsCpu, "");
        var fold = await endpoint.FoldAsync(traffic, batch, sinceFirstPost, async () =>
        {
            await stop.CancelAsync();
            await posting;
        });
        await stop.CancelAsync();
        await posting;
        return figure with { Fold = fold };
    }

    /// <summary>`segments serve` as a child process, with a fresh data folder.</summary>
    private sealed class ServeEndpoint(ServeProcess serve, DataFolder data) : IEndpoint
    {
        public static async Task<IEndpoint> StartAsync()
        {
            var data = new DataFolder();
            return new ServeEndpoint(await ServeProcess.StartAsync(data.Path), data);
        }

        public Uri Api => serve.Api;

        public TimeSpan Cpu()
        {
            using var process = Process.GetProcessById(serve.Id);
            return process.TotalProcessorTime;
        }

        public async Task<string> FoldAsync(EventTraffic traffic, int batch, Stopwatch sinceFirstPost, Func<Task> stopClients)
        {
            var (folded, acknowledged, at) = (Checkpoint(), traffic.Requests * batch, sinceFirstPost.Elapsed);
            await stopClients();
            var total = traffic.Requests * batch;
            var caughtUp = await Clock.TimeAsync(() => FoldAudit.WaitUntilFoldedAsync(serve.Client, TimeSpan.FromMinutes(30)));
            return $"the fold: {folded:N0} of the {acknowledged:N0} events acknowledged in the first {at.TotalSeconds:N1} s folded by then " +
                $"({folded / at.TotalSeconds:N0} events/s; checkpoint, at most 1 s behind), a backlog of {acknowledged - folded:N0}; all " +
                $"{total:N0} folded {caughtUp.TotalSeconds:N1} s after the clients stopped ({total / (at + caughtUp).TotalSeconds:N0} events/s over the whole run)";
        }

        /// <summary>The fold's persisted position in the log: every event before it is folded.</summary>
        private long Checkpoint()
        {
            var file = Path.Combine(data.Path, EmbeddedRuntime.StreamFolder, "checkpoint");
            return File.Exists(file) ? long.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture) : 0;
        }

        public async ValueTask DisposeAsync()
        {
            await serve.DisposeAsync();
            data.Dispose();
        }
    }

    /// <summary>Kestrel on loopback with one route, <c>POST /api/events</c>, answering 202 as serve does; with the durable log or without.</summary>
    private sealed class Reference(WebApplication app, EventLog? log, DataFolder data, Uri api) : IEndpoint
    {
        public static async Task<IEndpoint> StartAsync(bool durable)
        {
            var data = new DataFolder();
            var log = durable ? EventLog.Open(data.Path, new EventLogOptions(), TimeProvider.System) : null;
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapPost("/api/events", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                if (log is not null)
                {
                    await log.PublishAsync([new OutgoingEvent("reference", "c", body.ToArray())]);
                    log.MarkFolded(log.Appended);
                }
                return TypedResults.Accepted((string?)null, new { accepted = 10, rejected = Array.Empty<object>() });
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Reference(app, log, data, new Uri($"{address}/api/"));
        }

        public Uri Api => api;

        /// <summary>Not measured: the endpoint shares this process with the clients.</summary>
        public TimeSpan Cpu() => TimeSpan.Zero;

        public Task<string> FoldAsync(EventTraffic traffic, int batch, Stopwatch sinceFirstPost, Func<Task> stopClients) => Task.FromResult("");

        public async ValueTask DisposeAsync()
        {
            await app.DisposeAsync();
            log?.Dispose();
            data.Dispose();
        }
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Segments.Core.Streaming;
using Segments.Embedded.Streaming;
using Segments.TestSupport.Serve;

namespace Segments.Bench.Serve;

/// <summary>
/// Events acknowledged per second by <c>POST /api/events</c>: each client posts a batch, waits for its 202 (given once
/// the events are fsynced in the event log) and posts the next; the fold runs behind, as in production. Three seconds
/// of warm-up, then the measured window. The same clients post the same batches, in the same run, to two references
/// in this process: a bare Kestrel endpoint answering 202 (what the clients and HTTP on loopback reach on this machine
/// at all), and the same endpoint appending each body to an <see cref="EventLog"/> of its own before its 202 (that, plus
/// the group-committed fsync). The ratios say what the routes, their checks and the fold cost on top.
/// </summary>
internal static class Ingestion
{
    public static async Task RunAsync(int seconds, int clients, int batch)
    {
        Console.WriteLine($"ingestion: {clients} clients, batches of {batch}, {seconds} s measured after 3 s of warm-up each");
        Console.WriteLine("| endpoint | acknowledged | events/s | requests/s | not acknowledged | serve / it |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var bare = await MeasureAsync(seconds, clients, batch, () => Reference.StartAsync(durable: false));
        var logged = await MeasureAsync(seconds, clients, batch, () => Reference.StartAsync(durable: true));
        var serve = await MeasureAsync(seconds, clients, batch, ServeAsync);
        Print("bare Kestrel, 202", bare, serve);
        Print("bare Kestrel + event log (fsynced), 202", logged, serve);
        Print("`segments serve` POST /api/events", serve, serve);
    }

    private sealed record Figure(long Requests, long Refused, int Batch, TimeSpan Window)
    {
        public double EventsPerSecond => Requests * Batch / Window.TotalSeconds;
    }

    private static void Print(string endpoint, Figure figure, Figure serve) =>
        Console.WriteLine($"| {endpoint} | {figure.Requests * figure.Batch:N0} events | {figure.EventsPerSecond:N0} | " +
            $"{figure.Requests / figure.Window.TotalSeconds:N0} | {figure.Refused:N0} | {serve.EventsPerSecond / figure.EventsPerSecond:N2} |");

    private static async Task<Figure> MeasureAsync(int seconds, int clients, int batch, Func<Task<(Uri Api, IAsyncDisposable Host)>> start)
    {
        var (api, host) = await start();
        await using (host)
        {
            var traffic = new EventTraffic(contacts: 10_000, seed: 1);
            using var stop = new CancellationTokenSource();
            var posting = traffic.RunAsync(api, ServeProcess.ApiKey, clients, batch, stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(3));
            var (requests, refused) = (traffic.Requests, traffic.Refused);
            var window = await Clock.TimeAsync(() => Task.Delay(TimeSpan.FromSeconds(seconds)));
            var figure = new Figure(traffic.Requests - requests, traffic.Refused - refused, batch, window);
            await stop.CancelAsync();
            await posting;
            return figure;
        }
    }

    private static async Task<(Uri, IAsyncDisposable)> ServeAsync()
    {
        var data = new DataFolder();
        var serve = await ServeProcess.StartAsync(data.Path);
        return (serve.Api, new Teardown(async () =>
        {
            await serve.DisposeAsync();
            data.Dispose();
        }));
    }

    private sealed class Teardown(Func<Task> stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stop();
    }

    /// <summary>Kestrel on loopback with one route, <c>POST /api/events</c>, answering 202 as serve does; with the durable log or without.</summary>
    private static class Reference
    {
        public static async Task<(Uri, IAsyncDisposable)> StartAsync(bool durable)
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
            return (new Uri($"{address}/api/"), new Teardown(async () =>
            {
                await app.DisposeAsync();
                log?.Dispose();
                data.Dispose();
            }));
        }
    }
}

using Segments.TestSupport.Serve;

namespace Segments.Bench.Serve;

/// <summary>
/// Events acknowledged per second by <c>POST /api/events</c>: each client posts a batch, waits for its 202 (given once
/// the events are fsynced in the event log) and posts the next; the fold runs behind, as in production. Three seconds
/// of warm-up, then the measured window.
/// </summary>
internal static class Ingestion
{
    public static async Task RunAsync(int seconds, int clients, int batch)
    {
        using var data = new DataFolder();
        await using var serve = await ServeProcess.StartAsync(data.Path);
        var traffic = new EventTraffic(contacts: 10_000, seed: 1);
        using var stop = new CancellationTokenSource();
        var posting = traffic.RunAsync(serve.Api, ServeProcess.ApiKey, clients, batch, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var (requests, refused) = (traffic.Requests, traffic.Refused);
        var window = await Clock.TimeAsync(() => Task.Delay(TimeSpan.FromSeconds(seconds)));
        var (measured, notAcknowledged) = (traffic.Requests - requests, traffic.Refused - refused);
        await stop.CancelAsync();
        await posting;
        Console.WriteLine($"ingestion: {clients} clients, batches of {batch}, {window.TotalSeconds:N1} s measured after 3 s of warm-up");
        Console.WriteLine($"| acknowledged | events/s | requests/s | not acknowledged |");
        Console.WriteLine($"|---|---|---|---|");
        Console.WriteLine($"| {measured * batch:N0} events | {measured * batch / window.TotalSeconds:N0} | {measured / window.TotalSeconds:N0} | {notAcknowledged:N0} |");
    }
}

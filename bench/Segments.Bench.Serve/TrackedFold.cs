using Segments.TestSupport.Serve;

namespace Segments.Bench.Serve;

/// <summary>
/// Events per second from the first <c>POST /api/events</c> to folded and tracked, through the real routes: the same
/// events (8 clients, batches of 10, a fifth of them redeliveries) posted to a fresh service with the workload's twelve
/// segments and no drips or triggers, then to another with a drip and a trigger on each. The time ends when the fold has
/// caught up (<see cref="FoldAudit.WaitUntilFoldedAsync"/>); every membership change, enrolment and firing is recorded
/// within the fold's batches, so folded means tracked. Both runs are audited afterwards, outside the timed region.
/// </summary>
internal static class TrackedFold
{
    public static async Task RunAsync(int events, int contacts)
    {
        Console.WriteLine($"tracked fold: {events:N0} events over {contacts:N0} contacts, 8 clients, batches of 10");
        Console.WriteLine("| drips and triggers | events | to folded and tracked | events/s | audit |");
        Console.WriteLine("|---|---|---|---|---|");
        var bare = await MeasureAsync(events, contacts, used: 0);
        var tracked = await MeasureAsync(events, contacts, used: TrackingWorkload.Segments.Count);
        Console.WriteLine($"ratio tracked/untracked: {tracked / bare:N2} (target >= 0.50)");
    }

    private static async Task<double> MeasureAsync(int events, int contacts, int used)
    {
        using var data = new DataFolder();
        await using var serve = await ServeProcess.StartAsync(data.Path);
        await TrackingWorkload.DefineAsync(serve.Client, used);
        var traffic = new EventTraffic(contacts, seed: 2);
        var elapsed = await Clock.TimeAsync(async () =>
        {
            await traffic.RunAsync(serve.Api, ServeProcess.ApiKey, clients: 8, batchSize: 10, CancellationToken.None, batches: events / 80);
            await FoldAudit.WaitUntilFoldedAsync(serve.Client, TimeSpan.FromMinutes(30));
        });
        var posted = traffic.Requests * 10;
        var audit = await FoldAudit.OfAsync(data.Path, traffic);
        var tracking = used > 0 ? await TrackingWorkload.AuditAsync(serve.Client, data.Path, traffic.Sent.Values.Distinct(), used) : [];
        var verdict = audit.Exact && tracking.Count == 0 ? "exact" : $"{audit}; {string.Join("; ", tracking.Take(3))}";
        Console.WriteLine($"| {used} + {used} | {posted:N0} | {elapsed.TotalSeconds:N1} s | {posted / elapsed.TotalSeconds:N0} | {verdict} |");
        return posted / elapsed.TotalSeconds;
    }
}

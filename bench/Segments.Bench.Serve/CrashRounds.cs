using Segments.TestSupport.Serve;

namespace Segments.Bench.Serve;

/// <summary>
/// Rounds of the crash tests, many times over: each starts a fresh service, defines the tracked workload (12 drips, 12
/// triggers) and a steady segment, posts from 4 clients and schedules a broadcast due within the round, then at a random
/// moment from 0.5 to 3 s kills the service (SIGKILL) or stops it (SIGTERM with a one-second fold bound), restarts it,
/// waits for the fold and audits events and tracking, waits for the broadcast and compares its audience, byte for byte,
/// with that of a broadcast run afterwards, uninterrupted, at the same instant. Exit code 1 when any round was not exact.
/// </summary>
internal static class CrashRounds
{
    public static async Task<int> RunAsync(int kills, int terms)
    {
        Console.WriteLine("| round | end | seed | acknowledged | folded | lost | folded twice | tracking | left in the log at stop | broadcast |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        var failed = 0;
        for (var round = 1; round <= kills + terms; round++)
        {
            failed += await RoundAsync(round, kill: round <= kills) ? 0 : 1;
        }
        Console.WriteLine($"{kills} kill -9 rounds, {terms} SIGTERM rounds: {(failed == 0 ? "all exact" : $"{failed} NOT exact")}");
        return failed == 0 ? 0 : 1;
    }

    private static async Task<bool> RoundAsync(int round, bool kill)
    {
        var seed = Random.Shared.Next(1_000_000);
        using var data = new DataFolder();
        var settings = new Dictionary<string, string> { ["Segments__Stream__ShutdownFoldSeconds"] = "1" };
        var traffic = new EventTraffic(contacts: 300, seed);
        string left;
        await using (var serve = await ServeProcess.StartAsync(data.Path, settings))
        {
            // The traffic races the baselines, through a stop and a kill -9 alike (see TrackingWorkload.DefineAsync).
            await TrackingWorkload.DefineAsync(serve.Client, TrackingWorkload.Segments.Count, awaitBaselines: false);
            await BroadcastRun.SeedAsync(serve.Client, contacts: 300);
            using var stop = new CancellationTokenSource();
            var posting = traffic.RunAsync(serve.Api, ServeProcess.ApiKey, clients: 4, batchSize: 10, stop.Token);
            var random = new Random(seed);
            var moment = random.Next(500, 3000);
            await BroadcastRun.PostAsync(serve.Client, "b", BroadcastRun.SteadySegment, sendAt: DateTimeOffset.UtcNow.AddMilliseconds(random.Next(0, moment)));
            await Task.Delay(moment);
            await (kill ? serve.KillAsync() : serve.StopAsync());
            await stop.CancelAsync();
            await posting;
            left = kill ? "-" : System.Text.RegularExpressions.Regex.Match(serve.Output, "with ([0-9]+) events not yet folded") is { Success: true } m
                ? m.Groups[1].Value : "0";
        }
        await using var restarted = await ServeProcess.StartAsync(data.Path, settings);
        await FoldAudit.WaitUntilFoldedAsync(restarted.Client, TimeSpan.FromMinutes(10));
        var audit = await FoldAudit.OfAsync(data.Path, traffic);
        var tracking = await TrackingWorkload.AuditAsync(restarted.Client, data.Path, traffic.Sent.Values.Distinct(), TrackingWorkload.Segments.Count);
        var broadcast = await CompareAsync(restarted.Client, data.Path);
        Console.WriteLine($"| {round} | {(kill ? "kill -9" : "SIGTERM")} | {seed} | {audit.Acknowledged:N0} | {audit.Folded:N0} | {audit.Lost.Count} | " +
            $"{audit.Doubled.Count} | {(tracking.Count == 0 ? "exact" : string.Join("; ", tracking.Take(2)))} | {left} | {broadcast ?? "completed, identical"} |");
        return audit.Exact && tracking.Count == 0 && broadcast is null;
    }

    /// <summary>Null when the interrupted broadcast completed with the audience of an uninterrupted one at its instant, else what differed.</summary>
    private static async Task<string?> CompareAsync(HttpClient api, string data)
    {
        var interrupted = await BroadcastRun.FinishedAsync(api, "b", TimeSpan.FromMinutes(5));
        if (interrupted.GetProperty("status").GetString() is var status && status != "completed")
        {
            return $"ended {status}";
        }
        await BroadcastRun.PostAsync(api, "reference", BroadcastRun.SteadySegment, asOf: interrupted.GetProperty("asOf").GetString());
        await BroadcastRun.FinishedAsync(api, "reference", TimeSpan.FromMinutes(5));
        var (resumed, reference) = (await BroadcastRun.AudienceAsync(api, "b"), await BroadcastRun.AudienceAsync(api, "reference"));
        return !resumed.AsSpan().SequenceEqual(reference) ? $"audience differs ({resumed.Length} and {reference.Length} bytes)"
            : !BroadcastRun.Files(data, "b").SequenceEqual(BroadcastRun.Files(data, "reference")) ? "leftover files"
            : resumed.Length == 0 ? "empty audience"
            : null;
    }
}

using Segments.TestSupport.Serve;

namespace Segments.Bench.Serve;

/// <summary>
/// Rounds of the crash tests, many times over: each starts a fresh service, defines the tracked workload, posts from 4
/// clients for a random 0.5 to 3 s, then kills it (SIGKILL) or stops it (SIGTERM with a one-second fold bound),
/// restarts it, waits for the fold and audits events and tracking. Exit code 1 when any round was not exact.
/// </summary>
internal static class CrashRounds
{
    public static async Task<int> RunAsync(int kills, int terms)
    {
        Console.WriteLine("| round | end | seed | acknowledged | folded | lost | folded twice | tracking | left in the log at stop |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
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
            await TrackingWorkload.DefineAsync(serve.Client, TrackingWorkload.Segments.Count);
            using var stop = new CancellationTokenSource();
            var posting = traffic.RunAsync(serve.Api, ServeProcess.ApiKey, clients: 4, batchSize: 10, stop.Token);
            await Task.Delay(new Random(seed).Next(500, 3000));
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
        Console.WriteLine($"| {round} | {(kill ? "kill -9" : "SIGTERM")} | {seed} | {audit.Acknowledged:N0} | {audit.Folded:N0} | {audit.Lost.Count} | " +
            $"{audit.Doubled.Count} | {(tracking.Count == 0 ? "exact" : string.Join("; ", tracking.Take(2)))} | {left} |");
        return audit.Exact && tracking.Count == 0;
    }
}

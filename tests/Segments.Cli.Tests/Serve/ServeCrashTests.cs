using Segments.TestSupport.Serve;
using Xunit.Abstractions;

namespace Segments.Cli.Tests.Serve;

/// <summary>
/// `segments serve` keeps what it acknowledged, on real processes: clients post events (with redeliveries, out of
/// order) while the process is killed (SIGKILL) or stopped (SIGTERM) at a random moment; after a restart on the same
/// data folder every acknowledged event is folded exactly once, and with drips and triggers defined, tracking has
/// recorded every change once and handed it on once.
/// </summary>
public sealed class ServeCrashTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly string _data = Directory.CreateTempSubdirectory("segments-crash-").FullName;
    private readonly int _seed = Random.Shared.Next(1_000_000);

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Every_acknowledged_event_is_folded_exactly_once_after_a_kill_9_at_a_random_moment()
    {
        var traffic = new EventTraffic(contacts: 300, _seed);
        await using (var serve = await ServeProcess.StartAsync(_data))
        {
            await PostUntilAsync(serve, traffic, serve.KillAsync);
        }

        await using var restarted = await ServeProcess.StartAsync(_data);
        await FoldAudit.WaitUntilFoldedAsync(restarted.Client, Patience);
        var audit = await FoldAudit.OfAsync(_data, traffic);
        output.WriteLine($"seed {_seed}: {audit}");
        Assert.True(traffic.Acknowledged.Count > 0, "nothing was acknowledged before the kill");
        Assert.True(audit.Exact, $"seed {_seed}: {audit}\n{restarted.Output}");
    }

    [Fact]
    public async Task After_a_sigterm_with_drips_and_triggers_every_acknowledged_event_is_folded_once_and_every_change_handed_on_once()
    {
        var traffic = new EventTraffic(contacts: 200, _seed);
        // A short bound, so that the stop leaves part of the log for the next start.
        var settings = new Dictionary<string, string> { ["Segments__Stream__ShutdownFoldSeconds"] = "1" };
        string stopped;
        await using (var serve = await ServeProcess.StartAsync(_data, settings))
        {
            // The traffic races the baselines: a stop keeps tracking exact even then.
            await TrackingWorkload.DefineAsync(serve.Client, used: TrackingWorkload.Segments.Count, awaitBaselines: false);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await PostUntilAsync(serve, traffic, () => serve.StopAsync());
            stopped = serve.Output;
            output.WriteLine($"posted and stopped in {clock.Elapsed}; {traffic.Requests} requests acknowledged, {traffic.Refused} not");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"serve took {clock.Elapsed} to stop");
        }
        output.WriteLine(string.Join("\n", stopped.Split('\n').Where(l => l.Contains("fold", StringComparison.OrdinalIgnoreCase))));
        Assert.Matches("Stopped folding after 1 s with [0-9]+ events not yet folded|Every event of the log is folded", stopped);

        await using var restarted = await ServeProcess.StartAsync(_data, settings);
        await FoldAudit.WaitUntilFoldedAsync(restarted.Client, Patience);
        var audit = await FoldAudit.OfAsync(_data, traffic);
        output.WriteLine($"seed {_seed}: {audit}");
        Assert.True(audit.Exact, $"seed {_seed}: {audit}\n{restarted.Output}");
        var tracking = await TrackingWorkload.AuditAsync(restarted.Client, _data, traffic.Sent.Values.Distinct(), TrackingWorkload.Segments.Count);
        Assert.True(tracking.Count == 0, $"seed {_seed}: {string.Join("\n", tracking)}");
    }

    [Fact]
    public async Task A_broadcast_interrupted_by_a_kill_9_completes_once_after_the_restart_with_the_audience_of_an_uninterrupted_run()
    {
        var traffic = new EventTraffic(contacts: 2_000, _seed);
        await using (var serve = await ServeProcess.StartAsync(_data))
        {
            await TrackingWorkload.DefineAsync(serve.Client, used: 0);
            await traffic.RunAsync(serve.Api, ServeProcess.ApiKey, clients: 4, batchSize: 50, CancellationToken.None, batches: 20);
            await FoldAudit.WaitUntilFoldedAsync(serve.Client, Patience);
            // Due in a second: the kill falls while it waits, while it resolves or after it completed.
            await BroadcastRun.PostAsync(serve.Client, "b1", "frequent", sendAt: DateTimeOffset.UtcNow.AddSeconds(1));
            await Task.Delay(new Random(_seed).Next(0, 2500));
            await serve.KillAsync();
        }

        await using var restarted = await ServeProcess.StartAsync(_data);
        var resumed = await BroadcastRun.FinishedAsync(restarted.Client, "b1", Patience);
        Assert.Equal("completed", resumed.GetProperty("status").GetString());
        await BroadcastRun.PostAsync(restarted.Client, "b1-again", "frequent", asOf: resumed.GetProperty("asOf").GetString());
        var again = await BroadcastRun.FinishedAsync(restarted.Client, "b1-again", Patience);

        Assert.Equal("completed", again.GetProperty("status").GetString());
        Assert.True(resumed.GetProperty("manifest").GetProperty("audience").GetInt64() > 0, "the segment resolved to no one");
        Assert.Equal(await BroadcastRun.AudienceAsync(restarted.Client, "b1-again"), await BroadcastRun.AudienceAsync(restarted.Client, "b1"));
        Assert.Equal(BroadcastRun.Files(_data, "b1-again"), BroadcastRun.Files(_data, "b1"));
        // The id stays taken after the restart.
        using var repeated = await restarted.Client.PostAsync("broadcasts",
            new StringContent("""{"id":"b1","segment":"pricing"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, repeated.StatusCode);
    }

    /// <summary>Four clients post for a random half second to three seconds, then <paramref name="end"/> happens to the process under them.</summary>
    private async Task PostUntilAsync(ServeProcess serve, EventTraffic traffic, Func<Task> end)
    {
        using var stop = new CancellationTokenSource();
        var posting = traffic.RunAsync(serve.Api, ServeProcess.ApiKey, clients: 4, batchSize: 10, stop.Token);
        await Task.Delay(new Random(_seed).Next(500, 3000));
        await end();
        await stop.CancelAsync();
        await posting;
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Segments.Engine.Evaluation;
using Segments.Engine.Input;
using Segments.Engine.Language;
using Segments.TestSupport.Serve;
using Xunit.Abstractions;

namespace Segments.Cli.Tests.Serve;

/// <summary>
/// `segments serve` keeps what it acknowledged, on real processes: clients post events (with redeliveries, out of
/// order) while the process is killed (SIGKILL) or stopped (SIGTERM) at a random moment; after a restart on the same
/// data folder every acknowledged event is folded exactly once, and with drips and triggers defined, tracking has
/// recorded every change once and handed it on once. Likewise an accepted broadcast and an accepted contact import
/// (202) end after a kill -9 as an uninterrupted run would have, and a drip's baseline killed while events arrive.
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

    [Fact]
    public async Task An_import_interrupted_by_a_kill_9_completes_after_the_restart_with_every_good_line_imported_once_and_the_bad_ones_reported()
    {
        var (upload, expected, bad) = ImportUpload(3_000);
        string job;
        await using (var serve = await ServeProcess.StartAsync(_data))
        {
            // A trigger on the segment the import fills: a line imported again after the restart must not enter twice.
            await TrackingWorkload.PutAsync(serve.Client, "schema", """{"fields":{"plan":"text","mrr":"number"}}""");
            await TrackingWorkload.PutAsync(serve.Client, "segments/pros", """{"name":"Pros","match":{"field":{"name":"plan","op":"eq","value":"Pro"}}}""");
            await TrackingWorkload.PutAsync(serve.Client, "triggers/t-pros", """{"segment":"pros","on":"entered"}""");
            await TrackingWorkload.BaselineRecordedAsync(serve.Client, "triggers/t-pros");
            // "./": a relative path whose first segment holds a colon would read as a URI scheme.
            using var accepted = await serve.Client.PostAsync("./contacts:import", new StringContent(upload, System.Text.Encoding.UTF8, "application/x-ndjson"));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
            job = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            await Task.Delay(new Random(_seed).Next(0, 3000));
            var before = await serve.Client.GetFromJsonAsync<JsonElement>($"jobs/{job}");
            await serve.KillAsync();
            output.WriteLine($"seed {_seed}: killed with the job {before.GetProperty("status")}, " +
                $"{(await FoldAudit.DocumentsAsync(_data, expected.Keys)).Count} of {expected.Count} contacts written");
        }

        await using var restarted = await ServeProcess.StartAsync(_data);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ended = await EndedAsync(restarted, job);
        output.WriteLine($"seed {_seed}: ended {clock.Elapsed} after the restart: {ended.GetProperty("status")}, {ended.GetProperty("done")} done, {ended.GetProperty("rejected")} rejected");

        Assert.Equal("completed", ended.GetProperty("status").GetString());
        Assert.Equal(expected.Count, ended.GetProperty("done").GetInt64());
        Assert.Equal(bad, ended.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt64()));
        var documents = await FoldAudit.DocumentsAsync(_data, expected.Keys.Concat(bad.Select(l => $"bad-{l}")));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal),
            documents.Select(d => KeyValuePair.Create(d.Id, $"{d.Email} {d.GetField("plan")} {d.GetField("mrr")} {string.Join(",", d.Lists)}"))
                .OrderBy(e => e.Key, StringComparer.Ordinal));
        var pros = expected.Where(e => e.Value.Contains(" Pro ", StringComparison.Ordinal)).Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
        var entered = await TrackingWorkload.PagesAsync(restarted.Client, "segments/pros/changes", "changes");
        Assert.Equal(pros.Select(p => $"entered {p}"), entered.Select(c => $"{c.GetProperty("kind")} {c.GetProperty("contact")}").Order(StringComparer.Ordinal));
        var fired = await TrackingWorkload.PagesAsync(restarted.Client, "triggers/t-pros/firings", "records");
        Assert.Equal(pros, fired.Select(f => f.GetProperty("contact").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_baseline_interrupted_by_kill_9s_while_events_arrive_completes_whole_with_each_first_entered_recorded_once_and_none_false()
    {
        // Enough contacts that the baseline is scanned in several steps: the kills fall while partitions are still to be scanned.
        const int Contacts = 10_000;
        const string Match = """{"or":[{"field":{"name":"plan","op":"eq","value":"Pro"}},""" +
            """{"pixel":{"event":"page_view","where":[{"property":"path","op":"starts_with","value":"/pricing"}],"within":"30d"}}]}""";
        const string Schema = """{"fields":{"plan":"text"}}""";
        var traffic = new EventTraffic(Contacts, _seed);
        var random = new Random(_seed);
        var ids = Enumerable.Range(0, Contacts).Select(EventTraffic.ContactId).ToList();
        var pros = ids.Where((_, i) => i % 3 == 0).ToHashSet(StringComparer.Ordinal);
        string[] baselines;
        var kills = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan imported;
        await using (var serve = await ServeProcess.StartAsync(_data))
        {
            await TrackingWorkload.PutAsync(serve.Client, "schema", Schema);
            await TrackingWorkload.PutAsync(serve.Client, "segments/hot", $$"""{"name":"Hot","match":{{Match}}}""");
            var upload = string.Concat(ids.Select(id =>
                $$$"""{"id":"{{{id}}}","email":"{{{id}}}@example.com","fields":{"plan":"{{{(pros.Contains(id) ? "Pro" : "Free")}}}"}}""" + "\n"));
            using (var accepted = await serve.Client.PostAsync("./contacts:import", new StringContent(upload, System.Text.Encoding.UTF8, "application/x-ndjson")))
            {
                var import = await EndedAsync(serve, (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
                Assert.Equal(Contacts, import.GetProperty("done").GetInt64());
            }
            imported = clock.Elapsed;
        }
        // A fresh process, whose scan forms are not built yet: the baselines build them from the documents first, so they
        // run long enough for the kill to find them under way (on built forms 10,000 contacts take milliseconds).
        await using (var serve = await ServeProcess.StartAsync(_data))
        {
            // Members before tracking begins: the Pros alone. Every other member enters after it began, by the traffic.
            // The jobs are taken from the PUTs' answers, which name the job they started: a later GET of a baseline that has
            // completed names none (CI, 7 December: the trigger's GET came after the drip's baseline had completed). The
            // trigger's PUT names the drip's job while it runs, and none when it had completed already.
            var saved = new[]
            {
                await TrackingWorkload.PutAsync(serve.Client, "drips/d-hot", """{"segment":"hot"}"""),
                await TrackingWorkload.PutAsync(serve.Client, "triggers/t-hot", """{"segment":"hot","on":"entered"}"""),
            };
            baselines = [.. saved.Select(s => s.GetProperty("baseline").GetProperty("job").GetString()).OfType<string>().Distinct()];
            Assert.NotEmpty(baselines);
            kills.Add(await PostAndKillAsync(serve));
        }
        // Killed again while the resumed baseline runs, as long as it runs.
        while (kills.Count < 4 && !kills[^1].Contains("completed", StringComparison.Ordinal))
        {
            await using var again = await ServeProcess.StartAsync(_data);
            kills.Add(await PostAndKillAsync(again));
        }
        output.WriteLine($"seed {_seed}: imported in {imported}; {traffic.Requests} requests acknowledged; killed with the baselines {string.Join("; then ", kills)} ({clock.Elapsed} in all)");
        // Where the first kill fell is logged, not asserted: under the parallel test projects' load the baselines have
        // been seen to finish before the first look at their progress (CI, 7 December). The race itself is pinned down
        // deterministically by Segments.Core.Tests' BaselineRaceTests; here every other check holds wherever the kills fell.
        output.WriteLine(kills[0].Contains("completed", StringComparison.Ordinal)
            ? $"seed {_seed}: the baselines had completed before the first kill"
            : $"seed {_seed}: the first kill fell mid-baseline");

        await using var restarted = await ServeProcess.StartAsync(_data);
        foreach (var job in baselines)
        {
            var ended = await EndedAsync(restarted, job);
            Assert.Equal("completed", ended.GetProperty("status").GetString());
            // Whole: every partition scanned once, each contact evaluated once (a partition cut short is scanned again).
            Assert.Equal(Contacts, ended.GetProperty("done").GetInt64());
        }
        output.WriteLine($"seed {_seed}: the baselines completed at {clock.Elapsed}");
        await FoldAudit.WaitUntilFoldedAsync(restarted.Client, Patience);
        var audit = await FoldAudit.OfAsync(_data, traffic);
        Assert.True(audit.Exact, $"seed {_seed}: {audit}");

        var (schema, _) = InputReader.ReadSchema(JsonDocument.Parse(Schema).RootElement);
        var hot = new SegmentSet(
            [DefinitionParser.Parse($$"""{"id":"hot","name":"Hot","match":{{Match}}}""", schema!).Definition!]);
        var members = hot["hot"].Members(await FoldAudit.DocumentsAsync(_data, ids), DateTimeOffset.UtcNow).ToHashSet(StringComparer.Ordinal);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var entering = members.Except(pros).Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"seed {_seed}: {members.Count} members, {entering.Count} entered since the drip was saved");
        Assert.NotEmpty(entering);
        // Each contact that became a member entered once; no Pro entered (a member before), nobody left.
        var changes = (await TrackingWorkload.PagesAsync(restarted.Client, "segments/hot/changes", "changes"))
            .Select(c => $"{c.GetProperty("kind")} {c.GetProperty("contact")}").ToList();
        var expected = entering.Select(c => $"entered {c}").ToList();
        Assert.True(expected.SequenceEqual(changes.Order(StringComparer.Ordinal)),
            $"seed {_seed}: {changes.Count} changes for {expected.Count} contacts that entered; missing " +
            $"{string.Join(", ", expected.Except(changes).Take(5))}; not expected {string.Join(", ", changes.Except(expected).Take(5))}");
        var enrolled = await TrackingWorkload.PagesAsync(restarted.Client, "drips/d-hot/enrollments", "records");
        Assert.Equal(entering, enrolled.Select(r => r.GetProperty("contact").GetString()!).Order(StringComparer.Ordinal));
        var fired = await TrackingWorkload.PagesAsync(restarted.Client, "triggers/t-hot/firings", "records");
        Assert.Equal(entering, fired.Select(r => r.GetProperty("contact").GetString()!).Order(StringComparer.Ordinal));

        // Clients post for a random half second to two seconds while the baseline runs, then the process is killed; what the
        // baselines' jobs said just before.
        async Task<string> PostAndKillAsync(ServeProcess serve)
        {
            using var stop = new CancellationTokenSource();
            var posting = traffic.RunAsync(serve.Api, ServeProcess.ApiKey, clients: 8, batchSize: 25, stop.Token);
            // On the scan forms a baseline of 10,000 contacts takes well under a second: the kill follows the jobs'
            // progress instead of a fixed delay, at a random number of partitions done.
            var target = random.Next(1, 10);
            JsonElement[] jobs;
            do
            {
                await Task.Delay(5);
                jobs = await Task.WhenAll(baselines.Select(job => serve.Client.GetFromJsonAsync<JsonElement>($"jobs/{job}")));
            }
            while (jobs.All(j => j.GetProperty("status").GetString() != "completed" && j.GetProperty("partsDone").GetInt32() < target));
            await serve.KillAsync();
            await stop.CancelAsync();
            await posting;
            return string.Join(", ", jobs.Select(j => $"{j.GetProperty("status")} {j.GetProperty("partsDone")}/{j.GetProperty("parts")}"));
        }
    }

    private static async Task<JsonElement> EndedAsync(ServeProcess serve, string job)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        JsonElement ended;
        while ((ended = await serve.Client.GetFromJsonAsync<JsonElement>($"jobs/{job}")).GetProperty("status").GetString() is not ("completed" or "failed"))
        {
            Assert.True(clock.Elapsed < Patience, $"the job did not end: {ended}\n{serve.Output}");
            await Task.Delay(100);
        }
        return ended;
    }

    /// <summary>
    /// NDJSON of <paramref name="contacts"/> contacts with a bad line after every 500th (a property a contact does not have, or no
    /// JSON at all); each contact's id with what its document must hold, and the bad lines' numbers.
    /// </summary>
    private static (string Upload, Dictionary<string, string> Expected, List<long> Bad) ImportUpload(int contacts)
    {
        var text = new System.Text.StringBuilder();
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        var bad = new List<long>();
        for (var i = 0; i < contacts; i++)
        {
            var (id, plan, mrr) = ($"imported-{i:D5}", i % 3 == 0 ? "Pro" : "Free", i % 700);
            text.Append($$$"""{"id":"{{{id}}}","email":"{{{id}}}@example.com","fields":{"plan":"{{{plan}}}","mrr":{{{mrr}}}},"lists":{"news":"subscribed"}}""").Append('\n');
            expected[id] = $"{id}@example.com {plan} {mrr} [news, subscribed]";
            if (i % 500 == 499)
            {
                bad.Add(i + bad.Count + 2);
                text.Append(bad.Count % 2 == 0 ? $$$"""{"id":"bad-{{{bad[^1]}}}","colour":"red"}""" : "{not json").Append('\n');
            }
        }
        return (text.ToString(), expected, bad);
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

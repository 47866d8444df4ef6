using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Segments.Azure.Cosmos;
using Segments.Core.Audience;
using Segments.Core.Broadcasts;
using Segments.Core.Ports;
using Segments.TestSupport.Emulators;

namespace Segments.Orchestration.Tests;

/// <summary>
/// The resolution under the in-process Durable Task host, over the production stores on the local emulators:
/// contacts on the Cosmos server, catalog and suppressions in Table storage and audiences in Blob storage (Azurite).
/// </summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ResolveAudienceOrchestratorTests(EmulatorFixture fixture) : IAsyncLifetime
{
    private readonly EmulatorStores _stores = EmulatorStores.On(fixture);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _stores.DisposeAsync();

    [Fact]
    public async Task Seed_re_permission_to_newsletter_resolves_to_the_counts_and_members_of_segments_resolve()
    {
        var data = TenantData.Seed();
        var (contacts, suppressions, catalog, sink) = await SaveAsync(data, ranges: 8);
        await using var host = await ResolutionHost.StartAsync(contacts, suppressions, catalog, sink, _stores.Broadcasts());

        var manifest = await host.ResolveAsync(new ResolveAudienceInput(TenantData.Tenant, "nov-newsletter", "re-permission", "newsletter", data.AsOf));

        var offline = data.Offline("re-permission", "newsletter", data.AsOf);
        using var expected = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TenantData.SeedFolder, "expected-resolve-re-permission-newsletter.json")));
        var e = expected.RootElement;
        Assert.Equal((offline.Tally.Matched, offline.Tally.OptedOut, offline.Tally.Audience), (manifest.Matched, manifest.OptedOut, manifest.Audience));
        Assert.Equal(offline.Tally.Suppressed, manifest.Suppressed);
        Assert.Equal((e.GetProperty("matched").GetInt64(), e.GetProperty("optedOut").GetInt64(), e.GetProperty("audience").GetInt64()),
            (manifest.Matched, manifest.OptedOut, manifest.Audience));
        Assert.Equal(e.GetProperty("suppressed").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()), manifest.Suppressed);
        Assert.Equal(("re-permission", "2026-11-26T12:00:00Z", "newsletter", "nov-newsletter", 1),
            (manifest.Segment, manifest.AsOf, manifest.List, manifest.Broadcast, manifest.DefinitionVersion));
        Assert.Equal(8, manifest.Parts.Count);

        var address = new AudienceAddress(TenantData.Tenant, "nov-newsletter");
        Assert.Equal(Audiences.Offline(offline), await Audiences.MergedAsync(sink, address));
        var members = e.GetProperty("members").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Equal(members, (await ReadAsync(sink, address)).Select(r => r.ContactId));
    }

    [Fact]
    public async Task Activities_that_fail_at_random_and_are_retried_give_a_byte_identical_audience()
    {
        var data = TenantData.Random(seed: 11, contacts: 300);
        var segment = data.LargestSegment();
        var (contacts, suppressions, catalog, sink) = await SaveAsync(data, ranges: 8);
        var plan = new FailurePlan(seed: 5, probability: 0.4);

        AudienceManifest clean, flaky;
        await using (var host = await ResolutionHost.StartAsync(contacts, suppressions, catalog, sink, _stores.Broadcasts()))
        {
            clean = await host.ResolveAsync(new ResolveAudienceInput(TenantData.Tenant, "clean", segment, "newsletter", data.AsOf));
        }
        await using (var host = await ResolutionHost.StartAsync(new FlakyContactStore(contacts, plan), suppressions, catalog,
            new FlakyAudienceSink(sink, plan), _stores.Broadcasts()))
        {
            flaky = await host.ResolveAsync(new ResolveAudienceInput(TenantData.Tenant, "flaky", segment, "newsletter", data.AsOf));
        }

        Assert.True(plan.Injected >= 3, $"only {plan.Injected} failures were injected");
        Assert.True(clean.Audience > 0, $"segment {segment} resolved to no one");
        Assert.Equal((clean.Matched, clean.OptedOut, clean.Audience), (flaky.Matched, flaky.OptedOut, flaky.Audience));
        Assert.Equal(clean.Parts, flaky.Parts);
        Assert.Equal(clean.Suppressed, flaky.Suppressed);
        Assert.Equal(await Audiences.PartsAsync(sink, new AudienceAddress(TenantData.Tenant, "clean")),
            await Audiences.PartsAsync(sink, new AudienceAddress(TenantData.Tenant, "flaky")));
        Assert.Equal(Audiences.Offline(data.Offline(segment, "newsletter", data.AsOf)),
            await Audiences.MergedAsync(sink, new AudienceAddress(TenantData.Tenant, "flaky")));
    }

    [Fact]
    public async Task Sixteen_partitions_give_the_same_audience_as_one()
    {
        var data = TenantData.Random(seed: 23, contacts: 300);
        var segment = data.LargestSegment();
        var container = await _stores.ContactsContainerAsync();
        var one = new CosmosContactStore(container, scanRangesPerFeedRange: 1);
        var (sixteen, suppressions, catalog, sink) = await SaveAsync(data, new CosmosContactStore(container, scanRangesPerFeedRange: 16));

        var manifests = new List<AudienceManifest>();
        var broadcasts = _stores.Broadcasts();
        foreach (var (store, broadcast) in new[] { (one, "one"), (sixteen, "sixteen") })
        {
            await using var host = await ResolutionHost.StartAsync(store, suppressions, catalog, sink, broadcasts);
            manifests.Add(await host.ResolveAsync(new ResolveAudienceInput(TenantData.Tenant, broadcast, segment, AsOf: data.AsOf)));
        }

        Assert.Equal([1, 16], manifests.Select(m => m.Parts.Count));
        Assert.True(manifests[0].Audience > 0, $"segment {segment} resolved to no one");
        Assert.Equal((manifests[0].Matched, manifests[0].Audience), (manifests[1].Matched, manifests[1].Audience));
        Assert.Equal(manifests[0].Suppressed, manifests[1].Suppressed);
        Assert.Equal(await Audiences.MergedAsync(sink, new AudienceAddress(TenantData.Tenant, "one")),
            await Audiences.MergedAsync(sink, new AudienceAddress(TenantData.Tenant, "sixteen")));
    }

    [Fact]
    public async Task A_send_in_the_future_waits_on_a_durable_timer_and_is_evaluated_when_it_fires()
    {
        var data = TenantData.Seed();
        var (contacts, suppressions, catalog, sink) = await SaveAsync(data, ranges: 2);
        await using var host = await ResolutionHost.StartAsync(contacts, suppressions, catalog, sink, _stores.Broadcasts());
        var sendAt = DateTimeOffset.UtcNow.AddSeconds(4);
        var id = BroadcastInstance.Id(TenantData.Tenant, "later");

        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ResolveAudienceOrchestrator),
            new ResolveAudienceInput(TenantData.Tenant, "later", "vip", SendAt: sendAt), new StartOrchestrationOptions(id));
        var waiting = await WaitForStatusAsync(host.Client, id, ResolutionProgress.Scheduled);
        var early = await sink.ReadManifestAsync(new AudienceAddress(TenantData.Tenant, "later"));
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);

        Assert.Equal(OrchestrationRuntimeStatus.Running, waiting.RuntimeStatus);
        Assert.Null(early);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var manifest = done.ReadOutputAs<AudienceManifest>()!;
        Assert.True(DateTimeOffset.Parse(manifest.AsOf, System.Globalization.CultureInfo.InvariantCulture) >= sendAt.AddSeconds(-1),
            $"evaluated as of {manifest.AsOf}, before the send time {sendAt:O}");
        Assert.Equal(ResolutionProgress.Done, done.ReadCustomStatusAs<ResolutionProgress>()!.Phase);
    }

    [Fact]
    public async Task A_segment_that_does_not_exist_fails_the_broadcast_and_writes_no_manifest()
    {
        var (contacts, suppressions, catalog, sink) = await SaveAsync(TenantData.Seed(), ranges: 2);
        var broadcasts = _stores.Broadcasts();
        await using var host = await ResolutionHost.StartAsync(contacts, suppressions, catalog, sink, broadcasts);

        var state = await host.RunAsync(new ResolveAudienceInput(TenantData.Tenant, "nothing", "no-such-segment"));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var failed = (await broadcasts.GetAsync(TenantData.Tenant, "nothing"))!.Broadcast;
        Assert.Equal(BroadcastStatus.Failed, failed.Status);
        Assert.Contains("no-such-segment", failed.Error);
        Assert.Null(await sink.ReadManifestAsync(new AudienceAddress(TenantData.Tenant, "nothing")));
    }

    [Fact]
    public async Task A_resolution_interrupted_mid_way_resumes_with_the_instant_and_definitions_it_started_with_and_writes_the_same_audience()
    {
        var data = TenantData.Random(seed: 31, contacts: 300);
        var segment = data.LargestSegment();
        var (contacts, suppressions, catalog, sink) = await SaveAsync(data, ranges: 4);
        var broadcasts = _stores.Broadcasts();
        AudienceManifest clean;
        await using (var host = await ResolutionHost.StartAsync(contacts, suppressions, catalog, sink, broadcasts))
        {
            clean = await host.ResolveAsync(new ResolveAudienceInput(TenantData.Tenant, "clean", segment, "newsletter"));
        }
        // A run that died after freezing and writing a part, leaving a part of another attempt behind, with the record running.
        var asOf = DateTimeOffset.Parse(clean.AsOf, System.Globalization.CultureInfo.InvariantCulture);
        var started = (await broadcasts.GetAsync(TenantData.Tenant, "clean"))!.Broadcast;
        var crashed = new Broadcast("crashed", segment, "newsletter", null, null, started.CreatedAt).Started(started.StartedAt!.Value, asOf, started.Frozen!);
        Assert.True(await broadcasts.AddAsync(TenantData.Tenant, crashed));
        var address = new AudienceAddress(TenantData.Tenant, "crashed");
        await sink.WritePartAsync(address, AudienceAddress.PartName(0), [new Recipient("c-stale", "stale@example.com")]);
        await sink.WritePartAsync(address, AudienceAddress.PartName(7), [new Recipient("c-stale", "stale@example.com")]);
        // Meanwhile the segment's definition changed: the resumed run still evaluates the frozen one.
        using (var changed = JsonDocument.Parse($"{{\"id\":\"{segment}\",\"name\":\"changed\",\"match\":" + """{"field":{"name":"email","op":"exists"}}}"""))
        {
            await new Core.Catalog.SegmentCatalog(catalog).SaveSegmentAsync(TenantData.Tenant, changed.RootElement, null);
        }

        await using (var host = await ResolutionHost.StartAsync(contacts, suppressions, catalog, sink, broadcasts))
        {
            Assert.Equal(1, await new BroadcastResumer(broadcasts, Microsoft.Extensions.Logging.Abstractions.NullLogger<BroadcastResumer>.Instance)
                .ResumeAsync(new DurableBroadcastScheduler(host.Client), CancellationToken.None));
            var state = await host.Client.WaitForInstanceCompletionAsync(BroadcastInstance.Id(TenantData.Tenant, "crashed"), getInputsAndOutputs: true);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        }

        var resumed = (await sink.ReadManifestAsync(address))!;
        Assert.Equal((clean.AsOf, clean.Matched, clean.Audience), (resumed.AsOf, resumed.Matched, resumed.Audience));
        Assert.Equal(clean.Parts, resumed.Parts);
        Assert.Equal(await Audiences.PartsAsync(sink, new AudienceAddress(TenantData.Tenant, "clean")), await Audiences.PartsAsync(sink, address));
        Assert.Equal(BroadcastStatus.Completed, (await broadcasts.GetAsync(TenantData.Tenant, "crashed"))!.Broadcast.Status);
        // The interrupted attempt's part past the partitions the store lists now is gone with the rest of its leftovers.
        await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() => sink.OpenPartAsync(address, AudienceAddress.PartName(7)));
    }

    [Fact]
    public async Task A_resolution_canceled_while_it_runs_ends_canceled_and_leaves_no_part_and_no_manifest_in_blob_storage()
    {
        var data = TenantData.Seed();
        var contacts = new PausableContactStore(new CosmosContactStore(await _stores.ContactsContainerAsync(), 4));
        var (_, suppressions, catalog, sink) = await SaveAsync(data, contacts);
        var broadcasts = _stores.Broadcasts();
        await using var host = await ResolutionHost.StartAsync(contacts, suppressions, catalog, sink, broadcasts);
        var broadcast = new Broadcast("stopped", "customers", null, null, data.AsOf, DateTimeOffset.UtcNow);
        Assert.True(await broadcasts.AddAsync(TenantData.Tenant, broadcast));
        var paused = contacts.Pause();

        await new DurableBroadcastScheduler(host.Client).ScheduleAsync(TenantData.Tenant, broadcast, CancellationToken.None);
        await paused.Entered.WaitAsync(ResolutionHost.Patience);
        await broadcasts.UpdateAsync(TenantData.Tenant, "stopped", b => b.Canceled(DateTimeOffset.UtcNow));
        await host.Client.RaiseEventAsync(BroadcastInstance.Id(TenantData.Tenant, "stopped"), BroadcastSignal.Name, new BroadcastSignal(true, null));
        paused.Release();
        using var timeout = new CancellationTokenSource(ResolutionHost.Patience);
        var state = await host.Client.WaitForInstanceCompletionAsync(BroadcastInstance.Id(TenantData.Tenant, "stopped"), true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(BroadcastStatus.Canceled, (await broadcasts.GetAsync(TenantData.Tenant, "stopped"))!.Broadcast.Status);
        var address = new AudienceAddress(TenantData.Tenant, "stopped");
        Assert.Null(await sink.ReadManifestAsync(address));
        foreach (var part in Enumerable.Range(0, 4).Select(AudienceAddress.PartName))
        {
            await Assert.ThrowsAsync<global::Azure.RequestFailedException>(() => sink.OpenPartAsync(address, part));
        }
    }

    [Fact]
    public async Task Members_of_the_excluded_segments_are_counted_as_excluded_and_left_out_on_the_azure_stores()
    {
        var data = TenantData.Seed();
        var (contacts, suppressions, catalog, sink) = await SaveAsync(data, ranges: 4);
        var broadcasts = _stores.Broadcasts();
        await using var host = await ResolutionHost.StartAsync(contacts, suppressions, catalog, sink, broadcasts);
        var set = new Engine.Evaluation.SegmentSet(data.Data.Definitions);
        var excluded = set["vip"].Members(data.Data.Contacts, data.AsOf).ToHashSet(StringComparer.Ordinal);
        var members = set["customers"].Members(data.Data.Contacts, data.AsOf);
        Assert.True(await broadcasts.AddAsync(TenantData.Tenant,
            new Broadcast("no-vips", "customers", null, null, data.AsOf, DateTimeOffset.UtcNow) { Exclude = ["vip"] }));

        var manifest = await host.ResolveAsync(new ResolveAudienceInput(TenantData.Tenant, "no-vips", "customers", AsOf: data.AsOf));

        var expected = data.Offline("customers", null, data.AsOf).Recipients.Where(r => !excluded.Contains(r.ContactId)).Select(r => r.ContactId);
        Assert.True(members.Count(excluded.Contains) > 0, "some customers of the seed are VIPs");
        Assert.Equal((members.Count, members.Count(excluded.Contains)), (manifest.Matched, manifest.Excluded ?? -1));
        Assert.Equal(expected, (await ReadAsync(sink, new AudienceAddress(TenantData.Tenant, "no-vips"))).Select(r => r.ContactId));
    }

    private async Task<(IContactStore, Core.Ports.ISuppressionStore, Core.Ports.ICatalogStore, IAudienceSink)> SaveAsync(TenantData data, int ranges) =>
        await SaveAsync(data, new CosmosContactStore(await _stores.ContactsContainerAsync(), ranges));

    private async Task<(IContactStore, Core.Ports.ISuppressionStore, Core.Ports.ICatalogStore, IAudienceSink)> SaveAsync(TenantData data,
        IContactStore contacts)
    {
        var suppressions = _stores.Suppressions();
        var catalog = _stores.Catalog();
        await data.SaveAsync(catalog, contacts, suppressions);
        return (contacts, suppressions, catalog, _stores.Sink());
    }

    private static async Task<List<Recipient>> ReadAsync(IAudienceSink sink, AudienceAddress address)
    {
        var recipients = new List<Recipient>();
        await foreach (var recipient in AudienceReader.ReadAsync(sink, address, (await sink.ReadManifestAsync(address))!))
        {
            recipients.Add(recipient);
        }
        return recipients;
    }

    private static async Task<OrchestrationMetadata> WaitForStatusAsync(DurableTaskClient client, string id, string phase)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var state = await client.GetInstanceAsync(id, getInputsAndOutputs: true, timeout.Token);
            if (state?.ReadCustomStatusAs<ResolutionProgress>()?.Phase == phase)
            {
                return state;
            }
            await Task.Delay(100, timeout.Token);
        }
    }
}

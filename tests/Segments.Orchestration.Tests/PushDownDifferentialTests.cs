using Segments.Azure.Cosmos;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.PushDown;
using Segments.TestSupport.Emulators;

namespace Segments.Orchestration.Tests;

/// <summary>
/// The push-down against the language itself, on the local Cosmos server: for seeded random data sets and
/// definitions (the language's differential generator: every condition kind and operator, mixed case, non-ASCII,
/// window edges), the store's filtered scan followed by the exact check gives the members that evaluating every
/// contact in memory gives, and every member passes the filter.
/// </summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PushDownDifferentialTests(EmulatorFixture fixture) : IAsyncLifetime
{
    private readonly EmulatorStores _stores = EmulatorStores.On(fixture);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _stores.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Filtered_scan_and_exact_check_equal_evaluating_every_contact(int seed)
    {
        var data = TenantData.Random(seed, contacts: 150, definitions: 20);
        var store = new CosmosContactStore(await _stores.ContactsContainerAsync(), scanRangesPerFeedRange: 2);
        foreach (var contact in data.Data.Contacts)
        {
            await store.WriteAsync(TenantData.Tenant, contact, ifMatch: null);
        }
        var partitions = await store.ListPartitionsAsync(TenantData.Tenant);
        var segments = new SegmentSet(data.Data.Definitions);
        long scanned = 0, checkedAll = 0;

        foreach (var at in new[] { data.AsOf, data.AsOf.AddDays(-30) })
        {
            foreach (var definition in data.Data.Definitions)
            {
                var segment = segments[definition.Id];
                var expected = segment.Members(data.Data.Contacts, at);
                var passed = new List<ContactDocument>();
                foreach (var partition in partitions)
                {
                    await foreach (var contact in store.ScanAsync(TenantData.Tenant, partition, PushDownCondition.For(segment, segments, at)))
                    {
                        passed.Add(contact);
                    }
                }
                var let = passed.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
                var dropped = expected.Where(id => !let.Contains(id)).ToList();
                Assert.True(dropped.Count == 0,
                    $"seed {seed}, segment {definition.Id} at {at:O}: the filter left out members {string.Join(",", dropped)}\n" +
                    CosmosPushDown.Compile(PushDownCondition.For(segment, segments, at), "c.doc").Sql);
                Assert.Equal(expected, segment.Members(passed, at));
                scanned += passed.Count;
                checkedAll += data.Data.Contacts.Count;
            }
        }

        // The filter must also filter: over all definitions, well under everything comes back.
        Assert.True(scanned < checkedAll * 0.8, $"seed {seed}: {scanned} of {checkedAll} contacts passed the filters");
    }
}

using Microsoft.Azure.Cosmos;
using Segments.Azure.Cosmos;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.PushDown;
using Segments.TestSupport.Emulators;
using Segments.TestSupport.Reference;

namespace Segments.Azure.Tests.Cosmos;

/// <summary>
/// The push-down against the language itself, on the local Cosmos server: for seeded random data sets and
/// definitions (the language's differential generator: every condition kind and operator, mixed case, non-ASCII,
/// window edges), the store's filtered scan followed by the exact check gives the members that evaluating every
/// contact in memory gives, and every member passes the filter. What is under test is the Cosmos DB store's filtered
/// scan (<see cref="CosmosContactStore.ScanAsync"/> with the engine's push-down), so it runs with the store's tests.
/// </summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class CosmosPushDownDifferentialTests(EmulatorFixture fixture) : IAsyncLifetime
{
    private const string Tenant = "tenant-a";
    private CosmosClient _client = null!;
    private Container _container = null!;

    public async Task InitializeAsync()
    {
        _client = LocalCosmos.CreateClient(fixture.Emulators);
        Database database = await _client.CreateDatabaseIfNotExistsAsync("segments");
        _container = await CosmosContactStore.CreateContainerIfNotExistsAsync(database, $"contacts-{Guid.NewGuid():N}");
    }

    public async Task DisposeAsync()
    {
        await _container.DeleteContainerAsync();
        _client.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Filtered_scan_and_exact_check_equal_evaluating_every_contact(int seed)
    {
        var generated = RandomDataSet.Generate(seed, contacts: 150, definitions: 20);
        var data = RandomDataSets.Load(generated);
        var store = new CosmosContactStore(_container, scanRangesPerFeedRange: 2);
        foreach (var contact in data.Contacts)
        {
            await store.WriteAsync(Tenant, contact, ifMatch: null);
        }
        var partitions = await store.ListPartitionsAsync(Tenant);
        var segments = new SegmentSet(data.Definitions);
        long scanned = 0, checkedAll = 0;

        foreach (var at in new[] { generated.AsOf, generated.AsOf.AddDays(-30) })
        {
            foreach (var definition in data.Definitions)
            {
                var segment = segments[definition.Id];
                var expected = segment.Members(data.Contacts, at);
                var passed = new List<ContactDocument>();
                foreach (var partition in partitions)
                {
                    await foreach (var contact in store.ScanAsync(Tenant, partition, PushDownCondition.For(segment, segments, at)))
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
                checkedAll += data.Contacts.Count;
            }
        }

        // The filter must also filter: over all definitions, well under everything comes back.
        Assert.True(scanned < checkedAll * 0.8, $"seed {seed}: {scanned} of {checkedAll} contacts passed the filters");
    }
}

using Azure.Data.Tables;
using Microsoft.Data.Sqlite;
using Segments.Azure.Suppressions;
using Segments.Core.Model;
using Segments.Core.Suppressions;
using Segments.Embedded.Suppressions;
using Segments.TestSupport.Emulators;

namespace Segments.Api.Tests.Suppressions;

/// <summary>What every suppression store does, run on each.</summary>
public abstract class SuppressionStoreTests
{
    protected abstract ISuppressionStore Store { get; }

    private static readonly DateTimeOffset At = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<List<Suppression>> All(ISuppressionStore store, string tenant)
    {
        var all = new List<Suppression>();
        await foreach (var s in store.ListAsync(tenant))
        {
            all.Add(s);
        }
        return all;
    }

    [Fact]
    public async Task A_suppression_added_twice_is_kept_once_with_its_exact_time()
    {
        var precise = At.AddTicks(1234567);
        await Store.AddAsync("t1", [new("c1", SuppressionReason.Manual, precise), new("c1", SuppressionReason.Manual, precise)]);
        await Store.AddAsync("t1", [new("c1", SuppressionReason.Manual, precise.ToOffset(TimeSpan.FromHours(2)))]);

        Assert.Equal([new Suppression("c1", SuppressionReason.Manual, precise)], await Store.ForContactAsync("t1", "c1"));
    }

    [Fact]
    public async Task A_contact_s_suppressions_are_its_own_and_its_tenant_s_by_time()
    {
        await Store.AddAsync("t1", [
            new("c1", SuppressionReason.Complaint, At.AddDays(1)),
            new("c1", SuppressionReason.HardBounce, At),
            new("c10", SuppressionReason.Manual, At),
            new("c1|manual", SuppressionReason.Manual, At),
        ]);
        await Store.AddAsync("t2", [new("c1", SuppressionReason.Unsubscribed, At)]);

        Assert.Equal([SuppressionReason.HardBounce, SuppressionReason.Complaint], (await Store.ForContactAsync("t1", "c1")).Select(s => s.Reason));
        Assert.Equal([SuppressionReason.Unsubscribed], (await Store.ForContactAsync("t2", "c1")).Select(s => s.Reason));
        Assert.Equal(4, (await All(Store, "t1")).Count);
        Assert.Empty(await All(Store, "t3"));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b#c?d")]
    [InlineData("100%|x")]
    [InlineData("tab\there")]
    public async Task Any_contact_id_is_kept_as_given(string contactId)
    {
        await Store.AddAsync("t1", [new(contactId, SuppressionReason.Manual, At)]);

        Assert.Equal(contactId, Assert.Single(await Store.ForContactAsync("t1", contactId)).ContactId);
        Assert.Equal(contactId, Assert.Single(await All(Store, "t1")).ContactId);
    }
}

public sealed class InMemorySuppressionStoreTests : SuppressionStoreTests
{
    protected override ISuppressionStore Store { get; } = new InMemorySuppressionStore();
}

public sealed class SqliteSuppressionStoreTests : SuppressionStoreTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-suppressions-").FullName;

    public SqliteSuppressionStoreTests() =>
        Store = new SqliteSuppressionStore(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "s.db"), Pooling = false }.ToString());

    protected override ISuppressionStore Store { get; }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TableSuppressionStoreTests(EmulatorFixture fixture) : SuppressionStoreTests
{
    protected override ISuppressionStore Store { get; } = new TableSuppressionStore(
        new TableServiceClient(fixture.Emulators.StorageConnectionString).GetTableClient($"suppressions{Guid.NewGuid():N}"));
}

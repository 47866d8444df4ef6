using System.Globalization;
using Azure.Data.Tables;
using Segments.Azure.Membership;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.TestSupport.Contracts;
using Segments.TestSupport.Emulators;

namespace Segments.Azure.Tests.Membership;

/// <summary>The membership store contract on Azurite's Table service; each store gets its own tables.</summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TableMembershipStoreTests(EmulatorFixture fixture) : MembershipStoreContract
{
    private TableClient Table(string name) =>
        new TableServiceClient(fixture.Emulators.StorageConnectionString).GetTableClient($"{name}{Guid.NewGuid():N}");

    protected override Task<IMembershipStore> CreateMembershipStoreAsync() =>
        Task.FromResult<IMembershipStore>(new TableMembershipStore(Table("memberships"), Table("due"), TimeProvider.System));

    protected override Task<IConsumerStore> CreateConsumerStoreAsync() => Task.FromResult<IConsumerStore>(new TableConsumerStore(Table("consumers")));

    protected override Task<IReportStore> CreateReportStoreAsync() => Task.FromResult<IReportStore>(new TableReportStore(Table("reports")));

    [Fact]
    public async Task An_index_entry_left_behind_by_a_crash_is_dropped_by_the_sweep_without_hiding_the_checks_after_it()
    {
        var due = Table("due");
        IMembershipStore store = new TableMembershipStore(Table("memberships"), due, TimeProvider.System);
        var at = new DateTimeOffset(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);
        await store.SetNextAsync("t1", "s1", "c1", at);
        await store.SetNextAsync("t1", "s1", "c2", at.AddMinutes(1));
        var old = Assert.Single(await All(due), e => e.GetString("ContactId") == "c1");

        // Moved on, then the old entry written back: as if the move had crashed before deleting it.
        await store.SetNextAsync("t1", "s1", "c1", at.AddMinutes(50));
        await due.AddEntityAsync(new TableEntity(old));

        Assert.Equal([new DueCheck("t1", "s1", "c2", at.AddMinutes(1))], await store.DueAsync(at.AddMinutes(30), 1));
        Assert.Equal(2, (await All(due)).Count);
        Assert.Equal([at.AddMinutes(1), at.AddMinutes(50)], (await store.DueAsync(at.AddMinutes(60), 10)).Select(c => c.At));
    }

    [Fact]
    public async Task An_instant_announced_by_an_evaluation_that_turned_out_stale_is_withdrawn_so_the_sweep_never_takes_it()
    {
        var (memberships, due) = (Table("memberships"), Table("due"));
        IMembershipStore store = new TableMembershipStore(memberships, due, TimeProvider.System);
        var at = new DateTimeOffset(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);
        await store.RecordAsync("t1", "s1", "c1", member: true, at.AddMinutes(10), baseline: false, next: at.AddMinutes(70));

        // An evaluation at 5 (next edge 65) announced its instant and wrote its entry, then lost the race to the one at 10.
        var pointer = Assert.Single(await All(memberships), e => e.RowKey == "n|c1");
        var stale = at.AddMinutes(65).UtcTicks;
        pointer["PendingTicks"] = stale;
        await memberships.UpdateEntityAsync(pointer, pointer.ETag, TableUpdateMode.Replace);
        var entry = Assert.Single(await All(due));
        await due.AddEntityAsync(new TableEntity(entry) { RowKey = stale.ToString("D19", CultureInfo.InvariantCulture) + entry.RowKey[19..], ["AtTicks"] = stale });
        Assert.Equal([at.AddMinutes(65), at.AddMinutes(70)], (await store.DueAsync(at.AddMinutes(100), 10)).Select(c => c.At));

        Assert.True((await store.RecordAsync("t1", "s1", "c1", member: false, at.AddMinutes(5), baseline: false, next: at.AddMinutes(65))).Stale);
        Assert.Equal([new DueCheck("t1", "s1", "c1", at.AddMinutes(70))], await store.DueAsync(at.AddMinutes(100), 10));
        Assert.Single(await All(due));
    }

    private static async Task<List<TableEntity>> All(TableClient table)
    {
        var all = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>())
        {
            all.Add(entity);
        }
        return all;
    }
}

using Segments.Core.Ports;
using Segments.Core.Suppressions;
using Segments.Engine.Model;

namespace Segments.TestSupport.Contracts;

/// <summary>What every <see cref="ISuppressionStore"/> does: run by a subclass per implementation (memory, SQLite, Table storage).</summary>
public abstract class SuppressionStoreContract
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

    [Fact]
    public async Task Pages_read_every_suppression_of_the_tenant_once_and_a_reason_filter_keeps_only_that_reason()
    {
        var all = Enumerable.Range(0, 23).Select(i => new Suppression($"c{i % 7}|x", (SuppressionReason)(i % 4), At.AddMinutes(i))).ToList();
        await Store.AddAsync("t1", all);
        await Store.AddAsync("t2", [new("c1", SuppressionReason.Manual, At)]);

        var read = new List<Suppression>();
        Suppression? after = null;
        while (await Store.PageAsync("t1", null, after, 5) is { Count: > 0 } page)
        {
            Assert.True(page.Count <= 5);
            read.AddRange(page);
            after = page[^1];
        }
        Assert.Equal(all.OrderBy(s => s.At), read.OrderBy(s => s.At));
        Assert.Equal(all.Where(s => s.Reason == SuppressionReason.Manual).OrderBy(s => s.At),
            (await Store.PageAsync("t1", SuppressionReason.Manual, null, 100)).OrderBy(s => s.At));
        Assert.Equal([new Suppression("c1", SuppressionReason.Manual, At)], await Store.PageAsync("t2", null, null, 100));
    }

    [Fact]
    public async Task Removing_a_reason_takes_every_one_of_that_contact_and_reason_and_nothing_else()
    {
        await Store.AddAsync("t1", [
            new("c1", SuppressionReason.Manual, At), new("c1", SuppressionReason.Manual, At.AddDays(1)), new("c1", SuppressionReason.Complaint, At),
            new("c10", SuppressionReason.Manual, At),
        ]);
        await Store.AddAsync("t2", [new("c1", SuppressionReason.Manual, At)]);

        Assert.Equal(2, await Store.RemoveAsync("t1", "c1", SuppressionReason.Manual));
        Assert.Equal(0, await Store.RemoveAsync("t1", "c1", SuppressionReason.Manual));

        Assert.Equal([SuppressionReason.Complaint], (await Store.ForContactAsync("t1", "c1")).Select(s => s.Reason));
        Assert.Single(await Store.ForContactAsync("t1", "c10"));
        Assert.Single(await Store.ForContactAsync("t2", "c1"));
        Assert.Equal(1, await Store.RemoveAsync("t1", "c1", null));
        Assert.Empty(await Store.ForContactAsync("t1", "c1"));
    }

    [Fact]
    public async Task A_tenant_s_salt_is_made_once_and_its_erasures_are_its_own()
    {
        var salts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Store.SaltAsync("t1")));
        Assert.Equal(Erasure.SaltLength, salts[0].Length);
        Assert.All(salts, s => Assert.Equal(salts[0], s));
        Assert.NotEqual(salts[0], await Store.SaltAsync("t2"));

        await Store.AddErasedAsync("t1", Erasure.HashesOf(salts[0], "c1", "Ada@Example.com "));
        await Store.AddErasedAsync("t1", Erasure.HashesOf(salts[0], "c1", "ada@example.com"));

        var erasure = new Erasure(salts[0], await Store.ErasedAsync("t1"));
        Assert.Equal(2, (await Store.ErasedAsync("t1")).Count);
        Assert.True(erasure.Holds("c1", null));
        Assert.True(erasure.Holds("c2", "ADA@example.com"));
        Assert.False(erasure.Holds("c2", "bob@example.com"));
        Assert.Empty(await Store.ErasedAsync("t2"));
        Assert.Empty(await All(Store, "t1"));
    }

    [Theory]
    [MemberData(nameof(HostileContactIds.All), MemberType = typeof(HostileContactIds))]
    public async Task Any_contact_id_is_kept_as_given(string contactId)
    {
        await Store.AddAsync("t1", [new(contactId, SuppressionReason.Manual, At)]);

        Assert.Equal(contactId, Assert.Single(await Store.ForContactAsync("t1", contactId)).ContactId);
        Assert.Equal(contactId, Assert.Single(await All(Store, "t1")).ContactId);
    }
}

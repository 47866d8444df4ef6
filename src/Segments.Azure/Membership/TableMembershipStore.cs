using Azure;
using Azure.Data.Tables;
using Segments.Azure.Catalog;
using Segments.Core.Membership;

namespace Segments.Azure.Membership;

/// <summary>
/// Membership, changes and the time index in Table storage.
/// <para>
/// The membership table has one partition per (tenant, segment) holding the segment's sequence counter (<c>seq</c>),
/// each contact's membership (<c>m|{contact}</c>), each change (<c>x|{sequence}</c>), the key of each change
/// (<c>k|{contact}|{kind}|{ticks}</c>, so a replay finds it) and each contact's time-index pointer
/// (<c>n|{contact}</c>). A change is one entity-group transaction: the counter (conditional on its ETag), the
/// membership (conditional on its ETag), the key and the change, so it is recorded all or nothing and a concurrent
/// writer makes it fail with 409 or 412 and start over. The sequence is the counter plus one, but never less than the
/// recording time in microseconds since 1970: strictly increasing per segment, and across a tenant's segments in the
/// order changes were recorded (as far as the writers' clocks agree), so a drip or trigger moved to another segment
/// keeps its records' order.
/// </para>
/// <para>
/// The time-index table holds an entry per contact and segment with a next edge, in <see cref="Buckets"/> partitions
/// (by a hash of tenant, segment and contact) with row key <c>{ticks}|{tenant}|{segment}|{contact}</c>, so the
/// due entries are each bucket's first rows, merged. The pointer says which entry is current (<c>NextTicks</c>) and
/// which one is being written (<c>PendingTicks</c>): a move announces the new instant on the pointer, writes the new
/// entry, makes it current on the pointer, then deletes the old entries. An entry the pointer does not name (left by a
/// crash or a lost race) is deleted when the sweep meets it, conditional on its ETag so a rewrite in between survives.
/// </para>
/// Every key part is escaped (<see cref="TableKeys"/>).
/// </summary>
public sealed class TableMembershipStore(TableClient memberships, TableClient due, TimeProvider time) : IMembershipStore
{
    /// <summary>Partitions of the time index: writes spread over them, the sweep merges their first rows.</summary>
    public const int Buckets = 8;

    private const string CounterKey = "seq";

    // Attempts of a write that lost a race (409, 412) before it gives up.
    private const int MaxAttempts = 64;

    private readonly LazyTable _memberships = new(memberships);
    private readonly LazyTable _due = new(due);

    public async Task<long> LastSequenceAsync(string tenant, string segment, CancellationToken cancellationToken = default)
    {
        var client = await _memberships.GetAsync(cancellationToken);
        return (await ReadAsync(client, Partition(tenant, segment), CounterKey, cancellationToken))?.GetInt64("Sequence") ?? 0;
    }

    public async Task<MembershipChange?> RecordAsync(string tenant, string segment, string contactId, bool member, DateTimeOffset at, bool baseline,
        CancellationToken cancellationToken = default)
    {
        var client = await _memberships.GetAsync(cancellationToken);
        var partition = Partition(tenant, segment);
        var kind = member ? ChangeKind.Entered : ChangeKind.Left;
        for (var attempt = 1; ; attempt++)
        {
            var recorded = await ReadAsync(client, partition, MemberRow(contactId), cancellationToken);
            var was = recorded?.GetBoolean("Member");
            if (was == member)
            {
                return null;
            }
            var membership = new TableEntity(partition, MemberRow(contactId)) { ["ContactId"] = contactId, ["Member"] = member };
            try
            {
                if (was is null && (baseline || !member))
                {
                    await client.AddEntityAsync(membership, cancellationToken);
                    return null;
                }
                var counterRead = ReadAsync(client, partition, CounterKey, cancellationToken);
                var keyRead = ReadAsync(client, partition, KeyRow(contactId, kind, at), cancellationToken);
                var counter = await counterRead;
                if (await keyRead is not null)
                {
                    // This change was recorded already: a replay records nothing, not even the membership.
                    return null;
                }
                var sequence = Math.Max((counter?.GetInt64("Sequence") ?? 0) + 1, (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10);
                var next = new TableEntity(partition, CounterKey) { ["Sequence"] = sequence };
                await client.SubmitTransactionAsync(
                [
                    counter is null
                        ? new TableTransactionAction(TableTransactionActionType.Add, next)
                        : new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, counter.ETag),
                    recorded is null
                        ? new TableTransactionAction(TableTransactionActionType.Add, membership)
                        : new TableTransactionAction(TableTransactionActionType.UpdateReplace, membership, recorded.ETag),
                    new TableTransactionAction(TableTransactionActionType.Add,
                        new TableEntity(partition, KeyRow(contactId, kind, at)) { ["Sequence"] = sequence }),
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, ChangeRow(sequence))
                    {
                        ["ContactId"] = contactId,
                        ["Kind"] = (int)kind,
                        ["AtTicks"] = at.UtcTicks,
                    }),
                ], cancellationToken);
                return new MembershipChange(sequence, segment, contactId, kind, at);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another writer of this segment went first: read again.
                await BackOffAsync(attempt, cancellationToken);
            }
        }
    }

    public async Task SetNextAsync(string tenant, string segment, string contactId, DateTimeOffset? next, CancellationToken cancellationToken = default)
    {
        var client = await _memberships.GetAsync(cancellationToken);
        var index = await _due.GetAsync(cancellationToken);
        var partition = Partition(tenant, segment);
        var row = PointerRow(contactId);
        var target = next?.UtcTicks;
        for (var attempt = 1; ; attempt++)
        {
            var pointer = await ReadAsync(client, partition, row, cancellationToken);
            var current = pointer?.GetInt64("NextTicks");
            var pending = pointer?.GetInt64("PendingTicks");
            if (current == target && pending is null)
            {
                return;
            }
            try
            {
                if (target is { } ticks)
                {
                    var announce = new TableEntity(partition, row) { ["PendingTicks"] = ticks };
                    if (current is { } c)
                    {
                        announce["NextTicks"] = c;
                    }
                    var announced = pointer is null
                        ? await client.AddEntityAsync(announce, cancellationToken)
                        : await client.UpdateEntityAsync(announce, pointer.ETag, TableUpdateMode.Replace, cancellationToken);
                    await index.UpsertEntityAsync(DueEntity(tenant, segment, contactId, ticks), TableUpdateMode.Replace, cancellationToken);
                    await client.UpdateEntityAsync(new TableEntity(partition, row) { ["NextTicks"] = ticks }, announced.Headers.ETag!.Value,
                        TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await client.DeleteEntityAsync(partition, row, pointer!.ETag, cancellationToken);
                }
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // The pointer moved since it was read; an entry written meanwhile is left for the sweep to drop.
                await BackOffAsync(attempt, cancellationToken);
                continue;
            }
            foreach (var old in new[] { current, pending }.Distinct())
            {
                if (old is { } ticks && ticks != target)
                {
                    await DeleteAsync(index, DueEntity(tenant, segment, contactId, ticks), ETag.All, cancellationToken);
                }
            }
            return;
        }
    }

    public async Task<IReadOnlyList<DueCheck>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        var client = await _memberships.GetAsync(cancellationToken);
        var index = await _due.GetAsync(cancellationToken);
        var checks = new List<DueCheck>();
        if (max <= 0)
        {
            return checks;
        }
        // Every row key below the next tick's is at or before now.
        var bound = TableKeys.Number(now.UtcTicks + 1);
        var heads = new List<IAsyncEnumerator<TableEntity>>();
        try
        {
            for (var bucket = 0; bucket < Buckets; bucket++)
            {
                var head = index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {BucketKey(bucket)} and RowKey lt {bound}"),
                    maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
                if (await head.MoveNextAsync())
                {
                    heads.Add(head);
                }
                else
                {
                    await head.DisposeAsync();
                }
            }
            while (checks.Count < max && heads.Count > 0)
            {
                var earliest = heads.MinBy(h => h.Current.RowKey, StringComparer.Ordinal)!;
                var entry = earliest.Current;
                var (tenant, segment, contactId, ticks) =
                    (entry.GetString("Tenant"), entry.GetString("Segment"), entry.GetString("ContactId"), entry.GetInt64("AtTicks")!.Value);
                var pointer = await ReadAsync(client, Partition(tenant, segment), PointerRow(contactId), cancellationToken);
                if (pointer?.GetInt64("NextTicks") == ticks || pointer?.GetInt64("PendingTicks") == ticks)
                {
                    checks.Add(new DueCheck(tenant, segment, contactId, new DateTimeOffset(ticks, TimeSpan.Zero)));
                }
                else
                {
                    await DeleteAsync(index, entry, entry.ETag, cancellationToken);
                }
                if (!await earliest.MoveNextAsync())
                {
                    heads.Remove(earliest);
                    await earliest.DisposeAsync();
                }
            }
        }
        finally
        {
            foreach (var head in heads)
            {
                await head.DisposeAsync();
            }
        }
        return checks;
    }

    public async Task<IReadOnlyList<MembershipChange>> ChangesAsync(string tenant, string segment, long after, int max,
        CancellationToken cancellationToken = default)
    {
        var client = await _memberships.GetAsync(cancellationToken);
        var changes = new List<MembershipChange>();
        if (max <= 0)
        {
            return changes;
        }
        var first = after < 0 ? "x|" : ChangeRow(after);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Partition(tenant, segment)} and RowKey gt {first} and RowKey lt {TableKeys.AfterPrefix("x")}");
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            changes.Add(new MembershipChange(long.Parse(entity.RowKey.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture), segment,
                entity.GetString("ContactId"), (ChangeKind)entity.GetInt32("Kind")!.Value, new DateTimeOffset(entity.GetInt64("AtTicks")!.Value, TimeSpan.Zero)));
            if (changes.Count == max)
            {
                break;
            }
        }
        return changes;
    }

    private static string Partition(string tenant, string segment) => TableKeys.Join(tenant, segment);

    private static string MemberRow(string contactId) => "m|" + TableKeys.Escape(contactId);

    private static string PointerRow(string contactId) => "n|" + TableKeys.Escape(contactId);

    private static string KeyRow(string contactId, ChangeKind kind, DateTimeOffset at) =>
        $"k|{TableKeys.Escape(contactId)}|{(int)kind}|{TableKeys.Number(at.UtcTicks)}";

    private static string ChangeRow(long sequence) => "x|" + TableKeys.Number(sequence);

    private static string BucketKey(int bucket) => $"due-{bucket}";

    private static TableEntity DueEntity(string tenant, string segment, string contactId, long ticks)
    {
        var identity = TableKeys.Join(tenant, segment, contactId);
        // FNV-1a: the same bucket in every process (string hash codes are randomised per process).
        var hash = 2166136261u;
        foreach (var c in identity)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return new TableEntity(BucketKey((int)(hash % Buckets)), $"{TableKeys.Number(ticks)}|{identity}")
        {
            ["Tenant"] = tenant,
            ["Segment"] = segment,
            ["ContactId"] = contactId,
            ["AtTicks"] = ticks,
        };
    }

    private static async Task<TableEntity?> ReadAsync(TableClient client, string partition, string row, CancellationToken cancellationToken)
    {
        var found = await client.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Deletes an index entry unless it is gone already or (with its ETag) was rewritten since it was read.</summary>
    private static async Task DeleteAsync(TableClient index, TableEntity entry, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await index.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, etag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }

    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        attempt < 3 ? Task.CompletedTask : Task.Delay(Random.Shared.Next(1, 10 * Math.Min(attempt, 10)), cancellationToken);
}

using Azure;
using Azure.Data.Tables;
using Segments.Azure.Tables;
using Segments.Core.Membership;
using Segments.Core.Ports;

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
/// The membership entity keeps the last evaluation's instant (<c>EvaluatedAtTicks</c>, missing: never, or a baseline
/// scan's) and whether it is <c>Provisional</c> (a baseline's, until a write settles it: <see cref="MembershipStep"/>).
/// Every evaluation but one that records nothing (stale, or a scan over a record) is one entity-group transaction: the membership with its instant
/// (conditional on its ETag, so evaluations of a contact are serialised), the change if any, and the time-index
/// pointer made current at the new next edge (announced and its entry written just before, as below). A stale
/// evaluation writes nothing, and takes back an instant announced on the pointer and not made current (its own,
/// if it announced before it lost the race), so the index never names an edge computed from an older document.
/// </para>
/// <para>
/// The time-index table holds an entry per contact and segment with a next edge, in <see cref="Buckets"/> partitions
/// (by a hash of tenant, segment and contact) with row key <c>{ticks}|{tenant}|{segment}|{contact}</c>, so the
/// due entries are each bucket's first rows, merged. The pointer says which entry is current (<c>NextTicks</c>) and
/// which one is being written (<c>PendingTicks</c>): a move announces the new instant on the pointer, writes the new
/// entry, makes it current on the pointer (conditional on the announcement's ETag; with an evaluation, in its
/// transaction), then deletes the old entries. An entry the pointer does not name (left by a
/// crash or a lost race) is deleted when the sweep meets it, conditional on its ETag so a rewrite in between survives.
/// </para>
/// Every key part is escaped (<see cref="TableKeys"/>).
/// </summary>
public sealed class TableMembershipStore(TableClient memberships, TableClient due, TimeProvider time) : IMembershipStore
{
    /// <summary>Partitions of the time index: writes spread over them, the sweep merges their first rows.</summary>
    public const int Buckets = 8;

    private const string CounterKey = "seq";


    private readonly LazyTable _memberships = new(memberships);
    private readonly LazyTable _due = new(due);

    public async Task<long> LastSequenceAsync(string tenant, string segment, CancellationToken cancellationToken = default)
    {
        var client = await _memberships.GetAsync(cancellationToken);
        return (await ReadAsync(client, Partition(tenant, segment), CounterKey, cancellationToken))?.GetInt64("Sequence") ?? 0;
    }

    public async Task<MembershipRecording> RecordAsync(string tenant, MembershipEvaluation evaluation, CancellationToken cancellationToken = default)
    {
        var client = await _memberships.GetAsync(cancellationToken);
        var index = await _due.GetAsync(cancellationToken);
        var (segment, contactId, at) = (evaluation.Segment, evaluation.ContactId, evaluation.At);
        var partition = Partition(tenant, segment);
        var target = evaluation.Next?.UtcTicks;
        for (var attempt = 1; ; attempt++)
        {
            var recordedRead = ReadAsync(client, partition, MemberRow(contactId), cancellationToken);
            var pointer = await ReadAsync(client, partition, PointerRow(contactId), cancellationToken);
            var recorded = await recordedRead;
            var was = recorded?.GetBoolean("Member") is { } member
                ? new RecordedMembership(member, recorded.GetInt64("EvaluatedAtTicks"), recorded.GetBoolean("Provisional") ?? false)
                : (RecordedMembership?)null;
            if (MembershipStep.Of(was, evaluation) is not { } step)
            {
                await WithdrawPendingAsync(client, pointer, cancellationToken);
                return MembershipRecording.StaleEvaluation;
            }
            var (current, pending) = (pointer?.GetInt64("NextTicks"), pointer?.GetInt64("PendingTicks"));
            var moves = current != target || pending is not null;
            if (step.Change is null && was == new RecordedMembership(step.Member, step.EvaluatedAt, step.Provisional) && !moves)
            {
                return MembershipRecording.NoChange;
            }
            try
            {
                var actions = new List<TableTransactionAction>();
                MembershipChange? change = null;
                if (step.Change is { } kind)
                {
                    var counterRead = ReadAsync(client, partition, CounterKey, cancellationToken);
                    var keyRead = ReadAsync(client, partition, KeyRow(contactId, kind, at), cancellationToken);
                    var counter = await counterRead;
                    // A change recorded already is not recorded again (a replay), and leaves the membership as it is.
                    if (await keyRead is null)
                    {
                        var sequence = Math.Max((counter?.GetInt64("Sequence") ?? 0) + 1, (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10);
                        var sequenced = new TableEntity(partition, CounterKey) { ["Sequence"] = sequence };
                        actions.Add(counter is null
                            ? new TableTransactionAction(TableTransactionActionType.Add, sequenced)
                            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, sequenced, counter.ETag));
                        actions.Add(new TableTransactionAction(TableTransactionActionType.Add,
                            new TableEntity(partition, KeyRow(contactId, kind, at)) { ["Sequence"] = sequence }));
                        actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, ChangeRow(sequence))
                        {
                            ["ContactId"] = contactId,
                            ["Kind"] = (int)kind,
                            ["AtTicks"] = at.UtcTicks,
                        }));
                        change = new MembershipChange(sequence, segment, contactId, kind, at);
                    }
                }
                var membership = new TableEntity(partition, MemberRow(contactId))
                {
                    ["ContactId"] = contactId,
                    ["Member"] = step.Recorded(change is not null),
                    ["EvaluatedAtTicks"] = step.EvaluatedAt,
                    ["Provisional"] = step.Provisional,
                };
                actions.Add(recorded is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, membership)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, membership, recorded.ETag));
                if (moves && await MovePointerAsync(client, index, tenant, segment, contactId, pointer, target, cancellationToken) is { } settle)
                {
                    actions.Add(settle);
                }
                await client.SubmitTransactionAsync(actions, cancellationToken);
                if (moves)
                {
                    await DropOldAsync(index, tenant, segment, contactId, current, pending, target, cancellationToken);
                }
                return change is null ? MembershipRecording.NoChange : MembershipRecording.Changed(change);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412 && attempt < TableContention.MaxAttempts)
            {
                // Another evaluation of this contact, or writer of this segment, went first (or cleared the pointer): read again.
                await TableContention.BackOffAsync(attempt, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Each evaluation is its own entity-group transaction (its segment's partition); those of different contacts or
    /// segments go at once, a contact's evaluations of one segment in their order.
    /// </summary>
    public async Task<IReadOnlyList<MembershipRecording>> RecordAsync(string tenant, IReadOnlyList<MembershipEvaluation> evaluations,
        CancellationToken cancellationToken = default)
    {
        var recordings = new MembershipRecording[evaluations.Count];
        // A segment's evaluations in their order (its change feed numbers changes as they are recorded); segments at once.
        var bySegment = evaluations.Select((e, i) => (e, i)).GroupBy(x => x.e.Segment);
        await Parallel.ForEachAsync(bySegment, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentEvaluations, CancellationToken = cancellationToken },
            async (key, ct) =>
            {
                foreach (var (e, i) in key)
                {
                    recordings[i] = await RecordAsync(tenant, e, ct);
                }
            });
        return recordings;
    }

    /// <summary>Evaluations of one call recorded at the same time: each is a few round trips to the service.</summary>
    private const int ConcurrentEvaluations = 16;

    public async Task SetNextAsync(string tenant, string segment, string contactId, DateTimeOffset? next, CancellationToken cancellationToken = default)
    {
        var client = await _memberships.GetAsync(cancellationToken);
        var index = await _due.GetAsync(cancellationToken);
        var target = next?.UtcTicks;
        for (var attempt = 1; ; attempt++)
        {
            var pointer = await ReadAsync(client, Partition(tenant, segment), PointerRow(contactId), cancellationToken);
            var (current, pending) = (pointer?.GetInt64("NextTicks"), pointer?.GetInt64("PendingTicks"));
            if (current == target && pending is null)
            {
                return;
            }
            try
            {
                if (await MovePointerAsync(client, index, tenant, segment, contactId, pointer, target, cancellationToken) is { } settle)
                {
                    await client.SubmitTransactionAsync([settle], cancellationToken);
                }
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412 && attempt < TableContention.MaxAttempts)
            {
                // The pointer moved (or went) since it was read; an entry written meanwhile is left for the sweep to drop.
                await TableContention.BackOffAsync(attempt, cancellationToken);
                continue;
            }
            await DropOldAsync(index, tenant, segment, contactId, current, pending, target, cancellationToken);
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

    /// <summary>
    /// Finds the contact's rows in every segment partition of the tenant (one query over the tenant's range of partitions):
    /// its membership, its time-index pointer with the entries it names, the keys of its changes with the changes they name.
    /// </summary>
    public async Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
    {
        var client = await _memberships.GetAsync(cancellationToken);
        var index = await _due.GetAsync(cancellationToken);
        var (member, pointer) = (MemberRow(contactId), PointerRow(contactId));
        var keys = $"k|{TableKeys.Escape(contactId)}|";
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {TableKeys.Escape(tenant) + TableKeys.Separator} and PartitionKey lt {TableKeys.AfterPrefix(TableKeys.Escape(tenant))}")
            + " and (" + TableClient.CreateQueryFilter($"RowKey eq {member} or RowKey eq {pointer} or (RowKey ge {keys} and RowKey lt {TableKeys.AfterPrefix(keys[..^1])})") + ")";
        var rows = new List<ITableEntity>();
        var entries = new List<ITableEntity>();
        await foreach (var row in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
            if (row.RowKey == pointer)
            {
                var identity = $"{row.PartitionKey}{TableKeys.Separator}{TableKeys.Escape(contactId)}";
                entries.AddRange(new[] { row.GetInt64("NextTicks"), row.GetInt64("PendingTicks") }.OfType<long>().Select(t => DueKey(identity, t)));
            }
            else if (row.RowKey.StartsWith(keys, StringComparison.Ordinal))
            {
                rows.Add(new TableEntity(row.PartitionKey, ChangeRow(row.GetInt64("Sequence")!.Value)));
            }
        }
        await TableBatches.DeleteAsync(index, entries, cancellationToken);
        await TableBatches.DeleteAsync(client, rows, cancellationToken);
    }

    private static string Partition(string tenant, string segment) => TableKeys.Join(tenant, segment);

    private static string MemberRow(string contactId) => "m|" + TableKeys.Escape(contactId);

    private static string PointerRow(string contactId) => "n|" + TableKeys.Escape(contactId);

    private static string KeyRow(string contactId, ChangeKind kind, DateTimeOffset at) =>
        $"k|{TableKeys.Escape(contactId)}|{(int)kind}|{TableKeys.Number(at.UtcTicks)}";

    private static string ChangeRow(long sequence) => "x|" + TableKeys.Number(sequence);

    private static string BucketKey(int bucket) => $"due-{bucket}";

    private static TableEntity DueEntity(string tenant, string segment, string contactId, long ticks) =>
        new(DueKey(TableKeys.Join(tenant, segment, contactId), ticks))
        {
            ["Tenant"] = tenant,
            ["Segment"] = segment,
            ["ContactId"] = contactId,
            ["AtTicks"] = ticks,
        };

    /// <summary>The keys of a time-index entry: <paramref name="identity"/> is the escaped tenant, segment and contact joined.</summary>
    private static TableEntity DueKey(string identity, long ticks)
    {
        // FNV-1a: the same bucket in every process (string hash codes are randomised per process).
        var hash = 2166136261u;
        foreach (var c in identity)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return new TableEntity(BucketKey((int)(hash % Buckets)), $"{TableKeys.Number(ticks)}|{identity}");
    }


    /// <summary>
    /// Prepares moving the contact's pointer (as read, or null) to <paramref name="target"/>: with an instant, announces
    /// it on the pointer and writes its index entry; returns the action that makes it current (or, with null, deletes
    /// the pointer), conditional on the pointer's ETag, for the caller's transaction; null when there is nothing to delete.
    /// </summary>
    private static async Task<TableTransactionAction?> MovePointerAsync(TableClient client, TableClient index, string tenant, string segment,
        string contactId, TableEntity? pointer, long? target, CancellationToken cancellationToken)
    {
        var (partition, row) = (Partition(tenant, segment), PointerRow(contactId));
        if (target is not { } ticks)
        {
            return pointer is null ? null : new TableTransactionAction(TableTransactionActionType.Delete, pointer, pointer.ETag);
        }
        var announce = new TableEntity(partition, row) { ["PendingTicks"] = ticks };
        if (pointer?.GetInt64("NextTicks") is { } current)
        {
            announce["NextTicks"] = current;
        }
        var announced = pointer is null
            ? await client.AddEntityAsync(announce, cancellationToken)
            : await client.UpdateEntityAsync(announce, pointer.ETag, TableUpdateMode.Replace, cancellationToken);
        await index.UpsertEntityAsync(DueEntity(tenant, segment, contactId, ticks), TableUpdateMode.Replace, cancellationToken);
        return new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity(partition, row) { ["NextTicks"] = ticks },
            announced.Headers.ETag!.Value);
    }

    /// <summary>Deletes the index entries of a pointer's former instants, once it names <paramref name="target"/>.</summary>
    private static async Task DropOldAsync(TableClient index, string tenant, string segment, string contactId, long? current, long? pending,
        long? target, CancellationToken cancellationToken)
    {
        foreach (var old in new[] { current, pending }.Distinct())
        {
            if (old is { } ticks && ticks != target)
            {
                await DeleteAsync(index, DueEntity(tenant, segment, contactId, ticks), ETag.All, cancellationToken);
            }
        }
    }

    /// <summary>
    /// After a stale evaluation: takes back an instant announced on the pointer and not made current, which may be the
    /// stale evaluation's own (announced before it lost the race), so the sweep never evaluates a contact at an instant
    /// computed from an old document. An evaluation still under way loses its announcement with a 412 and starts over;
    /// the entry is left for the sweep to drop.
    /// </summary>
    private static async Task WithdrawPendingAsync(TableClient client, TableEntity? pointer, CancellationToken cancellationToken)
    {
        if (pointer?.GetInt64("PendingTicks") is null)
        {
            return;
        }
        try
        {
            if (pointer.GetInt64("NextTicks") is { } current)
            {
                await client.UpdateEntityAsync(new TableEntity(pointer.PartitionKey, pointer.RowKey) { ["NextTicks"] = current }, pointer.ETag,
                    TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await client.DeleteEntityAsync(pointer.PartitionKey, pointer.RowKey, pointer.ETag, cancellationToken);
            }
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            // The pointer moved meanwhile: whoever moved it settled it.
        }
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
}

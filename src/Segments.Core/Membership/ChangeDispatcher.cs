namespace Segments.Core.Membership;

/// <summary>
/// Hands a segment's recorded changes on, with the change feed as the outbox. Each reader of the feed keeps a cursor,
/// the sequence of the last change it handled: each drip and trigger (per segment it uses) adds its records, the
/// stream publisher (per segment) publishes; only then does the cursor move past them. A crash between recording a
/// change and handing it on loses nothing: the next dispatch of the segment (after its next change, or the sweep's
/// catch-up) starts at the cursor. Handing a change on twice is harmless: a record is kept once, and the stream is
/// at least once. Within a process, dispatches of one segment run one at a time (a fold, the sweep and other folds
/// may all ask at once), so the stream repeats a change only after a crash or across processes.
/// </summary>
public sealed class ChangeDispatcher(IMembershipStore membership, IConsumerStore consumers, IMembershipChangePublisher? publisher = null)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Tenant, string Segment), SemaphoreSlim> _dispatching = new();

    /// <summary>How many changes are read from the feed at a time.</summary>
    public const int PageSize = 256;

    /// <summary>
    /// Saves a drip or trigger. One that is new, or now uses another segment, hears of the segment's changes from
    /// now on: its cursor starts at the latest change, before it is saved, so no dispatch sees it without one. One
    /// saved again on the same segment keeps its place.
    /// </summary>
    public async Task SaveAsync(string tenant, Consumer consumer, CancellationToken cancellationToken)
    {
        if ((await consumers.GetAsync(tenant, consumer.Kind, consumer.Id, cancellationToken))?.Segment != consumer.Segment)
        {
            var latest = await membership.LastSequenceAsync(tenant, consumer.Segment, cancellationToken);
            await consumers.AdvanceCursorAsync(tenant, CursorOf(consumer), latest, cancellationToken);
        }
        await consumers.PutAsync(tenant, consumer, cancellationToken);
    }

    /// <summary>
    /// Forgets a drip or trigger with its records, while no dispatch of its segment runs in this process, so none adds a
    /// record after it is gone; false when there was none.
    /// </summary>
    public async Task<bool> DeleteAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken)
    {
        if (await consumers.GetAsync(tenant, kind, id, cancellationToken) is not { } consumer)
        {
            return false;
        }
        var one = _dispatching.GetOrAdd((tenant, consumer.Segment), _ => new SemaphoreSlim(1, 1));
        await one.WaitAsync(cancellationToken);
        try
        {
            return await consumers.DeleteAsync(tenant, kind, id, cancellationToken);
        }
        finally
        {
            one.Release();
        }
    }

    /// <summary>Hands the segment's changes after each reader's cursor to its drips and triggers and to the stream.</summary>
    public async Task DispatchAsync(string tenant, string segment, CancellationToken cancellationToken)
    {
        var one = _dispatching.GetOrAdd((tenant, segment), _ => new SemaphoreSlim(1, 1));
        await one.WaitAsync(cancellationToken);
        try
        {
            await DispatchAloneAsync(tenant, segment, cancellationToken);
        }
        finally
        {
            one.Release();
        }
    }

    private async Task DispatchAloneAsync(string tenant, string segment, CancellationToken cancellationToken)
    {
        foreach (var consumer in await consumers.ListAsync(tenant, cancellationToken))
        {
            if (consumer.Segment == segment)
            {
                await DrainAsync(tenant, segment, CursorOf(consumer), changes => RecordAsync(tenant, consumer, changes, cancellationToken),
                    cancellationToken);
            }
        }
        if (publisher is not null)
        {
            await DrainAsync(tenant, segment, $"stream:{segment}", changes => publisher.PublishAsync(tenant, changes, cancellationToken),
                cancellationToken);
        }
    }

    /// <summary>Dispatches every segment that a drip or trigger of any tenant uses: what a crash left behind is handed on.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        foreach (var (tenant, segment) in (await consumers.ListAllAsync(cancellationToken)).Select(c => (c.Tenant, c.Consumer.Segment)).Distinct())
        {
            await DispatchAsync(tenant, segment, cancellationToken);
        }
    }

    /// <summary>A drip's or trigger's cursor names its segment, so one moved to another segment starts a new cursor there.</summary>
    private static string CursorOf(Consumer consumer) =>
        $"{(consumer.Kind == ConsumerKind.Drip ? "drip" : "trigger")}:{consumer.Id}:{consumer.Segment}";

    private async Task DrainAsync(string tenant, string segment, string cursor, Func<IReadOnlyList<MembershipChange>, Task> handle,
        CancellationToken cancellationToken)
    {
        var after = await consumers.CursorAsync(tenant, cursor, cancellationToken);
        while (await membership.ChangesAsync(tenant, segment, after, PageSize, cancellationToken) is { Count: > 0 } changes)
        {
            await handle(changes);
            after = changes[^1].Sequence;
            await consumers.AdvanceCursorAsync(tenant, cursor, after, cancellationToken);
        }
    }

    private async Task RecordAsync(string tenant, Consumer consumer, IReadOnlyList<MembershipChange> changes, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            if (change.Kind == consumer.On)
            {
                await consumers.AddRecordAsync(tenant, consumer, new ConsumerRecord(change.Sequence, change.ContactId, change.Kind, change.At),
                    cancellationToken);
            }
        }
    }
}

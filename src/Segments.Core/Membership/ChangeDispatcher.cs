using Segments.Core.Ports;

namespace Segments.Core.Membership;

/// <summary>
/// Hands a segment's recorded changes on, with the change feed as the outbox. Each reader of the feed keeps a cursor,
/// the sequence of the last change it handled: each drip and trigger (per segment it uses) adds its records and moves
/// its cursor (together, where the store can), the stream publisher (per segment) publishes, then moves its cursor. A
/// crash between recording a change and handing it on loses nothing: the next dispatch of the segment (after its next
/// change, or the sweep's catch-up) starts at the cursor. Handing a change on twice is harmless: a record is kept once,
/// and the stream is at least once. Within a process, dispatches of one segment run one at a time, and callers who ask
/// while one runs share the next (each is served by a dispatch that began after it asked): a batch of folded contacts
/// entering the same segment costs one or two dispatches, not one each.
/// </summary>
public sealed class ChangeDispatcher(IMembershipStore membership, IConsumerStore consumers, IMembershipChangePublisher? publisher = null)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Tenant, string Segment), Rounds> _dispatching = new();

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
        return await RoundsOf(tenant, consumer.Segment).AloneAsync(() => consumers.DeleteAsync(tenant, kind, id, cancellationToken), cancellationToken);
    }

    /// <summary>Hands the segment's changes after each reader's cursor to its drips and triggers and to the stream.</summary>
    public Task DispatchAsync(string tenant, string segment, CancellationToken cancellationToken) =>
        RoundsOf(tenant, segment).NextAsync().WaitAsync(cancellationToken);

    private Rounds RoundsOf(string tenant, string segment) =>
        _dispatching.GetOrAdd((tenant, segment), key => new Rounds(() => DispatchAloneAsync(key.Tenant, key.Segment)));

    private async Task DispatchAloneAsync(string tenant, string segment)
    {
        foreach (var consumer in await consumers.ListAsync(tenant))
        {
            if (consumer.Segment == segment)
            {
                var cursor = CursorOf(consumer);
                await DrainAsync(tenant, segment, cursor, (changes, last) => consumers.AddRecordsAsync(tenant, consumer,
                    [.. changes.Where(c => c.Kind == consumer.On).Select(c => new ConsumerRecord(c.Sequence, c.ContactId, c.Kind, c.At))], cursor, last));
            }
        }
        if (publisher is not null)
        {
            var cursor = $"stream:{segment}";
            await DrainAsync(tenant, segment, cursor, async (changes, last) =>
            {
                await publisher.PublishAsync(tenant, changes, CancellationToken.None);
                await consumers.AdvanceCursorAsync(tenant, cursor, last);
            });
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

    /// <summary>Hands on the changes after the cursor, a page at a time; <paramref name="handle"/> moves the cursor to the page's last.</summary>
    private async Task DrainAsync(string tenant, string segment, string cursor, Func<IReadOnlyList<MembershipChange>, long, Task> handle)
    {
        var after = await consumers.CursorAsync(tenant, cursor);
        while (await membership.ChangesAsync(tenant, segment, after, PageSize) is { Count: > 0 } changes)
        {
            after = changes[^1].Sequence;
            await handle(changes, after);
        }
    }

    /// <summary>
    /// Runs the dispatch of one segment again for whoever asks, one run at a time: each caller is served by a run that
    /// starts after it asked, and callers arriving while a run goes share the next one. Other work on the segment can run
    /// while no run does (<see cref="AloneAsync"/>).
    /// </summary>
    private sealed class Rounds(Func<Task> run)
    {
        private readonly SemaphoreSlim _alone = new(1, 1);
        private readonly Lock _gate = new();
        private TaskCompletionSource? _next;
        private bool _running;

        public Task NextAsync()
        {
            lock (_gate)
            {
                _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (!_running)
                {
                    _running = true;
                    // Without the caller's execution context: the runs serve every caller, not this one.
                    using (ExecutionContext.SuppressFlow())
                    {
                        _ = Task.Run(RunAsync, CancellationToken.None);
                    }
                }
                return _next.Task;
            }
        }

        public async Task<T> AloneAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
        {
            await _alone.WaitAsync(cancellationToken);
            try
            {
                return await work();
            }
            finally
            {
                _alone.Release();
            }
        }

        private async Task RunAsync()
        {
            while (true)
            {
                TaskCompletionSource round;
                lock (_gate)
                {
                    if (_next is null)
                    {
                        _running = false;
                        return;
                    }
                    round = _next;
                    _next = null;
                }
                await _alone.WaitAsync();
                try
                {
                    await run();
                    round.SetResult();
                }
                catch (Exception error)
                {
                    round.SetException(error);
                }
                finally
                {
                    _alone.Release();
                }
            }
        }
    }
}

using Segments.Core.Membership;

namespace Segments.Core.Tests.Membership;

/// <summary>A membership store that notes the segment of every evaluation recorded (one per evaluation), and the calls that record them.</summary>
internal sealed class CountingMembershipStore(IMembershipStore inner) : IMembershipStore
{
    public List<string> Evaluated { get; } = [];

    /// <summary>How many evaluations each call recorded.</summary>
    public List<int> Calls { get; } = [];

    public Task<IReadOnlyList<MembershipRecording>> RecordAsync(string tenant, IReadOnlyList<MembershipEvaluation> evaluations,
        CancellationToken cancellationToken = default)
    {
        lock (Evaluated)
        {
            Evaluated.AddRange(evaluations.Select(e => e.Segment));
            Calls.Add(evaluations.Count);
        }
        return inner.RecordAsync(tenant, evaluations, cancellationToken);
    }

    public Task<MembershipRecording> RecordAsync(string tenant, MembershipEvaluation evaluation, CancellationToken cancellationToken = default)
    {
        lock (Evaluated)
        {
            Evaluated.Add(evaluation.Segment);
            Calls.Add(1);
        }
        return inner.RecordAsync(tenant, evaluation, cancellationToken);
    }

    public Task SetNextAsync(string tenant, string segment, string contactId, DateTimeOffset? next, CancellationToken cancellationToken = default) =>
        inner.SetNextAsync(tenant, segment, contactId, next, cancellationToken);

    public Task<IReadOnlyList<DueCheck>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default) =>
        inner.DueAsync(now, max, cancellationToken);

    public Task<IReadOnlyList<MembershipChange>> ChangesAsync(string tenant, string segment, long after, int max,
        CancellationToken cancellationToken = default) => inner.ChangesAsync(tenant, segment, after, max, cancellationToken);

    public Task<long> LastSequenceAsync(string tenant, string segment, CancellationToken cancellationToken = default) =>
        inner.LastSequenceAsync(tenant, segment, cancellationToken);

    public Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
        inner.EraseContactAsync(tenant, contactId, cancellationToken);
}

/// <summary>A consumer store whose next record fails once when <see cref="FailNext"/> is set: a crash after the change is recorded.</summary>
internal sealed class CrashingConsumerStore(IConsumerStore inner) : IConsumerStore
{
    public bool FailNext { get; set; }

    public Task<bool> AddRecordAsync(string tenant, Consumer consumer, ConsumerRecord record, CancellationToken cancellationToken = default)
    {
        if (FailNext)
        {
            FailNext = false;
            throw new IOException("the process died before the record was kept");
        }
        return inner.AddRecordAsync(tenant, consumer, record, cancellationToken);
    }

    public Task PutAsync(string tenant, Consumer consumer, CancellationToken cancellationToken = default) =>
        inner.PutAsync(tenant, consumer, cancellationToken);

    public Task<Consumer?> GetAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken = default) =>
        inner.GetAsync(tenant, kind, id, cancellationToken);

    public Task<IReadOnlyList<Consumer>> ListAsync(string tenant, CancellationToken cancellationToken = default) =>
        inner.ListAsync(tenant, cancellationToken);

    public Task<IReadOnlyList<(string Tenant, Consumer Consumer)>> ListAllAsync(CancellationToken cancellationToken = default) =>
        inner.ListAllAsync(cancellationToken);

    public Task<bool> DeleteAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(tenant, kind, id, cancellationToken);

    public Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
        inner.EraseContactAsync(tenant, contactId, cancellationToken);

    public Task<IReadOnlyList<ConsumerRecord>> RecordsAsync(string tenant, ConsumerKind kind, string id, long after, int max,
        CancellationToken cancellationToken = default) => inner.RecordsAsync(tenant, kind, id, after, max, cancellationToken);

    public Task<long> CursorAsync(string tenant, string cursor, CancellationToken cancellationToken = default) =>
        inner.CursorAsync(tenant, cursor, cancellationToken);

    public Task AdvanceCursorAsync(string tenant, string cursor, long sequence, CancellationToken cancellationToken = default) =>
        inner.AdvanceCursorAsync(tenant, cursor, sequence, cancellationToken);
}

/// <summary>A stream that keeps what is published; with <see cref="FailNext"/> set, the next publication fails once.</summary>
internal sealed class RecordingPublisher : IMembershipChangePublisher
{
    public List<(string Tenant, MembershipChange Change)> Published { get; } = [];

    public bool FailNext { get; set; }

    /// <summary>Fails every publish while set: the stream is down.</summary>
    public bool Down { get; set; }

    /// <summary>How long a publish takes, so that dispatches running at once interleave.</summary>
    public TimeSpan Latency { get; set; }

    public async Task PublishAsync(string tenant, IReadOnlyList<MembershipChange> changes, CancellationToken cancellationToken)
    {
        if (FailNext || Down)
        {
            FailNext = false;
            throw new IOException("the stream is unreachable");
        }
        await Task.Delay(Latency, cancellationToken);
        lock (Published)
        {
            Published.AddRange(changes.Select(c => (tenant, c)));
        }
    }
}

/// <summary>
/// A membership store that, once <see cref="HoldNext"/> is called, holds the next call that records evaluations until
/// <see cref="Release"/>: the tracking of a write still on its way to the store while others record.
/// </summary>
internal sealed class HoldingMembershipStore(IMembershipStore inner) : IMembershipStore
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _hold;

    public void HoldNext() => _hold = _released;

    /// <summary>Completes once the held call has arrived.</summary>
    public Task Reached => _reached.Task;

    public void Release() => _released.TrySetResult();

    public async Task<IReadOnlyList<MembershipRecording>> RecordAsync(string tenant, IReadOnlyList<MembershipEvaluation> evaluations,
        CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _hold, null) is { } hold)
        {
            _reached.TrySetResult();
            await hold.Task;
        }
        return await inner.RecordAsync(tenant, evaluations, cancellationToken);
    }

    public async Task<MembershipRecording> RecordAsync(string tenant, MembershipEvaluation evaluation, CancellationToken cancellationToken = default) =>
        (await RecordAsync(tenant, [evaluation], cancellationToken))[0];

    public Task SetNextAsync(string tenant, string segment, string contactId, DateTimeOffset? next, CancellationToken cancellationToken = default) =>
        inner.SetNextAsync(tenant, segment, contactId, next, cancellationToken);

    public Task<IReadOnlyList<DueCheck>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default) =>
        inner.DueAsync(now, max, cancellationToken);

    public Task<IReadOnlyList<MembershipChange>> ChangesAsync(string tenant, string segment, long after, int max,
        CancellationToken cancellationToken = default) => inner.ChangesAsync(tenant, segment, after, max, cancellationToken);

    public Task<long> LastSequenceAsync(string tenant, string segment, CancellationToken cancellationToken = default) =>
        inner.LastSequenceAsync(tenant, segment, cancellationToken);

    public Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
        inner.EraseContactAsync(tenant, contactId, cancellationToken);
}

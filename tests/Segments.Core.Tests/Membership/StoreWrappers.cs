using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.TestSupport.Stores;

namespace Segments.Core.Tests.Membership;

/// <summary>A membership store that notes the segment of every evaluation recorded (one per evaluation), and the calls that record them.</summary>
internal sealed class CountingMembershipStore(IMembershipStore inner) : DelegatingMembershipStore(inner)
{
    public List<string> Evaluated { get; } = [];

    /// <summary>How many evaluations each call recorded.</summary>
    public List<int> Calls { get; } = [];

    public override Task<IReadOnlyList<MembershipRecording>> RecordAsync(string tenant, IReadOnlyList<MembershipEvaluation> evaluations,
        CancellationToken cancellationToken = default)
    {
        lock (Evaluated)
        {
            Evaluated.AddRange(evaluations.Select(e => e.Segment));
            Calls.Add(evaluations.Count);
        }
        return Inner.RecordAsync(tenant, evaluations, cancellationToken);
    }

    public override Task<MembershipRecording> RecordAsync(string tenant, MembershipEvaluation evaluation, CancellationToken cancellationToken = default)
    {
        lock (Evaluated)
        {
            Evaluated.Add(evaluation.Segment);
            Calls.Add(1);
        }
        return Inner.RecordAsync(tenant, evaluation, cancellationToken);
    }
}

/// <summary>
/// A membership store whose next call recording writes' evaluations fails once when <see cref="CrashNext"/> is set: the
/// process died between a batch's writes and their tracking. A baseline scan's evaluations are recorded as ever.
/// </summary>
internal sealed class CrashingMembershipStore(IMembershipStore inner) : DelegatingMembershipStore(inner)
{
    public bool CrashNext { get; set; }

    public override Task<IReadOnlyList<MembershipRecording>> RecordAsync(string tenant, IReadOnlyList<MembershipEvaluation> evaluations,
        CancellationToken cancellationToken = default)
    {
        if (CrashNext && evaluations.Any(e => !e.Scan))
        {
            CrashNext = false;
            throw new IOException("the process died before the batch's writes were tracked");
        }
        return Inner.RecordAsync(tenant, evaluations, cancellationToken);
    }
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

    public Task<IReadOnlyList<ConsumerRecord>> RecordsAsync(string tenant, ConsumerKind kind, string id, long after, int max,
        CancellationToken cancellationToken = default) => inner.RecordsAsync(tenant, kind, id, after, max, cancellationToken);

    public Task<long> CursorAsync(string tenant, string cursor, CancellationToken cancellationToken = default) =>
        inner.CursorAsync(tenant, cursor, cancellationToken);

    public Task AdvanceCursorAsync(string tenant, string cursor, long sequence, CancellationToken cancellationToken = default) =>
        inner.AdvanceCursorAsync(tenant, cursor, sequence, cancellationToken);

    public Task<bool> DeleteAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(tenant, kind, id, cancellationToken);

    public Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
        inner.EraseContactAsync(tenant, contactId, cancellationToken);
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
internal sealed class HoldingMembershipStore(IMembershipStore inner) : DelegatingMembershipStore(inner)
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _hold;

    public void HoldNext() => _hold = _released;

    /// <summary>Completes once the held call has arrived.</summary>
    public Task Reached => _reached.Task;

    public void Release() => _released.TrySetResult();

    public override async Task<IReadOnlyList<MembershipRecording>> RecordAsync(string tenant, IReadOnlyList<MembershipEvaluation> evaluations,
        CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _hold, null) is { } hold)
        {
            _reached.TrySetResult();
            await hold.Task;
        }
        return await Inner.RecordAsync(tenant, evaluations, cancellationToken);
    }

    public override async Task<MembershipRecording> RecordAsync(string tenant, MembershipEvaluation evaluation, CancellationToken cancellationToken = default) =>
        (await RecordAsync(tenant, [evaluation], cancellationToken))[0];
}

namespace Segments.Core.Membership;

/// <summary>A drip (enrols contacts entering its segment) or a trigger (fires on each change of kind <see cref="On"/>).</summary>
public sealed record Consumer(ConsumerKind Kind, string Id, string Segment, ChangeKind On);

public enum ConsumerKind : byte
{
    Drip,
    Trigger,
}

/// <summary>What a consumer did with one change: a drip's enrolment or a trigger's firing.</summary>
public sealed record ConsumerRecord(long Change, string ContactId, ChangeKind Kind, DateTimeOffset At);

/// <summary>
/// Drips and triggers with what they did. A drip enrols each contact once ever; a trigger fires once per change.
/// Every call is scoped by the tenant.
/// </summary>
public interface IConsumerStore
{
    Task PutAsync(string tenant, Consumer consumer, CancellationToken cancellationToken = default);

    Task<Consumer?> GetAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Consumer>> ListAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps the record unless the consumer already has one for the same contact (a drip) or change (a trigger);
    /// true when it was kept.
    /// </summary>
    Task<bool> AddRecordAsync(string tenant, Consumer consumer, ConsumerRecord record, CancellationToken cancellationToken = default);

    /// <summary>The consumer's records with a change sequence above <paramref name="after"/>, in that order, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<ConsumerRecord>> RecordsAsync(string tenant, ConsumerKind kind, string id, long after, int max,
        CancellationToken cancellationToken = default);
}

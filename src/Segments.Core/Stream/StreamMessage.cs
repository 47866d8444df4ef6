namespace Segments.Core.Streaming;

/// <summary>
/// One event on its way into the stream: the tenant (on Event Hubs an application property, never read from the
/// body), the contact it belongs to (the partition key, so one contact's events stay in one partition) and the
/// event JSON in the offline shape.
/// </summary>
public sealed record OutgoingEvent(string Tenant, string ContactId, ReadOnlyMemory<byte> Json);

/// <summary>
/// One delivery as a source hands it to the fold. <see cref="Tenant"/> is null when the delivery carried none
/// (a poison message). <see cref="Position"/> names the delivery uniquely and stably across redeliveries (for
/// Event Hubs: hub partition and sequence number), so that a replayed poison message is dead-lettered once.
/// </summary>
public sealed record StreamMessage(string? Tenant, ReadOnlyMemory<byte> Body, string Position);

/// <summary>
/// The consumer side of the stream contract. A source delivers each of its partitions as batches in stream
/// order, calls <see cref="HandleAsync"/> for one batch at a time per partition, and checkpoints the batch only
/// after the call returned, which means the batch is durably folded. A crash in between makes the source deliver
/// the batch again; the fold is idempotent, so the replay changes nothing.
/// </summary>
public interface IStreamBatchHandler
{
    Task<StreamFoldResult> HandleAsync(IReadOnlyList<StreamMessage> batch, CancellationToken cancellationToken = default);
}

/// <summary>What a batch did: events parsed, newly folded, already known, dead-lettered; contacts written; lost write races.</summary>
public sealed record StreamFoldResult(int Events, int Added, int Duplicates, int DeadLettered, int ContactsWritten, int Conflicts)
{
    public static readonly StreamFoldResult Empty = new(0, 0, 0, 0, 0, 0);
}

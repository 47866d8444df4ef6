using Segments.Core.Membership;

namespace Segments.Core.Ports;

/// <summary>
/// Drips and triggers with what they did, and the cursors of the change feed's readers (each drip, trigger and stream).
/// A drip enrols each contact once ever; a trigger fires once per change. Every call but <see cref="ListAllAsync"/> is
/// scoped by the tenant.
/// </summary>
public interface IConsumerStore
{
    Task PutAsync(string tenant, Consumer consumer, CancellationToken cancellationToken = default);

    Task<Consumer?> GetAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Consumer>> ListAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Erases the contact's enrolments and firings, of every drip and trigger of the tenant.</summary>
    Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default);

    /// <summary>Forgets the drip or trigger with all its records; false when there was none.</summary>
    Task<bool> DeleteAsync(string tenant, ConsumerKind kind, string id, CancellationToken cancellationToken = default);

    /// <summary>Every tenant's drips and triggers, each with its tenant (the sweep's catch-up).</summary>
    Task<IReadOnlyList<(string Tenant, Consumer Consumer)>> ListAllAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps the record unless the consumer already has one for the same contact (a drip) or change (a trigger);
    /// true when it was kept.
    /// </summary>
    Task<bool> AddRecordAsync(string tenant, Consumer consumer, ConsumerRecord record, CancellationToken cancellationToken = default);

    /// <summary>The consumer's records with a change sequence above <paramref name="after"/>, in that order, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<ConsumerRecord>> RecordsAsync(string tenant, ConsumerKind kind, string id, long after, int max,
        CancellationToken cancellationToken = default);

    /// <summary>Where the named reader of the change feed is: the sequence of the last change it handled; 0 when it has no cursor.</summary>
    Task<long> CursorAsync(string tenant, string cursor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the named cursor forward to <paramref name="sequence"/>, creating it when absent; never back, so a slower
    /// dispatcher cannot undo a faster one's progress.
    /// </summary>
    Task AdvanceCursorAsync(string tenant, string cursor, long sequence, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps the consumer's records (as <see cref="AddRecordAsync"/> does each), then moves <paramref name="cursor"/> to
    /// <paramref name="sequence"/>: the handing-on of a page of changes, which a store may do in one transaction.
    /// </summary>
    async Task AddRecordsAsync(string tenant, Consumer consumer, IReadOnlyList<ConsumerRecord> records, string cursor, long sequence,
        CancellationToken cancellationToken = default)
    {
        foreach (var record in records)
        {
            await AddRecordAsync(tenant, consumer, record, cancellationToken);
        }
        await AdvanceCursorAsync(tenant, cursor, sequence, cancellationToken);
    }
}

using Segments.Engine.Documents;
using Segments.Engine.PushDown;

namespace Segments.Core.Ports;

/// <summary>A contact document as stored, with the version token that optimistic concurrency compares.</summary>
public sealed record StoredContact(ContactDocument Document, string ETag);

/// <summary>A write lost a race: the stored version is no longer the one read. Read again and retry.</summary>
public sealed class ConcurrencyConflictException(string tenant, string contactId)
    : Exception($"contact '{contactId}' of tenant '{tenant}' changed since it was read")
{
    public string Tenant => tenant;

    public string ContactId => contactId;
}

/// <summary>
/// Where contact documents live. Every call is scoped by the tenant (taken from the caller's credential,
/// never from the data), and an implementation must never return another tenant's contacts.
/// </summary>
public interface IContactStore
{
    /// <summary>The contact with its version, or null when there is none.</summary>
    Task<StoredContact?> ReadAsync(string tenant, string contactId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The contacts among <paramref name="contactIds"/> that exist, each with its version, by contact id (the absent left
    /// out, an id given twice read once), in as few round trips as the store can: what the stream fold reads for a batch.
    /// </summary>
    Task<IReadOnlyDictionary<string, StoredContact>> ReadManyAsync(string tenant, IReadOnlyCollection<string> contactIds,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates (<paramref name="ifMatch"/> null: only if absent) or replaces (only if the stored version is
    /// still <paramref name="ifMatch"/>) the document; returns the new version. Throws
    /// <see cref="ConcurrencyConflictException"/> when the condition fails.
    /// </summary>
    Task<string> WriteAsync(string tenant, ContactDocument document, string? ifMatch, CancellationToken cancellationToken = default);

    /// <summary>The partitions of the tenant's contacts: together they hold every contact exactly once.</summary>
    Task<IReadOnlyList<string>> ListPartitionsAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>
    /// The contacts of one partition. With <paramref name="pushDown"/>, the store may leave out contacts
    /// that cannot match it (a superset of the members, never fewer); callers still evaluate exactly.
    /// </summary>
    IAsyncEnumerable<ContactDocument> ScanAsync(string tenant, string partition, PushDownCondition? pushDown = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// The tenant's contacts that are in the <see cref="EstimationSample"/> (all of them, and no others), read together:
    /// about one in a hundred, for estimates that must not scan every contact.
    /// </summary>
    IAsyncEnumerable<ContactDocument> ScanSampleAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Deletes the contact; false when there was none.</summary>
    Task<bool> DeleteAsync(string tenant, string contactId, CancellationToken cancellationToken = default);
}

/// <summary>An input that could not be processed, kept with the reason instead of being dropped.</summary>
public sealed record DeadLetter(string Tenant, string Source, string Reason, string Payload, DateTimeOffset At);

/// <summary>
/// Where dead letters are kept. <see cref="DeadLetter.Source"/> names the delivery, so adding a letter again with
/// the same tenant and source (a replayed batch) keeps the first one.
/// </summary>
public interface IDeadLetterStore
{
    Task AddAsync(DeadLetter letter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> of the tenant's letters in order of <see cref="DeadLetter.Source"/>, after
    /// <paramref name="cursor"/> (the <see cref="DeadLetterPage.Next"/> of the page before; null for the first). A cursor
    /// the store cannot read throws <see cref="ArgumentException"/>.
    /// </summary>
    Task<DeadLetterPage> PageAsync(string tenant, string? cursor, int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes the letter of that delivery (an erased contact's); nothing when there is none.</summary>
    Task RemoveAsync(string tenant, string source, CancellationToken cancellationToken = default);
}

/// <summary>A page of dead letters; <see cref="Next"/> is the cursor of the following page, null after the last.</summary>
public sealed record DeadLetterPage(IReadOnlyList<DeadLetter> Letters, string? Next);

using Segments.Engine.Documents;

namespace Segments.Core.Ports;

/// <summary>A contact written (its document as stored now) or deleted (<see cref="Document"/> null).</summary>
public sealed record ContactChange(string ContactId, ContactDocument? Document);

/// <summary>
/// What a contact store that can tell what changed in a partition offers, so that state derived from a partition (its
/// scan form) can be kept and brought up to date instead of read again: a version that grows with every write or
/// delete of one of the partition's contacts, and the contacts changed after a version. A store implements it beside
/// <see cref="IContactStore"/> (the embedded SQLite store does); a store that does not is read whole every time.
/// </summary>
public interface IPartitionChanges
{
    /// <summary>The partition's version now: equal versions, the same contacts. Read it before the contacts it stands for.</summary>
    Task<long> VersionAsync(string tenant, string partition, CancellationToken cancellationToken = default);

    /// <summary>
    /// The partition's contacts written or deleted after <paramref name="version"/>, each once, as they are now (a
    /// change after the version read since may be in it too: applying it again is harmless).
    /// </summary>
    IAsyncEnumerable<ContactChange> ChangedSinceAsync(string tenant, string partition, long version, CancellationToken cancellationToken = default);
}

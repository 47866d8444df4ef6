using Segments.Core.Catalog;
using Segments.Engine.Model;

namespace Segments.Core.Ports;

/// <summary>One change to a tenant's catalog; each commit applies exactly one.</summary>
public abstract record CatalogChange;

/// <summary>Creates or replaces a user's entry (for a segment: its definition and uses).</summary>
public sealed record PutEntry(CatalogEntry Entry) : CatalogChange;

public sealed record RemoveEntry(CatalogUser User) : CatalogChange;

public sealed record PutSchema(FieldSchema Schema) : CatalogChange;

/// <summary>The catalog moved past the revision a change was planned on: read again and plan again.</summary>
public sealed class CatalogConflictException(string tenant, long expectedRevision)
    : Exception($"the catalog of tenant '{tenant}' is no longer at revision {expectedRevision}")
{
    public string Tenant => tenant;
}

/// <summary>
/// Where segment definitions, the field schema and the reference graph live. Every call is scoped by the
/// tenant (taken from the caller's credential). The rules (validation, references, the type-change rule) are
/// the catalog service's; a store only reads consistent snapshots and applies changes atomically, one
/// revision at a time, so changes of one tenant are serialised and each is checked against the catalog it
/// actually changes.
/// </summary>
public interface ICatalogStore
{
    /// <summary>The tenant's catalog as of one revision (revision 0 and no entries when nothing was written).</summary>
    Task<CatalogSnapshot> ReadAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>
    /// The tenant's revision now (0 when nothing was written): one small read, for a reader that keeps what it derived
    /// from a snapshot and only needs to know whether the catalog moved since.
    /// </summary>
    Task<long> RevisionAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>One entry, or null; cheaper than a snapshot when only one is needed.</summary>
    Task<CatalogEntry?> ReadEntryAsync(string tenant, CatalogUser user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies <paramref name="change"/> and moves the tenant's revision from <paramref name="expectedRevision"/>
    /// to the next, all or nothing. Throws <see cref="CatalogConflictException"/> when the revision is no longer
    /// <paramref name="expectedRevision"/>.
    /// </summary>
    Task CommitAsync(string tenant, long expectedRevision, CatalogChange change, CancellationToken cancellationToken = default);
}

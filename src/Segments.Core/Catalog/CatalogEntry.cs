using Segments.Engine.Model;

namespace Segments.Core.Catalog;

/// <summary>
/// A saved definition: its JSON text as saved, its version (1 on creation, one more on each replace) and the
/// catalog revision that wrote it.
/// </summary>
public sealed record StoredDefinition(string Json, int Version, long Revision)
{
    /// <summary>
    /// A strong entity tag. Revisions never repeat within a tenant's catalog, so a segment deleted and created
    /// again does not get back an old tag (a version number would).
    /// </summary>
    public string ETag => $"\"{Revision}\"";
}

/// <summary>
/// A user in the reference graph with the segments and fields it uses; a segment also carries its definition. A drip or
/// trigger whose segment was not tracked before it carries the job recording the segment's baseline
/// (<see cref="Baseline"/>) until that job is done: while it is, contacts not yet evaluated for the segment record no change.
/// </summary>
public sealed record CatalogEntry(CatalogUser User, IReadOnlyList<string> Segments, IReadOnlyList<string> Fields, StoredDefinition? Definition = null)
{
    public string? Baseline { get; init; }
}

/// <summary>
/// A tenant's whole catalog at one revision: the field schema and every user with its uses. Revision 0 is a
/// catalog nothing was ever written to.
/// </summary>
public sealed record CatalogSnapshot(long Revision, FieldSchema Schema, IReadOnlyList<CatalogEntry> Entries)
{
    public CatalogEntry? Find(CatalogUser user) => Entries.FirstOrDefault(e => e.User == user);

    /// <summary>Users that reference the segment, other than the segment itself.</summary>
    public IReadOnlyList<CatalogUser> UsersOfSegment(string id) =>
        [.. Entries.Where(e => e.User != CatalogUser.Segment(id) && e.Segments.Contains(id, StringComparer.Ordinal)).Select(e => e.User)];

    public IReadOnlyList<CatalogUser> UsersOfField(string field) =>
        [.. Entries.Where(e => e.Fields.Contains(field, StringComparer.Ordinal)).Select(e => e.User)];

    public IEnumerable<CatalogEntry> Segments => Entries.Where(e => e.User.Kind == CatalogUserKind.Segment);

    /// <summary>Whether a drip or trigger uses the segment, and all of them have its baseline recorded.</summary>
    public bool IsTrackedWithBaseline(string segment)
    {
        var users = Entries.Where(e => e.User.Kind != CatalogUserKind.Segment && e.Segments.Contains(segment, StringComparer.Ordinal)).ToList();
        return users.Count > 0 && users.All(e => e.Baseline is null);
    }
}

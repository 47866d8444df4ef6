using System.Collections.Concurrent;
using Segments.Core.Catalog;
using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.Scan;

namespace Segments.Core.Membership;

/// <summary>
/// A segment that a drip or a trigger uses, compiled (for documents and for scan forms), with its time edges and the parts of a contact it reads, and
/// whether its baseline is still being recorded (<see cref="Baselining"/>: a contact evaluated for the first time then
/// records its membership with no change, so none enters that was a member before tracking began).
/// </summary>
public sealed record TrackedSegment(CompiledSegment Segment, ScanSegment Scan, TimeEdges Edges, ContactParts Reads, bool Baselining = false)
{
    public string Id => Segment.Definition.Id;
}

/// <summary>
/// The tenant's tracked segments: those the catalog's reference graph shows a drip or a trigger using. Compiled
/// once per catalog revision, since every fold write and profile write asks: most find the revision unchanged, which
/// costs one small read (on Table storage a point read, where the snapshot is a query of every entry as well).
/// </summary>
public sealed class TrackedSegments(ICatalogStore catalog)
{
    private readonly ConcurrentDictionary<string, (long Revision, IReadOnlyList<TrackedSegment> Segments)> _compiled = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<TrackedSegment>> OfAsync(string tenant, CancellationToken cancellationToken)
    {
        if (_compiled.TryGetValue(tenant, out var cached) && cached.Revision == await catalog.RevisionAsync(tenant, cancellationToken))
        {
            return cached.Segments;
        }
        var snapshot = await catalog.ReadAsync(tenant, cancellationToken);
        var tracked = snapshot.Entries.Where(e => e.User.Kind != CatalogUserKind.Segment).SelectMany(e => e.Segments)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        IReadOnlyList<TrackedSegment> segments = [];
        if (tracked.Count > 0)
        {
            var definitions = CatalogDefinitions.Of(snapshot);
            var set = new SegmentSet(definitions.Values);
            var scan = new ScanSegmentSet(definitions.Values);
            segments = [.. tracked.Select(id => new TrackedSegment(set[id], scan[id], TimeEdges.Of(definitions[id], definitions),
                SegmentReads.Of(definitions[id], definitions), !snapshot.IsTrackedWithBaseline(id)))];
        }
        _compiled[tenant] = (snapshot.Revision, segments);
        return segments;
    }
}

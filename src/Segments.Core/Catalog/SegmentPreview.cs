using Segments.Core.Evaluation;
using Segments.Core.Ports;
using Segments.Core.PushDown;

namespace Segments.Core.Catalog;

/// <summary>How many contacts a segment has at T, and the first of them by id.</summary>
public sealed record PreviewResult(string Segment, DateTimeOffset AsOf, long Count, IReadOnlyList<string> Sample);

/// <summary>Evaluates a saved segment over all of a tenant's contacts, without resolving an audience.</summary>
public sealed class SegmentPreview(SegmentCatalog catalog, IContactStore contacts)
{
    public const int DefaultSample = 10;
    public const int MaxSample = 100;

    /// <summary>The count and up to <paramref name="sample"/> member ids (ordinal order); null when there is no such segment.</summary>
    public async Task<PreviewResult?> RunAsync(string tenant, string segmentId, DateTimeOffset asOf, int sample,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sample, MaxSample);
        if (await catalog.CompileAsync(tenant, segmentId, cancellationToken) is not { } segment)
        {
            return null;
        }
        var t = new AsOf(asOf);
        var count = 0L;
        // Only the smallest ids are kept, so a preview of millions of members holds at most `sample` of them.
        var first = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var partition in await contacts.ListPartitionsAsync(tenant, cancellationToken))
        {
            await foreach (var contact in contacts.ScanAsync(tenant, partition, new PushDownCondition(segment.Definition.Match, AsOf: null), cancellationToken))
            {
                if (!segment.Matches(contact, t))
                {
                    continue;
                }
                count++;
                first.Add(contact.Id);
                if (first.Count > sample)
                {
                    first.Remove(first.Max!);
                }
            }
        }
        return new PreviewResult(segmentId, t.Instant, count, [.. first]);
    }

    /// <summary>Every segment of the tenant counted at T in one scan of its contacts (by segment id, ordinal).</summary>
    public async Task<IReadOnlyList<(string Segment, long Count)>> CountAllAsync(string tenant, DateTimeOffset asOf,
        CancellationToken cancellationToken = default)
    {
        var segments = new List<CompiledSegment>();
        foreach (var entry in await catalog.ListSegmentsAsync(tenant, cancellationToken))
        {
            if (await catalog.CompileAsync(tenant, entry.User.Id, cancellationToken) is { } segment)
            {
                segments.Add(segment);
            }
        }
        var t = new AsOf(asOf);
        var counts = new long[segments.Count];
        foreach (var partition in await contacts.ListPartitionsAsync(tenant, cancellationToken))
        {
            await foreach (var contact in contacts.ScanAsync(tenant, partition, cancellationToken: cancellationToken))
            {
                for (var i = 0; i < segments.Count; i++)
                {
                    counts[i] += segments[i].Matches(contact, t) ? 1 : 0;
                }
            }
        }
        return [.. segments.Select((s, i) => (s.Definition.Id, counts[i]))];
    }
}

using MathNet.Numerics.Distributions;
using Segments.Core.Contacts;
using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.Engine.Evaluation;
using Segments.Engine.PushDown;
using Segments.Engine.Scan;

namespace Segments.Core.Catalog;

/// <summary>
/// How many contacts a segment has at T, and the first of them by id; with <see cref="Estimate"/>, the count is an
/// estimate from the <see cref="EstimationSample"/> and the sample's members stand in for the first members.
/// </summary>
public sealed record PreviewResult(string Segment, DateTimeOffset AsOf, long Count, IReadOnlyList<string> Sample)
{
    public CountEstimate? Estimate { get; init; }
}

/// <summary>
/// An estimated count's interval: the members of the sample (<see cref="Members"/> of <see cref="Sampled"/> contacts, each
/// contact in it with probability <see cref="Rate"/>) give the count as <c>Members / Rate</c>, within
/// [<see cref="Low"/>, <see cref="High"/>] with probability at least <see cref="Confidence"/>.
/// </summary>
public sealed record CountEstimate(long Low, long High, double Confidence, long Members, long Sampled, double Rate);

/// <summary>
/// Evaluates a segment over a tenant's contacts, without resolving an audience: every contact, or the estimation sample.
/// A saved segment's exact count reads each partition's scan form when there is one (<see cref="PartitionForms"/>).
/// </summary>
public sealed class SegmentPreview(SegmentCatalog catalog, IContactStore contacts, PartitionForms? forms = null)
{
    public const int DefaultSample = 10;
    public const int MaxSample = 100;

    /// <summary>
    /// Below this many sampled contacts (a tenant of about 100,000) a count is exact even when an estimate would do:
    /// scanning such a tenant is quick, and a small sample's interval would be wide.
    /// </summary>
    public const int MinSampled = 1000;

    public const double Confidence = 0.95;

    /// <summary>The exact count and up to <paramref name="sample"/> member ids (ordinal order); null when there is no such segment.</summary>
    public async Task<PreviewResult?> RunAsync(string tenant, string segmentId, DateTimeOffset asOf, int sample,
        CancellationToken cancellationToken = default) =>
        await catalog.CompileWithReferencesAsync(tenant, segmentId, cancellationToken) is { } set
            ? await ExactAsync(tenant, set[segmentId], set, new AsOf(asOf), sample, cancellationToken)
            : null;

    /// <summary>
    /// The count of <paramref name="segment"/> at T and up to <paramref name="sample"/> members: exact when asked for or
    /// when the tenant is small (a scan of every contact), else estimated from the estimation sample alone.
    /// </summary>
    public async Task<PreviewResult> CountAsync(string tenant, CompiledSegment segment, DateTimeOffset asOf, int sample, bool exact,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sample, MaxSample);
        var t = new AsOf(asOf);
        if (!exact)
        {
            var members = new FirstMembers(sample);
            var sampled = 0L;
            await foreach (var contact in contacts.ScanSampleAsync(tenant, cancellationToken))
            {
                sampled++;
                members.Add(contact, segment, t);
            }
            if (sampled >= MinSampled)
            {
                var estimate = Interval(members.Count, sampled);
                return new PreviewResult(segment.Definition.Id, t.Instant, (long)Math.Round(members.Count / EstimationSample.Rate), members.Ids)
                {
                    Estimate = estimate,
                };
            }
        }
        return await ExactAsync(tenant, segment, references: null, t, sample, cancellationToken);
    }

    /// <summary>Every contact decided: on the partitions' forms when there are forms and the segment's references (<paramref name="references"/>).</summary>
    private async Task<PreviewResult> ExactAsync(string tenant, CompiledSegment segment, SegmentSet? references, AsOf t, int sample,
        CancellationToken cancellationToken)
    {
        var all = new FirstMembers(sample);
        var scan = forms is null || references is null ? null : new ScanSegmentSet(references.All.Select(s => s.Definition))[segment.Definition.Id];
        foreach (var partition in await contacts.ListPartitionsAsync(tenant, cancellationToken))
        {
            await PartitionContacts.ReadAsync(contacts, scan is null ? null : forms, tenant, partition,
                snapshot =>
                {
                    var members = scan!.Bind(snapshot.Form, t);
                    foreach (var c in snapshot.Live)
                    {
                        if (members.Matches(c))
                        {
                            all.Add(snapshot.Form, c);
                        }
                    }
                    return ValueTask.CompletedTask;
                },
                contact =>
                {
                    all.Add(contact, segment, t);
                    return ValueTask.CompletedTask;
                },
                new PushDownCondition(segment.Definition.Match, AsOf: null), cancellationToken);
        }
        return new PreviewResult(segment.Definition.Id, t.Instant, all.Count, all.Ids);
    }

    /// <summary>
    /// Each member is sampled on its own with probability r, so the sample's members x follow a binomial law of mean M·r,
    /// whose spread the Poisson law of that mean bounds from above: the exact (Garwood) Poisson interval for the mean,
    /// divided by r, holds M with at least the confidence asked, whatever the tenant's size, and needs no total count.
    /// It never goes below the members seen.
    /// </summary>
    public static CountEstimate Interval(long members, long sampled, double rate = EstimationSample.Rate, double confidence = Confidence)
    {
        var tail = (1 - confidence) / 2;
        var low = members == 0 ? 0 : ChiSquared.InvCDF(2 * members, tail) / 2;
        var high = ChiSquared.InvCDF(2 * (members + 1), 1 - tail) / 2;
        return new CountEstimate(Math.Max(members, (long)Math.Floor(low / rate)), (long)Math.Ceiling(high / rate), confidence, members, sampled, rate);
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

    /// <summary>Counts members and keeps only the smallest ids, so millions of members hold at most <c>size</c> of them.</summary>
    private sealed class FirstMembers(int size)
    {
        private readonly SortedSet<string> _first = new(StringComparer.Ordinal);

        public long Count { get; private set; }

        public IReadOnlyList<string> Ids => [.. _first];

        public void Add(ContactDocument contact, CompiledSegment segment, in AsOf asOf)
        {
            if (segment.Matches(contact, asOf))
            {
                Add(contact.Id);
            }
        }

        /// <summary>A member on a form, whose id is decoded only while it may be among the first.</summary>
        public void Add(ScanForm form, int contact)
        {
            if (_first.Count < size)
            {
                Add(form.Id(contact));
                return;
            }
            Count++;
            if (size > 0 && string.CompareOrdinal(form.Id(contact), _first.Max) < 0)
            {
                _first.Add(form.Id(contact));
                _first.Remove(_first.Max!);
            }
        }

        private void Add(string id)
        {
            Count++;
            _first.Add(id);
            if (_first.Count > size)
            {
                _first.Remove(_first.Max!);
            }
        }
    }
}

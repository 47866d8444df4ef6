using Segments.Core.Contacts;
using Segments.Core.Ports;
using Segments.Engine.Evaluation;

namespace Segments.Core.Membership;

/// <summary>
/// Takes a tenant's daily snapshot: every segment's members counted as of one instant over all contacts (each partition
/// read on its scan form when <paramref name="forms"/> has one, <see cref="PartitionContacts"/>), kept under that
/// instant's UTC day (taken again, the day's counts are replaced). A scheduler takes it once a day.
/// </summary>
public sealed class DailyReport(ICatalogStore catalog, IContactStore contacts, IReportStore reports, PartitionForms? forms = null)
{
    public async Task<IReadOnlyList<DailyCount>> TakeAsync(string tenant, DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        var segments = new SegmentSet(CatalogDefinitions.Of(await catalog.ReadAsync(tenant, cancellationToken)).Values);
        var counts = await CountAsync(contacts, forms, tenant, segments, asOf, cancellationToken);
        await reports.PutDayAsync(tenant, DateOnly.FromDateTime(asOf.UtcDateTime), counts, cancellationToken);
        return counts;
    }

    /// <summary>Every segment's members counted as of one instant over all the tenant's contacts, each partition on its form when <paramref name="forms"/> has one.</summary>
    public static async Task<IReadOnlyList<DailyCount>> CountAsync(IContactStore contacts, PartitionForms? forms, string tenant, SegmentSet segments,
        DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        var counter = new MembershipCounter(segments, asOf);
        foreach (var partition in await contacts.ListPartitionsAsync(tenant, cancellationToken))
        {
            await PartitionContacts.ReadAsync(contacts, forms, tenant, partition,
                snapshot =>
                {
                    counter.Add(snapshot);
                    return ValueTask.CompletedTask;
                },
                contact =>
                {
                    counter.Add(contact);
                    return ValueTask.CompletedTask;
                },
                cancellationToken: cancellationToken);
        }
        return counter.Counts();
    }
}

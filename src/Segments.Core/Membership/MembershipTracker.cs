using Segments.Core.Documents;
using Segments.Core.Evaluation;
using Segments.Core.Ports;
using Segments.Core.Streaming;

namespace Segments.Core.Membership;

/// <summary>
/// Keeps the membership of tracked segments per contact: re-evaluates a contact after each fold write (at the fold
/// time) and at each of its time edges (at the edge instant), records an entered or left change once, moves the
/// contact's entry in the time index to its next edge, and hands each change to the drips and triggers of its segment.
/// </summary>
public sealed class MembershipTracker(
    TrackedSegments tracked, IMembershipStore membership, IConsumerStore consumers, IContactStore contacts, TimeProvider time)
    : IContactWritten
{
    public Task OnWrittenAsync(string tenant, ContactDocument document, CancellationToken cancellationToken) =>
        EvaluateAsync(tenant, document, time.GetUtcNow(), only: null, cancellationToken);

    /// <summary>
    /// Re-evaluates the contact as of <paramref name="at"/> for every tracked segment, or for <paramref name="only"/>
    /// (a due time edge; its index entry is cleared when the segment is no longer tracked).
    /// </summary>
    public async Task EvaluateAsync(string tenant, ContactDocument contact, DateTimeOffset at, string? only, CancellationToken cancellationToken)
    {
        var segments = await tracked.OfAsync(tenant, cancellationToken);
        var found = false;
        foreach (var segment in segments)
        {
            if (only is null || segment.Id == only)
            {
                found = true;
                await EvaluateAsync(tenant, segment, contact, at, baseline: false, cancellationToken);
            }
        }
        if (only is not null && !found)
        {
            await membership.SetNextAsync(tenant, only, contact.Id, null, cancellationToken);
        }
    }

    /// <summary>
    /// Starts tracking a segment that a drip or trigger now uses: records every contact's membership as it is now, with
    /// no change, and its next time edge. Contacts already tracked are evaluated as usual.
    /// </summary>
    public async Task BaselineAsync(string tenant, string segmentId, CancellationToken cancellationToken)
    {
        var segment = (await tracked.OfAsync(tenant, cancellationToken)).Single(s => s.Id == segmentId);
        var now = time.GetUtcNow();
        foreach (var partition in await contacts.ListPartitionsAsync(tenant, cancellationToken))
        {
            await foreach (var contact in contacts.ScanAsync(tenant, partition, cancellationToken: cancellationToken))
            {
                await EvaluateAsync(tenant, segment, contact, now, baseline: true, cancellationToken);
            }
        }
    }

    private async Task EvaluateAsync(string tenant, TrackedSegment segment, ContactDocument contact, DateTimeOffset at, bool baseline,
        CancellationToken cancellationToken)
    {
        var member = segment.Segment.Matches(contact, new AsOf(at));
        var change = await membership.RecordAsync(tenant, segment.Id, contact.Id, member, at, baseline, cancellationToken);
        await membership.SetNextAsync(tenant, segment.Id, contact.Id, segment.Edges.Next(contact, at), cancellationToken);
        if (change is null)
        {
            return;
        }
        foreach (var consumer in await consumers.ListAsync(tenant, cancellationToken))
        {
            if (consumer.Segment == segment.Id && consumer.On == change.Kind)
            {
                await consumers.AddRecordAsync(tenant, consumer, new ConsumerRecord(change.Sequence, change.ContactId, change.Kind, change.At),
                    cancellationToken);
            }
        }
    }
}

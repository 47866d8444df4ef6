using Segments.Core.Documents;
using Segments.Core.Evaluation;
using Segments.Core.Ports;
using Segments.Core.Streaming;

namespace Segments.Core.Membership;

/// <summary>
/// Keeps the membership of tracked segments per contact: re-evaluates a contact after each write (at the write time)
/// for the segments that read a part of it the write changed, and at each of its time edges (at the edge instant);
/// records an entered or left change once, moves the contact's entry in the time index to its next edge (both skipped
/// when the evaluation is older than the last one recorded for the contact and segment), and has the dispatcher hand
/// the segment's new changes to its drips and triggers and to the stream.
/// </summary>
public sealed class MembershipTracker(
    TrackedSegments tracked, IMembershipStore membership, ChangeDispatcher dispatcher, IContactStore contacts, TimeProvider time)
    : IContactWritten
{
    public async Task OnWrittenAsync(string tenant, ContactDocument document, ContactParts changed, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var segment in await tracked.OfAsync(tenant, cancellationToken))
        {
            if (segment.Reads.Overlaps(changed))
            {
                await EvaluateAsync(tenant, segment, document, now, baseline: segment.Baselining, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Re-evaluates the contact as of <paramref name="at"/> for one segment (a due time edge); the contact's index entry
    /// is cleared when the segment is no longer tracked.
    /// </summary>
    public async Task EvaluateAsync(string tenant, ContactDocument contact, DateTimeOffset at, string segmentId, CancellationToken cancellationToken)
    {
        if ((await tracked.OfAsync(tenant, cancellationToken)).FirstOrDefault(s => s.Id == segmentId) is { } segment)
        {
            await EvaluateAsync(tenant, segment, contact, at, baseline: segment.Baselining, cancellationToken);
        }
        else
        {
            await membership.SetNextAsync(tenant, segmentId, contact.Id, null, cancellationToken);
        }
    }

    /// <summary>
    /// Records one partition's part of a segment's baseline (a drip or trigger started tracking it): every contact's
    /// membership as it is now, with no change for one never evaluated before, and its next time edge. Contacts evaluated
    /// already are evaluated as usual (an evaluation older than theirs records nothing). Returns how many contacts were
    /// evaluated; none when the segment is not tracked any more.
    /// </summary>
    public async Task<long> BaselinePartitionAsync(string tenant, string segmentId, string partition, CancellationToken cancellationToken)
    {
        if ((await tracked.OfAsync(tenant, cancellationToken)).FirstOrDefault(s => s.Id == segmentId) is not { } segment)
        {
            return 0;
        }
        var evaluated = 0L;
        await foreach (var contact in contacts.ScanAsync(tenant, partition, cancellationToken: cancellationToken))
        {
            await EvaluateAsync(tenant, segment, contact, time.GetUtcNow(), baseline: true, cancellationToken);
            evaluated++;
        }
        return evaluated;
    }

    private async Task EvaluateAsync(string tenant, TrackedSegment segment, ContactDocument contact, DateTimeOffset at, bool baseline,
        CancellationToken cancellationToken)
    {
        var member = segment.Segment.Matches(contact, new AsOf(at));
        // One call: an evaluation older than the last one recorded (a sweep that read the contact before a write was
        // evaluated) records nothing, neither membership nor next edge.
        var recording = await membership.RecordAsync(tenant, segment.Id, contact.Id, member, at, baseline, segment.Edges.Next(contact, at),
            cancellationToken);
        if (recording.Change is not null)
        {
            await dispatcher.DispatchAsync(tenant, segment.Id, cancellationToken);
        }
    }
}

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
                await EvaluateAsync(tenant, segment, document, now, baseline: false, cancellationToken);
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
            await EvaluateAsync(tenant, segment, contact, at, baseline: false, cancellationToken);
        }
        else
        {
            await membership.SetNextAsync(tenant, segmentId, contact.Id, null, cancellationToken);
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

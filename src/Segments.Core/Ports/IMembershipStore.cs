using Segments.Core.Membership;

namespace Segments.Core.Ports;

/// <summary>
/// Membership of tracked segments per contact, the changes between them, and the time index (the next instant
/// at which each contact's membership could change by time alone). Every call but <see cref="DueAsync"/> is scoped
/// by the tenant; the sweep reads due checks of all tenants and keeps each with its tenant.
/// </summary>
public interface IMembershipStore
{
    /// <summary>
    /// Records, all or nothing, an evaluation of the contact as of its instant (<c>at</c>): whether it is a member, and its
    /// next time edge (<c>next</c>, null: none) in the time index. An evaluation at an instant before the last
    /// one recorded for this (tenant, segment, contact) is stale (it read an older document, or raced a later
    /// evaluation): it records nothing, the time index included. Any other records <paramref name="at"/> as the last
    /// evaluation and moves the index, and has a change when the membership differs from the one recorded before and
    /// no change of that (segment, contact, kind, at) was recorded yet, so replayed evaluations record nothing twice
    /// and a contact's changes never go back in time. A contact never evaluated before has its membership recorded
    /// with no change when <c>baseline</c> (tracking just started), else enters when it is a member.
    /// <para>
    /// A baseline and the tracking of writes race over the same contacts: the baseline's scan may read a document
    /// before a write whose evaluation is recorded first, or after a write whose evaluation is still to come. So a
    /// <see cref="MembershipEvaluation.Scan"/> evaluation never overwrites a record: it records a contact with no record,
    /// undated (its instant says nothing of the document it read) and <em>provisional</em>, with no change. The first
    /// evaluation of a write that knows what the contact <see cref="MembershipEvaluation.Was"/> before it then settles a
    /// provisional record: its change is taken from that, not from the scan's reading, which may be of the written
    /// document already. A contact with no record takes its change from that too (a write reaching it before the scan
    /// does, or creating it). A write repeated after a crash no longer knows what it replaced; the tracker records that
    /// before making the write, as a scan evaluation, so the repeat's change starts from it. So each contact's history
    /// starts from its membership at one instant (before its first write during the baseline, or at the scan) and records
    /// every change after it once.
    /// </para>
    /// </summary>
    Task<MembershipRecording> RecordAsync(string tenant, MembershipEvaluation evaluation, CancellationToken cancellationToken = default);

    /// <summary>Records one evaluation as <see cref="RecordAsync(string, MembershipEvaluation, CancellationToken)"/> does.</summary>
    Task<MembershipRecording> RecordAsync(string tenant, string segment, string contactId, bool member, DateTimeOffset at, bool baseline,
        DateTimeOffset? next, CancellationToken cancellationToken = default) =>
        RecordAsync(tenant, new MembershipEvaluation(segment, contactId, member, at, baseline, next), cancellationToken);

    /// <summary>
    /// Records the tenant's evaluations in order, each as <see cref="RecordAsync(string, MembershipEvaluation, CancellationToken)"/>
    /// records one, and returns what each did. A store may commit them together (and with other callers' at the same time),
    /// which is what lets tracking keep up with the stream: one transaction for a batch of folded contacts instead of one
    /// per contact and segment.
    /// </summary>
    async Task<IReadOnlyList<MembershipRecording>> RecordAsync(string tenant, IReadOnlyList<MembershipEvaluation> evaluations,
        CancellationToken cancellationToken = default)
    {
        var recordings = new MembershipRecording[evaluations.Count];
        for (var i = 0; i < evaluations.Count; i++)
        {
            recordings[i] = await RecordAsync(tenant, evaluations[i], cancellationToken);
        }
        return recordings;
    }

    /// <summary>
    /// Sets (or with null, clears) the contact's next time edge for the segment, whatever its last evaluation: for
    /// clearing the edge of a segment no longer tracked or a contact gone (an evaluation moves it with
    /// <see cref="RecordAsync"/>).
    /// </summary>
    Task SetNextAsync(string tenant, string segment, string contactId, DateTimeOffset? next, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> checks whose instant is at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<DueCheck>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default);

    /// <summary>The segment's changes with a sequence above <paramref name="after"/>, in sequence order, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<MembershipChange>> ChangesAsync(string tenant, string segment, long after, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases the contact from every segment of the tenant: its memberships, its changes (the feed goes on without them)
    /// and its time-index entries.
    /// </summary>
    Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default);

    /// <summary>The sequence of the segment's latest change; 0 when it has none.</summary>
    Task<long> LastSequenceAsync(string tenant, string segment, CancellationToken cancellationToken = default);
}

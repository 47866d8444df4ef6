namespace Segments.Core.Membership;

/// <summary>
/// Membership of tracked segments per contact, the changes between them, and the time index (the next instant
/// at which each contact's membership could change by time alone). Every call but <see cref="DueAsync"/> is scoped
/// by the tenant; the sweep reads due checks of all tenants and keeps each with its tenant.
/// </summary>
public interface IMembershipStore
{
    /// <summary>
    /// Records, all or nothing, that the contact is or is not a member as of <paramref name="at"/>. Returns the change
    /// when this differs from the membership recorded before and no change of that (segment, contact, kind, at) was
    /// recorded yet; null otherwise, so replayed evaluations record nothing twice. A contact never evaluated before
    /// has its membership recorded with no change when <paramref name="baseline"/> (tracking just started), else
    /// enters when it is a member.
    /// </summary>
    Task<MembershipChange?> RecordAsync(string tenant, string segment, string contactId, bool member, DateTimeOffset at, bool baseline,
        CancellationToken cancellationToken = default);

    /// <summary>Sets (or with null, clears) the contact's next time edge for the segment.</summary>
    Task SetNextAsync(string tenant, string segment, string contactId, DateTimeOffset? next, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> checks whose instant is at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<DueCheck>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default);

    /// <summary>The segment's changes with a sequence above <paramref name="after"/>, in sequence order, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<MembershipChange>> ChangesAsync(string tenant, string segment, long after, int max, CancellationToken cancellationToken = default);

    /// <summary>The sequence of the segment's latest change; 0 when it has none.</summary>
    Task<long> LastSequenceAsync(string tenant, string segment, CancellationToken cancellationToken = default);
}

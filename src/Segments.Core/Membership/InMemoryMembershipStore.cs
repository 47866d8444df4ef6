namespace Segments.Core.Membership;

/// <summary>Membership records, changes and the time index in memory, behind one lock (each call is all or nothing).</summary>
public sealed class InMemoryMembershipStore : IMembershipStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Tenant, string Segment, string Contact), bool> _members = [];
    private readonly List<(string Tenant, MembershipChange Change)> _changes = [];
    private readonly HashSet<(string Tenant, string Segment, string Contact, ChangeKind Kind, long At)> _keys = [];
    private readonly Dictionary<(string Tenant, string Segment, string Contact), DateTimeOffset> _next = [];
    private readonly SortedSet<(long At, string Tenant, string Segment, string Contact)> _index = [];

    public Task<MembershipChange?> RecordAsync(string tenant, string segment, string contactId, bool member, DateTimeOffset at, bool baseline,
        CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var key = (tenant, segment, contactId);
            var known = _members.TryGetValue(key, out var was);
            var kind = member ? ChangeKind.Entered : ChangeKind.Left;
            if ((known && was == member) || (!known && (baseline || !member)) || _keys.Contains((tenant, segment, contactId, kind, at.UtcTicks)))
            {
                _members[key] = known ? was : member;
                return Task.FromResult<MembershipChange?>(null);
            }
            _members[key] = member;
            _keys.Add((tenant, segment, contactId, kind, at.UtcTicks));
            var change = new MembershipChange(_changes.Count + 1, segment, contactId, kind, at);
            _changes.Add((tenant, change));
            return Task.FromResult<MembershipChange?>(change);
        }
    }

    public Task SetNextAsync(string tenant, string segment, string contactId, DateTimeOffset? next, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var key = (tenant, segment, contactId);
            if (_next.Remove(key, out var old))
            {
                _index.Remove((old.UtcTicks, tenant, segment, contactId));
            }
            if (next is { } at)
            {
                _next[key] = at;
                _index.Add((at.UtcTicks, tenant, segment, contactId));
            }
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<DueCheck>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<DueCheck>>([.. _index.TakeWhile(e => e.At <= now.UtcTicks).Take(max)
                .Select(e => new DueCheck(e.Tenant, e.Segment, e.Contact, new DateTimeOffset(e.At, TimeSpan.Zero)))]);
        }
    }

    public Task<IReadOnlyList<MembershipChange>> ChangesAsync(string tenant, string segment, long after, int max,
        CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<MembershipChange>>([.. _changes
                .Where(c => c.Tenant == tenant && c.Change.Segment == segment && c.Change.Sequence > after)
                .Select(c => c.Change).Take(max)]);
        }
    }

    public Task<long> LastSequenceAsync(string tenant, string segment, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_changes.LastOrDefault(c => c.Tenant == tenant && c.Change.Segment == segment).Change?.Sequence ?? 0);
        }
    }
}

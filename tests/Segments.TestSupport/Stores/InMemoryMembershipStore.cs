using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.TestSupport.Stores;

/// <summary>
/// Membership records (with each contact's last evaluation), changes and the time index in memory, behind one lock
/// (each call is all or nothing).
/// </summary>
public sealed class InMemoryMembershipStore : IMembershipStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Tenant, string Segment, string Contact), RecordedMembership> _members = [];
    private readonly List<(string Tenant, MembershipChange Change)> _changes = [];
    private readonly HashSet<(string Tenant, string Segment, string Contact, ChangeKind Kind, long At)> _keys = [];
    private readonly Dictionary<(string Tenant, string Segment, string Contact), DateTimeOffset> _next = [];
    private readonly SortedSet<(long At, string Tenant, string Segment, string Contact)> _index = [];

    public Task<MembershipRecording> RecordAsync(string tenant, MembershipEvaluation evaluation, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var key = (tenant, evaluation.Segment, evaluation.ContactId);
            if (MembershipStep.Of(_members.TryGetValue(key, out var recorded) ? recorded : null, evaluation) is not { } step)
            {
                return Task.FromResult(MembershipRecording.StaleEvaluation);
            }
            MoveNext(key, evaluation.Next);
            MembershipChange? change = null;
            if (step.Change is { } kind && _keys.Add((tenant, evaluation.Segment, evaluation.ContactId, kind, evaluation.At.UtcTicks)))
            {
                change = new MembershipChange(_changes.Count + 1, evaluation.Segment, evaluation.ContactId, kind, evaluation.At);
                _changes.Add((tenant, change));
            }
            _members[key] = new RecordedMembership(step.Recorded(change is not null), step.EvaluatedAt, step.Provisional);
            return Task.FromResult(change is null ? MembershipRecording.NoChange : MembershipRecording.Changed(change));
        }
    }

    public Task SetNextAsync(string tenant, string segment, string contactId, DateTimeOffset? next, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            MoveNext((tenant, segment, contactId), next);
            return Task.CompletedTask;
        }
    }

    // Under the lock.
    private void MoveNext((string Tenant, string Segment, string Contact) key, DateTimeOffset? next)
    {
        if (_next.Remove(key, out var old))
        {
            _index.Remove((old.UtcTicks, key.Tenant, key.Segment, key.Contact));
        }
        if (next is { } at)
        {
            _next[key] = at;
            _index.Add((at.UtcTicks, key.Tenant, key.Segment, key.Contact));
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

    public Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var key in _members.Keys.Where(k => k.Tenant == tenant && k.Contact == contactId).ToList())
            {
                _members.Remove(key);
                MoveNext(key, null);
            }
            _changes.RemoveAll(c => c.Tenant == tenant && c.Change.ContactId == contactId);
            _keys.RemoveWhere(k => k.Tenant == tenant && k.Contact == contactId);
            return Task.CompletedTask;
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

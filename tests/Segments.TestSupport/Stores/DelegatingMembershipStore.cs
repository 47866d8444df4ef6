using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.TestSupport.Stores;

/// <summary>A membership store that passes every call to another: a test's wrapper overrides only the calls it watches or holds.</summary>
public abstract class DelegatingMembershipStore(IMembershipStore inner) : IMembershipStore
{
    protected IMembershipStore Inner { get; } = inner;

    public virtual Task<MembershipRecording> RecordAsync(string tenant, MembershipEvaluation evaluation, CancellationToken cancellationToken = default) =>
        Inner.RecordAsync(tenant, evaluation, cancellationToken);

    public virtual Task<IReadOnlyList<MembershipRecording>> RecordAsync(string tenant, IReadOnlyList<MembershipEvaluation> evaluations,
        CancellationToken cancellationToken = default) => Inner.RecordAsync(tenant, evaluations, cancellationToken);

    public virtual Task SetNextAsync(string tenant, string segment, string contactId, DateTimeOffset? next, CancellationToken cancellationToken = default) =>
        Inner.SetNextAsync(tenant, segment, contactId, next, cancellationToken);

    public virtual Task<IReadOnlyList<DueCheck>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default) =>
        Inner.DueAsync(now, max, cancellationToken);

    public virtual Task<IReadOnlyList<MembershipChange>> ChangesAsync(string tenant, string segment, long after, int max,
        CancellationToken cancellationToken = default) => Inner.ChangesAsync(tenant, segment, after, max, cancellationToken);

    public virtual Task<long> LastSequenceAsync(string tenant, string segment, CancellationToken cancellationToken = default) =>
        Inner.LastSequenceAsync(tenant, segment, cancellationToken);

    public virtual Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
        Inner.EraseContactAsync(tenant, contactId, cancellationToken);
}

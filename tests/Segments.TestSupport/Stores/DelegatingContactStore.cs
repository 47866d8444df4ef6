using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.Engine.PushDown;

namespace Segments.TestSupport.Stores;

/// <summary>A contact store that passes every call to another: a test's wrapper overrides only the calls it watches or holds.</summary>
public abstract class DelegatingContactStore(IContactStore inner) : IContactStore
{
    protected IContactStore Inner { get; } = inner;

    public virtual Task<StoredContact?> ReadAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
        Inner.ReadAsync(tenant, contactId, cancellationToken);

    public virtual Task<IReadOnlyDictionary<string, StoredContact>> ReadManyAsync(string tenant, IReadOnlyCollection<string> contactIds,
        CancellationToken cancellationToken = default) => Inner.ReadManyAsync(tenant, contactIds, cancellationToken);

    public virtual Task<string> WriteAsync(string tenant, ContactDocument document, string? ifMatch, CancellationToken cancellationToken = default) =>
        Inner.WriteAsync(tenant, document, ifMatch, cancellationToken);

    public virtual Task<IReadOnlyList<string>> ListPartitionsAsync(string tenant, CancellationToken cancellationToken = default) =>
        Inner.ListPartitionsAsync(tenant, cancellationToken);

    public virtual IAsyncEnumerable<ContactDocument> ScanAsync(string tenant, string partition, PushDownCondition? pushDown = null,
        CancellationToken cancellationToken = default) => Inner.ScanAsync(tenant, partition, pushDown, cancellationToken);

    public virtual IAsyncEnumerable<ContactDocument> ScanSampleAsync(string tenant, CancellationToken cancellationToken = default) =>
        Inner.ScanSampleAsync(tenant, cancellationToken);

    public virtual Task<bool> DeleteAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
        Inner.DeleteAsync(tenant, contactId, cancellationToken);
}

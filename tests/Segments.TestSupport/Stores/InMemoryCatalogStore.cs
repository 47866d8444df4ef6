using Segments.Core.Catalog;
using Segments.Core.Ports;
using Segments.Engine.Model;

namespace Segments.TestSupport.Stores;

/// <summary>A catalog store in memory: for tests and a reference for the adapters.</summary>
public sealed class InMemoryCatalogStore : ICatalogStore
{
    private readonly Dictionary<string, CatalogSnapshot> _tenants = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Task<CatalogSnapshot> ReadAsync(string tenant, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(Current(tenant));
        }
    }

    public async Task<long> RevisionAsync(string tenant, CancellationToken cancellationToken = default) =>
        (await ReadAsync(tenant, cancellationToken)).Revision;

    public async Task<CatalogEntry?> ReadEntryAsync(string tenant, CatalogUser user, CancellationToken cancellationToken = default) =>
        (await ReadAsync(tenant, cancellationToken)).Find(user);

    public Task CommitAsync(string tenant, long expectedRevision, CatalogChange change, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var current = Current(tenant);
            if (current.Revision != expectedRevision)
            {
                throw new CatalogConflictException(tenant, expectedRevision);
            }
            var others = change switch
            {
                PutEntry put => current.Entries.Where(e => e.User != put.Entry.User).Append(put.Entry),
                RemoveEntry remove => current.Entries.Where(e => e.User != remove.User),
                _ => current.Entries,
            };
            _tenants[tenant] = new CatalogSnapshot(expectedRevision + 1, change is PutSchema schema ? schema.Schema : current.Schema, [.. others]);
        }
        return Task.CompletedTask;
    }

    private CatalogSnapshot Current(string tenant) =>
        _tenants.TryGetValue(tenant, out var snapshot) ? snapshot : new CatalogSnapshot(0, FieldSchema.Empty, []);
}

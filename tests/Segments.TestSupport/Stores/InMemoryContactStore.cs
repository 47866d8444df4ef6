using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.Engine.PushDown;

namespace Segments.TestSupport.Stores;

/// <summary>
/// Contact documents held in memory, partitioned into hash buckets of the contact id (<see cref="ContactPartitions"/>):
/// the store of tests and benchmarks, and a reference for the adapters. Documents are handed out as stored (they are immutable).
/// </summary>
public sealed class InMemoryContactStore(int partitions = 8) : IContactStore
{
    private readonly ConcurrentDictionary<(string Tenant, string Id), StoredContact> _contacts = new();
    private long _version;

    public Task<StoredContact?> ReadAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_contacts.TryGetValue((tenant, contactId), out var stored) ? stored : null);

    public Task<IReadOnlyDictionary<string, StoredContact>> ReadManyAsync(string tenant, IReadOnlyCollection<string> contactIds,
        CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, StoredContact>(StringComparer.Ordinal);
        foreach (var id in contactIds)
        {
            if (_contacts.TryGetValue((tenant, id), out var stored))
            {
                found[id] = stored;
            }
        }
        return Task.FromResult<IReadOnlyDictionary<string, StoredContact>>(found);
    }

    public Task<string> WriteAsync(string tenant, ContactDocument document, string? ifMatch, CancellationToken cancellationToken = default)
    {
        var key = (tenant, document.Id);
        var written = new StoredContact(document, Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var ok = ifMatch is null
            ? _contacts.TryAdd(key, written)
            : _contacts.TryGetValue(key, out var current) && current.ETag == ifMatch && _contacts.TryUpdate(key, written, current);
        return ok ? Task.FromResult(written.ETag) : throw new ConcurrencyConflictException(tenant, document.Id);
    }

    public Task<IReadOnlyList<string>> ListPartitionsAsync(string tenant, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. Enumerable.Range(0, partitions).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    public async IAsyncEnumerable<ContactDocument> ScanAsync(string tenant, string partition, PushDownCondition? pushDown = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var bucket = int.Parse(partition, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (_, stored) in _contacts.Where(c => c.Key.Tenant == tenant && ContactPartitions.Of(c.Key.Id, partitions) == bucket)
            .OrderBy(c => c.Key.Id, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return stored.Document;
        }
        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<ContactDocument> ScanSampleAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var (_, stored) in _contacts.Where(c => c.Key.Tenant == tenant && EstimationSample.Contains(c.Key.Id))
            .OrderBy(c => c.Key.Id, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return stored.Document;
        }
        await Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_contacts.TryRemove((tenant, contactId), out _));
}

using Segments.Core.Contacts.Import;
using Segments.Core.Ports;

namespace Segments.TestSupport.Stores;

/// <summary>Chunks in memory: for tests.</summary>
public sealed class InMemoryImportSpool : IImportSpool
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Tenant, string Job, int Index), byte[]> _chunks = new();

    public int Count => _chunks.Count;

    public Task WriteChunkAsync(string tenant, string job, int index, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        _chunks[(tenant, job, index)] = content.ToArray();
        return Task.CompletedTask;
    }

    public Task<Stream> OpenChunkAsync(string tenant, string job, int index, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream>(new MemoryStream(_chunks[(tenant, job, index)], writable: false));

    public Task DeleteAsync(string tenant, string job, CancellationToken cancellationToken = default)
    {
        foreach (var key in _chunks.Keys.Where(k => k.Tenant == tenant && k.Job == job))
        {
            _chunks.TryRemove(key, out _);
        }
        return Task.CompletedTask;
    }
}

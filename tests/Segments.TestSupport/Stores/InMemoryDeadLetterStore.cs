using System.Collections.Concurrent;
using Segments.Core.Ports;

namespace Segments.TestSupport.Stores;

/// <summary>Dead letters held in memory, for tests and offline runs; the reference for the adapters.</summary>
public sealed class InMemoryDeadLetterStore : IDeadLetterStore
{
    private readonly ConcurrentDictionary<(string Tenant, string Source), DeadLetter> _letters = new();

    public Task AddAsync(DeadLetter letter, CancellationToken cancellationToken = default)
    {
        _letters.TryAdd((letter.Tenant, letter.Source), letter);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string tenant, string source, CancellationToken cancellationToken = default)
    {
        _letters.TryRemove((tenant, source), out _);
        return Task.CompletedTask;
    }

    public Task<DeadLetterPage> PageAsync(string tenant, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        var letters = _letters.Values.Where(l => l.Tenant == tenant && (cursor is null || string.CompareOrdinal(l.Source, cursor) > 0))
            .OrderBy(l => l.Source, StringComparer.Ordinal).Take(limit + 1).ToList();
        return Task.FromResult(letters.Count > limit
            ? new DeadLetterPage(letters[..limit], letters[limit - 1].Source)
            : new DeadLetterPage(letters, null));
    }
}

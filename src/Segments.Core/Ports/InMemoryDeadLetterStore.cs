using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Segments.Core.Ports;

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

    public async IAsyncEnumerable<DeadLetter> ListAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var letter in _letters.Values.Where(l => l.Tenant == tenant).OrderBy(l => l.At).ThenBy(l => l.Source, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return letter;
        }
        await Task.CompletedTask;
    }
}

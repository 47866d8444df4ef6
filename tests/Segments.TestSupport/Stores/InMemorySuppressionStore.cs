using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Segments.Core.Ports;
using Segments.Core.Suppressions;
using Segments.Engine.Model;

namespace Segments.TestSupport.Stores;

/// <summary>Suppressions in memory: for tests and a reference for the adapters.</summary>
public sealed class InMemorySuppressionStore : ISuppressionStore
{
    private readonly HashSet<(string Tenant, Suppression Suppression)> _all = [];
    private readonly Dictionary<string, byte[]> _salts = new(StringComparer.Ordinal);
    private readonly HashSet<(string Tenant, string Hash)> _erased = [];
    private readonly Lock _lock = new();

    public Task AddAsync(string tenant, IReadOnlyCollection<Suppression> suppressions, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var suppression in suppressions)
            {
                _all.Add((tenant, suppression with { At = suppression.At.ToUniversalTime() }));
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Suppression>> ForContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Suppression>>([.. Of(tenant).Where(s => s.ContactId == contactId).OrderBy(s => s.At).ThenBy(s => s.Reason)]);

    public async IAsyncEnumerable<Suppression> ListAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var suppression in Of(tenant))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return suppression;
        }
        await Task.CompletedTask;
    }

    public Task<IReadOnlyList<Suppression>> PageAsync(string tenant, SuppressionReason? reason, Suppression? after, int max,
        CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Suppression>>([.. Of(tenant).Where(s => reason is null || s.Reason == reason)
            .Where(s => after is null || Compare(s, after) > 0).Take(max)]);

    public Task<int> RemoveAsync(string tenant, string contactId, SuppressionReason? reason, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_all.RemoveWhere(s => s.Tenant == tenant && s.Suppression.ContactId == contactId
                && (reason is null || s.Suppression.Reason == reason)));
        }
    }

    public Task<byte[]> SaltAsync(string tenant, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_salts.TryGetValue(tenant, out var salt))
            {
                _salts[tenant] = salt = RandomNumberGenerator.GetBytes(Erasure.SaltLength);
            }
            return Task.FromResult(salt);
        }
    }

    public Task AddErasedAsync(string tenant, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var hash in hashes)
            {
                _erased.Add((tenant, hash));
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlySet<string>> ErasedAsync(string tenant, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlySet<string>>(_erased.Where(e => e.Tenant == tenant).Select(e => e.Hash).ToHashSet(StringComparer.Ordinal));
        }
    }

    /// <summary>By contact id (ordinal), reason, time: the order of pages.</summary>
    private static int Compare(Suppression a, Suppression b)
    {
        var c = string.CompareOrdinal(a.ContactId, b.ContactId);
        c = c != 0 ? c : a.Reason.CompareTo(b.Reason);
        return c != 0 ? c : a.At.UtcTicks.CompareTo(b.At.UtcTicks);
    }

    private Suppression[] Of(string tenant)
    {
        lock (_lock)
        {
            var all = _all.Where(s => s.Tenant == tenant).Select(s => s.Suppression).ToArray();
            Array.Sort(all, Compare);
            return all;
        }
    }
}

using System.Runtime.CompilerServices;
using Segments.Core.Model;

namespace Segments.Core.Suppressions;

/// <summary>Suppressions in memory: for tests and a reference for the adapters.</summary>
public sealed class InMemorySuppressionStore : ISuppressionStore
{
    private readonly HashSet<(string Tenant, Suppression Suppression)> _all = [];
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
        Task.FromResult<IReadOnlyList<Suppression>>([.. Of(tenant).Where(s => s.ContactId == contactId)]);

    public async IAsyncEnumerable<Suppression> ListAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var suppression in Of(tenant))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return suppression;
        }
        await Task.CompletedTask;
    }

    private Suppression[] Of(string tenant)
    {
        lock (_lock)
        {
            return [.. _all.Where(s => s.Tenant == tenant).Select(s => s.Suppression)
                .OrderBy(s => s.ContactId, StringComparer.Ordinal).ThenBy(s => s.At).ThenBy(s => s.Reason)];
        }
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Segments.Core.Broadcasts;

namespace Segments.Core.Ports;

/// <summary>A broadcast with the version token its next replacement is conditional on.</summary>
public sealed record StoredBroadcast(Broadcast Broadcast, string Version);

/// <summary>
/// Where broadcasts are kept, per tenant (every call but <see cref="ListUnfinishedAsync"/> scoped by the tenant). An id
/// is taken for ever: a broadcast is never removed, so adding one with the id of any earlier one fails.
/// </summary>
public interface IBroadcastStore
{
    /// <summary>Adds the broadcast; false when the tenant has (or ever had) one with its id.</summary>
    Task<bool> AddAsync(string tenant, Broadcast broadcast, CancellationToken cancellationToken = default);

    Task<StoredBroadcast?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces the broadcast if it is still at <paramref name="version"/>; false when another change came first.</summary>
    Task<bool> ReplaceAsync(string tenant, Broadcast broadcast, string version, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the tenant's broadcasts, newest first (by creation, then id), only those of <paramref name="status"/> when
    /// given, starting after <paramref name="after"/>; the page's <see cref="BroadcastPage.Next"/> is where the next starts.
    /// </summary>
    Task<BroadcastPage> ListAsync(string tenant, BroadcastStatus? status, BroadcastPosition? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every tenant's broadcasts that are scheduled or running, each with its tenant (resumed at start-up).</summary>
    Task<IReadOnlyList<(string Tenant, Broadcast Broadcast)>> ListUnfinishedAsync(CancellationToken cancellationToken = default);
}

/// <summary>A place in the newest-first order of a tenant's broadcasts: the last one listed.</summary>
public sealed record BroadcastPosition(DateTimeOffset CreatedAt, string Id)
{
    public static BroadcastPosition Of(Broadcast broadcast) => new(broadcast.CreatedAt, broadcast.Id);

    /// <summary>Whether <paramref name="broadcast"/> comes after this position, newest first (ties in descending id order).</summary>
    public bool Precedes(Broadcast broadcast) =>
        broadcast.CreatedAt < CreatedAt || (broadcast.CreatedAt == CreatedAt && string.CompareOrdinal(broadcast.Id, Id) < 0);
}

/// <summary>Broadcasts, newest first, and where the next page starts (null when there is no more).</summary>
public sealed record BroadcastPage(IReadOnlyList<Broadcast> Broadcasts, BroadcastPosition? Next);

public static class BroadcastStoreExtensions
{
    /// <summary>
    /// Applies <paramref name="change"/> to the stored broadcast until it sticks (another writer may come first: the change
    /// is applied again to what that one wrote); the change returns null to leave it as it is. The broadcast as it is then,
    /// or null when there is none.
    /// </summary>
    public static async Task<Broadcast?> UpdateAsync(this IBroadcastStore store, string tenant, string id, Func<Broadcast, Broadcast?> change,
        CancellationToken cancellationToken = default)
    {
        while (await store.GetAsync(tenant, id, cancellationToken) is { } stored)
        {
            if (change(stored.Broadcast) is not { } changed)
            {
                return stored.Broadcast;
            }
            if (await store.ReplaceAsync(tenant, changed, stored.Version, cancellationToken))
            {
                return changed;
            }
        }
        return null;
    }
}

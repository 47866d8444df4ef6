using Segments.Core.Model;

namespace Segments.Core.Suppressions;

/// <summary>
/// Explicit suppressions of a tenant's contacts (the API's <c>POST /api/suppressions</c>), read at send time.
/// A suppression is a fact: adding one that is already there changes nothing, and none is ever removed.
/// Every call is scoped by the tenant, taken from the caller's credential.
/// </summary>
public interface ISuppressionStore
{
    Task AddAsync(string tenant, IReadOnlyCollection<Suppression> suppressions, CancellationToken cancellationToken = default);

    /// <summary>The contact's suppressions, by time.</summary>
    Task<IReadOnlyList<Suppression>> ForContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default);

    /// <summary>All of the tenant's suppressions, in no particular order.</summary>
    IAsyncEnumerable<Suppression> ListAsync(string tenant, CancellationToken cancellationToken = default);
}

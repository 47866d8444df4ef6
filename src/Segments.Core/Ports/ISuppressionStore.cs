using Segments.Core.Suppressions;
using Segments.Engine.Model;

namespace Segments.Core.Ports;

/// <summary>
/// Explicit suppressions of a tenant's contacts (the API's <c>POST /api/suppressions</c>), read at send time, and the
/// salted hashes that erased contacts leave behind (<see cref="Erasure"/>). Adding a suppression that is already there
/// changes nothing; a suppression is removed only on request (a <c>manual</c> one, or all of an erased contact's).
/// Every call is scoped by the tenant, taken from the caller's credential.
/// </summary>
public interface ISuppressionStore
{
    Task AddAsync(string tenant, IReadOnlyCollection<Suppression> suppressions, CancellationToken cancellationToken = default);

    /// <summary>The contact's suppressions, by time.</summary>
    Task<IReadOnlyList<Suppression>> ForContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default);

    /// <summary>All of the tenant's suppressions, in no particular order.</summary>
    IAsyncEnumerable<Suppression> ListAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="max"/> suppressions (of <paramref name="reason"/> only, when given) after <paramref name="after"/>
    /// in the store's order, which is fixed, so paging from the last one of a page reads every suppression once.
    /// </summary>
    Task<IReadOnlyList<Suppression>> PageAsync(string tenant, SuppressionReason? reason, Suppression? after, int max,
        CancellationToken cancellationToken = default);

    /// <summary>Removes the contact's suppressions of <paramref name="reason"/> (of every reason when null); how many there were.</summary>
    Task<int> RemoveAsync(string tenant, string contactId, SuppressionReason? reason, CancellationToken cancellationToken = default);

    /// <summary>The tenant's erasure salt: random, made on first use, the same ever after.</summary>
    Task<byte[]> SaltAsync(string tenant, CancellationToken cancellationToken = default);

    Task AddErasedAsync(string tenant, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken = default);

    /// <summary>The salted hashes of every erased contact's id and address (see <see cref="Erasure"/>).</summary>
    Task<IReadOnlySet<string>> ErasedAsync(string tenant, CancellationToken cancellationToken = default);
}

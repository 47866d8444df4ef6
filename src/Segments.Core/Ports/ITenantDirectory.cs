using Segments.Core.Tenancy;

namespace Segments.Core.Ports;

/// <summary>Who a caller is: the tenant a presented API key belongs to. The tenant is never taken from anything else.</summary>
public interface ITenantDirectory
{
    /// <summary>The key's tenant, or null for a key nobody has.</summary>
    ValueTask<Tenant?> FindByApiKeyAsync(string apiKey, CancellationToken cancellationToken = default);
}

using Segments.Core.Tenancy;

namespace Segments.Core.Ingestion;

/// <summary>
/// Whose events a pixel hit writes: <see cref="Scope"/> is the store scope (the tenant for a contact, the tenant's
/// visitor scope for an anonymous visitor) and <see cref="ContactId"/> the document in it. A hit that carries both
/// a valid token and a visitor id also names the visitor whose history joins the contact.
/// </summary>
public sealed record PixelIdentity(string Scope, string ContactId, string? JoinVisitor);

public enum IdentityRefusal
{
    None,

    /// <summary>Neither a token nor a visitor id: nobody to write for.</summary>
    Anonymous,

    /// <summary>A visitor id that is not one the snippet makes.</summary>
    BadVisitor,

    /// <summary>A token that is malformed, forged, another tenant's or expired: the whole hit is refused.</summary>
    BadToken,
}

/// <summary>Resolves a hit's identity from its contact token (<c>seg_t</c>) and visitor id.</summary>
public sealed class PixelIdentities(ContactTokens tokens)
{
    public (PixelIdentity? Identity, IdentityRefusal Refusal, TokenProblem TokenProblem) Resolve(Tenant tenant, string? token, string? visitor)
    {
        if (visitor is not null && !Visitors.IsVisitorId(visitor))
        {
            return (null, IdentityRefusal.BadVisitor, TokenProblem.None);
        }
        if (token is null)
        {
            return visitor is null
                ? (null, IdentityRefusal.Anonymous, TokenProblem.None)
                : (new PixelIdentity(Visitors.ScopeOf(tenant.Id), visitor, null), IdentityRefusal.None, TokenProblem.None);
        }
        var (verified, problem) = tokens.Verify(token, tenant.Id, tenant.TokenSecret);
        return verified is null
            ? (null, IdentityRefusal.BadToken, problem)
            : (new PixelIdentity(tenant.Id, verified.ContactId, visitor), IdentityRefusal.None, TokenProblem.None);
    }
}

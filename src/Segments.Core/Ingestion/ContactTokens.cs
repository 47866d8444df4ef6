using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Segments.Core.Ingestion;

/// <summary>What a valid contact token says: which tenant's contact, issued and expiring when.</summary>
public sealed record ContactToken(string Tenant, string ContactId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

public enum TokenProblem
{
    None,
    Malformed,
    Forged,
    WrongTenant,
    Expired,
}

/// <summary>
/// Contact tokens (<c>seg_t</c>): the email click tracker appends one to links so the pixel can tell whose
/// visit it is. <c>base64url(payload) "." base64url(HMAC-SHA256(secret, payload))</c> with the payload
/// <c>v1|tenant|contact|issued|expires</c> (Unix seconds). Signed per tenant, so a visitor cannot write events
/// for a contact whose token they do not hold, nor carry one tenant's token to another.
/// </summary>
public sealed class ContactTokens(TimeProvider time)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(90);

    public string Issue(string tenant, string contactId, byte[] secret, TimeSpan? lifetime = null)
    {
        if (tenant.Contains('|') || contactId.Contains('|'))
        {
            throw new ArgumentException("tenant and contact ids cannot contain '|'");
        }
        var now = time.GetUtcNow();
        var payload = Encoding.UTF8.GetBytes(
            $"v1|{tenant}|{contactId}|{now.ToUnixTimeSeconds()}|{(now + (lifetime ?? DefaultLifetime)).ToUnixTimeSeconds()}");
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(secret, payload))}";
    }

    /// <summary>Checks a presented token against the tenant the request is for (from its pixel key).</summary>
    public (ContactToken? Token, TokenProblem Problem) Verify(string? token, string tenant, byte[] secret)
    {
        var dot = token?.IndexOf('.') ?? -1;
        if (token is null || dot <= 0 || token.Length > 2048)
        {
            return (null, TokenProblem.Malformed);
        }
        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return (null, TokenProblem.Malformed);
        }
        if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(secret, payload)))
        {
            return (null, TokenProblem.Forged);
        }
        var parts = Encoding.UTF8.GetString(payload).Split('|');
        if (parts.Length != 5 || parts[0] != "v1" || !TryInstant(parts[3], out var issued) || !TryInstant(parts[4], out var expires))
        {
            return (null, TokenProblem.Malformed);
        }
        if (parts[1] != tenant)
        {
            return (null, TokenProblem.WrongTenant);
        }
        var parsed = new ContactToken(parts[1], parts[2], issued, expires);
        return time.GetUtcNow() >= parsed.ExpiresAt ? (null, TokenProblem.Expired) : (parsed, TokenProblem.None);
    }

    /// <summary>
    /// Unix seconds as an instant; false for text that is no number or a number no date can be (a token signed with
    /// the right secret may still carry one: whoever holds a secret can sign anything).
    /// </summary>
    private static bool TryInstant(string text, out DateTimeOffset at)
    {
        at = default;
        if (!long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || seconds < MinSeconds || seconds > MaxSeconds)
        {
            return false;
        }
        at = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static readonly long MinSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
}

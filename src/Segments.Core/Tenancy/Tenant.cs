namespace Segments.Core.Tenancy;

/// <summary>
/// A tenant: its id (the scope of every stored thing), the hash of its API key, the public pixel key with the
/// origins allowed to use it, and the secret that signs its contact tokens. Prints as its id only, so it can
/// be logged without leaking a key.
/// </summary>
public sealed class Tenant(string id, ApiKeyHash apiKey, string pixelKey, byte[] tokenSecret, IReadOnlyList<string> allowedOrigins)
{
    public string Id => id;

    public ApiKeyHash ApiKey => apiKey;

    public string PixelKey => pixelKey;

    /// <summary>The HMAC key of the tenant's contact tokens.</summary>
    public byte[] TokenSecret => tokenSecret;

    public IReadOnlyList<string> AllowedOrigins => allowedOrigins;

    public override string ToString() => id;
}

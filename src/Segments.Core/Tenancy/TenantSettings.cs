namespace Segments.Core.Tenancy;

/// <summary>
/// A tenant as configured (an item of <c>Segments:Tenants</c>). The API key is hashed when the directory is
/// built; nothing keeps the plain key after that.
/// </summary>
public sealed class TenantSettings
{
    public string Id { get; set; } = "";

    public string ApiKey { get; set; } = "";

    public string PixelKey { get; set; } = "";

    /// <summary>Base64 of at least <see cref="ConfiguredTenantDirectory.MinTokenSecretBytes"/> random bytes.</summary>
    public string TokenSecret { get; set; } = "";

    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Days a resolved audience (it holds e-mail addresses) is kept after its manifest is written; null or 0 keeps it.
    /// Applied by <c>segments serve</c>'s sweep; in Azure, by the storage account's lifecycle rule (infra/), made from the
    /// same number.
    /// </summary>
    public int? AudienceRetentionDays { get; set; }
}

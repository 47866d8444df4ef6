using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Segments.Core.Tenancy;

namespace Segments.Cli.Serve;

/// <summary>
/// Tenants of the single-machine runtime. Configured ones (<c>Segments:Tenants:{i}:…</c>, for example from the
/// environment as <c>Segments__Tenants__0__ApiKey</c>) are used as they are. With none, a tenant <c>demo</c> is
/// created with fresh keys and kept in <c>tenants.json</c> of the data folder, so the keys survive restarts.
/// </summary>
internal static class LocalTenants
{
    public const string DemoTenant = "demo";
    public const string FileName = "tenants.json";

    /// <summary>The generated tenant (to print its keys), or null when tenants were configured.</summary>
    public static TenantSettings? EnsureDemoTenant(IConfigurationManager configuration, string dataDirectory, Uri publicUrl)
    {
        if (configuration.GetSection("Segments:Tenants").GetChildren().Any())
        {
            return null;
        }
        var file = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(dataDirectory);
            var created = new TenantSettings
            {
                Id = DemoTenant,
                ApiKey = $"sk_{Random(24)}",
                PixelKey = $"pk_{Random(12)}",
                TokenSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                // The service's own pages and a local test site may embed the pixel.
                AllowedOrigins = [publicUrl.GetLeftPart(UriPartial.Authority).ToLowerInvariant(), "http://localhost:8000", "http://127.0.0.1:8000"],
            };
            File.WriteAllText(file, JsonSerializer.Serialize(new { Segments = new { Tenants = new[] { created } } }, new JsonSerializerOptions { WriteIndented = true }));
        }
        configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
        return configuration.GetSection("Segments:Tenants:0").Get<TenantSettings>();
    }

    private static string Random(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}

using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Segments.Core.Tenancy;

namespace Segments.Cli.Serve;

/// <summary>The tenant <c>serve</c> made for itself, and whether it made it just now (its keys are shown only then).</summary>
internal sealed record LocalTenant(TenantSettings Settings, string File, bool Created);

/// <summary>
/// Tenants of the single-machine runtime. Configured ones (<c>Segments:Tenants:{i}:…</c>, for example from the
/// environment as <c>Segments__Tenants__0__ApiKey</c>) are used as they are. With none, a tenant <c>demo</c> is
/// created with fresh keys and kept in <c>tenants.json</c> of the data folder, so the keys survive restarts. The file
/// holds secrets: it is created readable by its owner only (0600), and a start finding it readable by others stops.
/// </summary>
internal static class LocalTenants
{
    public const string DemoTenant = "demo";
    public const string FileName = "tenants.json";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The tenant of <c>tenants.json</c>, or null when tenants were configured.</summary>
    public static LocalTenant? EnsureDemoTenant(IConfigurationManager configuration, string dataDirectory, Uri publicUrl)
    {
        if (configuration.GetSection("Segments:Tenants").GetChildren().Any())
        {
            return null;
        }
        var file = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        var created = !File.Exists(file);
        if (created)
        {
            Directory.CreateDirectory(dataDirectory);
            Write(file, new TenantSettings
            {
                Id = DemoTenant,
                ApiKey = $"sk_{Random(24)}",
                PixelKey = $"pk_{Random(12)}",
                TokenSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                // The service's own pages and a local test site may embed the pixel.
                AllowedOrigins = [publicUrl.GetLeftPart(UriPartial.Authority).ToLowerInvariant(), "http://localhost:8000", "http://127.0.0.1:8000"],
            });
        }
        else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & ~(OwnerOnly | UnixFileMode.UserExecute)) != 0)
        {
            throw new InvalidOperationException(
                $"{file} can be read or written by other users (mode {Octal(File.GetUnixFileMode(file))}) and holds the tenant's API key and " +
                $"token secret; make it yours alone with: chmod 600 {file}");
        }
        configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
        return new LocalTenant(configuration.GetSection("Segments:Tenants:0").Get<TenantSettings>()!, file, created);
    }

    /// <summary>Writes the file with mode 0600 from its creation, so its secrets are never readable by others, not even briefly.</summary>
    private static void Write(string file, TenantSettings tenant)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        using var stream = new FileStream(file, options);
        JsonSerializer.Serialize(stream, new { Segments = new { Tenants = new[] { tenant } } }, new JsonSerializerOptions { WriteIndented = true });
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8);

    private static string Random(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}

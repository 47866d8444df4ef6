using Spectre.Console;

namespace Segments.Cli.Serve;

/// <summary>
/// What a newcomer needs once the service is up: that it is ready and where it listens, the data folder, the API key
/// (only when it was just made: it is a secret, kept in <c>tenants.json</c>), the pixel key and embed code (public), and
/// commands to try.
/// Whatever can be copied (addresses, keys, the embed code, commands) is written as plain lines, each whole, never
/// wrapped to the terminal's width nor boxed: Spectre.Console wraps at 80 columns when the output is not a terminal.
/// </summary>
internal static class Banner
{
    public static void Print(TextWriter output, Uri url, string dataDirectory, LocalTenant? tenant)
    {
        var api = new Uri(url, "api/");
        AnsiConsole.MarkupLine("[bold green]segments serve is ready[/]");
        output.WriteLine($"Listening on {url.GetLeftPart(UriPartial.Authority)} (console {url}, API {api}, OpenAPI {new Uri(api, "openapi.json")})");
        output.WriteLine($"Data folder: {dataDirectory}");
        if (tenant is null)
        {
            output.WriteLine("Tenants: as configured (Segments:Tenants), with their own keys.");
        }
        else
        {
            var settings = tenant.Settings;
            output.WriteLine($"Tenant: {settings.Id}");
            output.WriteLine(tenant.Created
                ? $"API key: {settings.ApiKey} (shown this once; kept in {tenant.File}, readable by you only)"
                : $"API key: in {tenant.File} (shown when it was made)");
            output.WriteLine($"Pixel key: {settings.PixelKey} (public: it is in the embed code)");
            output.WriteLine($"Pixel origins: {string.Join(", ", settings.AllowedOrigins)}");
            output.WriteLine("Embed the pixel in a page of those origins:");
            output.WriteLine($"<script async src=\"{new Uri(api, "collect.js")}?k={settings.PixelKey}\"></script>");
            output.WriteLine("Try it, in another terminal:");
            output.WriteLine($"KEY=$(sed -n 's/.*\"ApiKey\": \"\\(.*\\)\".*/\\1/p' \"{tenant.File}\")");
            output.WriteLine($"curl -s {new Uri(api, "segments")} -H \"Authorization: Bearer $KEY\"");
        }
        output.WriteLine("Press Ctrl+C to stop; everything is kept in the data folder.");
        output.Flush();
    }
}

using Microsoft.Extensions.Configuration.Memory;

namespace Segments.Cli.Serve;

/// <summary>
/// The log levels <c>serve</c> starts with, as the ASP.NET Core templates set them: a line per request, and per call of
/// the in-memory Durable sidecar, drowned the pipeline's own log. The host's lifetime lines are left to the banner,
/// which says once where the API listens: the sidecar is a second web host in the process, and its "Now listening on"
/// and "Application started" lines are not the user's business, nor are the Durable worker's warnings while it
/// reconnects to the sidecar at start and stop. Added as the first configuration source, so
/// <c>Logging__LogLevel__*</c> settings override it.
/// </summary>
internal static class ServeLogging
{
    public static MemoryConfigurationSource Defaults => new()
    {
        InitialData = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Logging:LogLevel:Microsoft.DurableTask"] = "Error",
        },
    };
}

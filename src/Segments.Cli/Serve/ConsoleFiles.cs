using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Segments.Cli.Serve;

/// <summary>
/// The web console (src/Segments.Console), published with the command line and embedded in it as resources named
/// <c>console/&lt;path&gt;</c>, served at <c>/</c>: its files by path, and <c>index.html</c> for the console's own
/// addresses (<c>/segments/…</c>), so a reload or a shared link opens the right screen. <c>/api</c> stays the API's.
/// </summary>
internal static class ConsoleFiles
{
    private const string Prefix = "console/";

    public static WebApplication MapConsole(this WebApplication app)
    {
        var files = new ResourceFiles(typeof(ConsoleFiles).Assembly, Prefix);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = ContentTypes(),
            OnPrepareResponse = context =>
            {
                // Fingerprinted framework files never change under their name; the rest is revalidated (ETag).
                context.Context.Response.Headers.CacheControl = context.File.Name.Contains('.') && context.Context.Request.Path.StartsWithSegments("/_framework")
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
            },
        });
        app.MapFallback("/{**path:nonfile}", (Delegate)(async (HttpContext context) =>
        {
            if (context.Request.Path.StartsWithSegments("/api") || files.GetFileInfo("index.html") is not { Exists: true } index)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await using var stream = index.CreateReadStream();
            await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
        })).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Asks the started server for the console's page and one of its files, so that the first browser to open the
    /// console does not wait while the server compiles its request path (Kestrel, routing, static files, the fallback):
    /// on a 2-core machine that cold first request took most of a second. The browser still downloads everything.
    /// </summary>
    public static async Task WarmConsoleAsync(this WebApplication app, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(10) };
            foreach (var path in (string[])["/", "/css/app.css"])
            {
                using var response = await client.GetAsync(path, cancellationToken);
            }
        }
        catch (Exception e) when (e is HttpRequestException or UriFormatException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // An address this machine cannot reach itself on, or a certificate it does not trust: the first request stays cold.
        }
    }

    /// <summary>The types of the console's files, WebAssembly and its boot manifest among them.</summary>
    private static FileExtensionContentTypeProvider ContentTypes()
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".wasm"] = "application/wasm";
        types.Mappings[".dat"] = "application/octet-stream";
        types.Mappings[".blat"] = "application/octet-stream";
        return types;
    }

    /// <summary>Embedded resources under a name prefix, as files by path.</summary>
    private sealed class ResourceFiles(Assembly assembly, string prefix) : IFileProvider
    {
        private readonly DateTimeOffset _built = File.GetLastWriteTimeUtc(assembly.Location);
        private readonly HashSet<string> _names = [.. assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal))];

        public IFileInfo GetFileInfo(string subpath)
        {
            var name = prefix + subpath.TrimStart('/');
            return _names.Contains(name) ? new ResourceFile(assembly, name, _built) : new NotFoundFileInfo(subpath);
        }

        public IDirectoryContents GetDirectoryContents(string subpath) => NotFoundDirectoryContents.Singleton;

        public IChangeToken Watch(string filter) => NullChangeToken.Singleton;
    }

    private sealed class ResourceFile(Assembly assembly, string name, DateTimeOffset built) : IFileInfo
    {
        public bool Exists => true;

        public long Length { get; } = LengthOf(assembly, name);

        public string? PhysicalPath => null;

        public string Name => Path.GetFileName(name);

        public DateTimeOffset LastModified => built;

        public bool IsDirectory => false;

        public Stream CreateReadStream() => Open(assembly, name);

        private static Stream Open(Assembly assembly, string name) => assembly.GetManifestResourceStream(name)!;

        private static long LengthOf(Assembly assembly, string name)
        {
            using var stream = Open(assembly, name);
            return stream.Length;
        }
    }
}

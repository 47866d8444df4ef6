using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Segments.TestSupport.Browser;
using Segments.TestSupport.Serve;

namespace Segments.Bench.Serve;

/// <summary>
/// The console's first load, as its browser test measures it (a fresh browser profile, from the request of <c>/</c> to
/// the first screen's "API key" field), beside the same measure of an empty Blazor WebAssembly app
/// (bench/Segments.Bench.EmptyBlazor, published trimmed like the console, served by a bare Kestrel): the runtime's own
/// floor on this machine. The two are loaded in turn in one browser, so load on the machine weighs on both alike.
/// </summary>
internal static class FirstLoad
{
    private const string Reference = "bench/Segments.Bench.EmptyBlazor/Segments.Bench.EmptyBlazor.csproj";

    public static async Task RunAsync(int loads)
    {
        if (!File.Exists(Reference))
        {
            throw new InvalidOperationException($"run from the repository's root: {Reference} is not here");
        }
        using var data = new DataFolder();
        var published = Path.Combine(data.Path, "reference");
        await PublishAsync(published);
        await using var empty = await StaticSite.StartAsync(Path.Combine(published, "wwwroot"));
        await using var serve = await ServeProcess.StartDemoAsync(Path.Combine(data.Path, "serve"));
        await using var browser = await Chromium.LaunchAsync();

        // The browser's first page pays for its own start-up: one load of each, not counted.
        await LoadAsync(browser, empty.Root);
        await LoadAsync(browser, serve.Root);
        var (console, reference) = (new List<double>(), new List<double>());
        for (var i = 0; i < loads; i++)
        {
            console.Add(await LoadAsync(browser, serve.Root));
            reference.Add(await LoadAsync(browser, empty.Root));
        }
        Console.WriteLine($"console first load:   median {Statistics.Median(console):N0} ms ({string.Join(", ", console.Select(ms => ms.ToString("N0")))})");
        Console.WriteLine($"empty Blazor app:     median {Statistics.Median(reference):N0} ms ({string.Join(", ", reference.Select(ms => ms.ToString("N0")))})");
        Console.WriteLine($"ratio console/empty:  {Statistics.Median(console) / Statistics.Median(reference):N2}; target: the console under 2,000 ms");
    }

    private static async Task<double> LoadAsync(Chromium.Session browser, Uri root)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var clock = Stopwatch.StartNew();
        await page.GotoAsync(root.ToString());
        await page.GetByLabel("API key").WaitForAsync(new() { Timeout = 60_000 });
        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task PublishAsync(string output)
    {
        using var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", Reference, "-c", "Release", "-o", output, "-p:RestoreLockedMode=true", "-nologo", "-v", "quiet"])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var said = await publish.StandardOutput.ReadToEndAsync() + await publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {Reference} failed:\n{said}");
        }
    }

    /// <summary>A bare Kestrel serving a published Blazor app's files, with index.html for any other address.</summary>
    private sealed class StaticSite(WebApplication app, Uri root) : IAsyncDisposable
    {
        public Uri Root => root;

        public static async Task<StaticSite> StartAsync(string folder)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var files = new PhysicalFileProvider(folder);
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                ContentTypeProvider = new FileExtensionContentTypeProvider { Mappings = { [".dat"] = "application/octet-stream" } },
            });
            app.MapFallback(() => Results.File(Path.Combine(folder, "index.html"), "text/html; charset=utf-8"));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new StaticSite(app, new Uri(address + "/"));
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}

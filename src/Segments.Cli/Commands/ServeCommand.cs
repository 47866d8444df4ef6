using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Segments.Api.Http;
using Segments.Cli.Demo;
using Segments.Cli.Serve;
using Segments.Core.Catalog;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Segments.Cli.Commands;

public sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--urls <URL>")]
        [Description("Where to listen. Default: http://127.0.0.1:5080.")]
        public string Urls { get; init; } = "http://127.0.0.1:5080";

        [CommandOption("--data-dir <DIR>")]
        [Description("Where contacts, the catalog, suppressions and audiences are kept across restarts. Default: ./.segments.")]
        public string DataDir { get; init; } = ".segments";

        [CommandOption("--demo")]
        [Description("Seed the tenant with 10,000 synthetic contacts and the example segments before serving (once).")]
        public bool Demo { get; init; }

        public override ValidationResult Validate() =>
            Uri.TryCreate(Urls, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? ValidationResult.Success()
                : ValidationResult.Error($"--urls: '{Urls}' is not an http(s) URL such as http://127.0.0.1:5080");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var url = new Uri(settings.Urls);
        var (app, tenant) = LocalHost.Build(url, settings.DataDir, [.. context.Remaining.Raw]);
        // With --demo the API answers 503 until the demo tenant is seeded, so what it says is what the seed made.
        var readiness = app.Services.GetRequiredService<Readiness>();
        if (settings.Demo)
        {
            readiness.Hold("the demo tenant is being seeded");
        }
        app.UseReadiness(readiness);
        await app.StartAsync(cancellationToken);
        if (settings.Demo)
        {
            await SeedOnceAsync(app.Services, app.Configuration["Segments:Tenants:0:Id"]!, cancellationToken);
            readiness.Release();
        }
        await app.WarmConsoleAsync(cancellationToken);
        Banner.Print(Console.Out, url, Path.GetFullPath(settings.DataDir), tenant);
        await app.WaitForShutdownAsync(cancellationToken);
        return ExitCodes.Ok;
    }

    /// <summary>Seeds the tenant unless it already has segments (a restart on the same data folder).</summary>
    private static async Task SeedOnceAsync(IServiceProvider services, string tenant, CancellationToken cancellationToken)
    {
        if ((await services.GetRequiredService<SegmentCatalog>().ListSegmentsAsync(tenant, cancellationToken)).Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"Tenant '{tenant}' already has segments; not seeding it again.");
            return;
        }
        await new DemoSeeder(services).SeedAsync(tenant, DemoContacts, cancellationToken);
        await DemoReport.PrintAsync(services, tenant, cancellationToken);
    }

    /// <summary>How many synthetic contacts <c>--demo</c> seeds: enough to be interesting, quick to start.</summary>
    public const int DemoContacts = 10_000;
}

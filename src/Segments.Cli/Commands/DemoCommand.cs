using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Segments.Api.Http;
using Segments.Cli.Demo;
using Segments.Cli.Serve;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Segments.Cli.Commands;

public sealed class DemoCommand : AsyncCommand<DemoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--contacts <N>")]
        [Description("How many synthetic contacts. Default: 10000.")]
        public int Contacts { get; init; } = 10_000;

        [CommandOption("--data-dir <DIR>")]
        [Description("The data folder (as for serve). Default: a new temporary folder.")]
        public string? DataDir { get; init; }

        public override ValidationResult Validate() =>
            Contacts is >= 1 and <= 10_000_000 ? ValidationResult.Success() : ValidationResult.Error("--contacts: a number from 1 to 10,000,000");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var dataDirectory = settings.DataDir ?? Directory.CreateTempSubdirectory("segments-demo-").FullName;
        var watch = Stopwatch.StartNew();
        var (app, local) = LocalHost.Build(new Uri("http://127.0.0.1:0"), dataDirectory, []);
        // The start-up daily report waits for the seed, as with serve --demo.
        var readiness = app.Services.GetRequiredService<Readiness>();
        readiness.Hold("the demo tenant is being seeded");
        await app.StartAsync(cancellationToken);
        var tenant = local?.Settings.Id ?? LocalTenants.DemoTenant;
        await new DemoSeeder(app.Services).SeedAsync(tenant, settings.Contacts, cancellationToken);
        readiness.Release();
        await DemoReport.PrintAsync(app.Services, tenant, cancellationToken);
        await app.StopAsync(cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"Done in {watch.Elapsed.TotalSeconds:F0} s; data in {dataDirectory} (serve it with: segments serve --data-dir {dataDirectory})");
        return ExitCodes.Ok;
    }
}

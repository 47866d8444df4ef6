using System.ComponentModel;
using Microsoft.Extensions.Hosting;
using Segments.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Segments.Cli.Serve;

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
        [Description("Seed the demo tenant with synthetic contacts and the example segments before serving.")]
        public bool Demo { get; init; }

        public override ValidationResult Validate() =>
            Uri.TryCreate(Urls, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? ValidationResult.Success()
                : ValidationResult.Error($"--urls: '{Urls}' is not an http(s) URL such as http://127.0.0.1:5080");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var url = new Uri(settings.Urls);
        var (app, generated) = LocalHost.Build(url, settings.DataDir, [.. context.Remaining.Raw]);
        await app.StartAsync(cancellationToken);
        Banner.Print(url, Path.GetFullPath(settings.DataDir), generated);
        await app.WaitForShutdownAsync(cancellationToken);
        return ExitCodes.Ok;
    }
}

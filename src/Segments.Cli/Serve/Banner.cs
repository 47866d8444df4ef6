using Segments.Core.Tenancy;
using Spectre.Console;

namespace Segments.Cli.Serve;

/// <summary>What a newcomer needs once the service is up: where it listens, the keys and the embed code.</summary>
internal static class Banner
{
    public static void Print(Uri url, string dataDirectory, TenantSettings? tenant)
    {
        var api = new Uri(url, "api/");
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("[bold]Console[/]", Markup.Escape(url.ToString()));
        grid.AddRow("[bold]API[/]", Markup.Escape(api.ToString()));
        grid.AddRow("[bold]OpenAPI[/]", Markup.Escape(new Uri(api, "openapi.json").ToString()));
        grid.AddRow("[bold]Data[/]", Markup.Escape(dataDirectory));
        if (tenant is not null)
        {
            grid.AddRow("[bold]Tenant[/]", Markup.Escape(tenant.Id));
            grid.AddRow("[bold]API key[/]", Markup.Escape(tenant.ApiKey));
            grid.AddRow("[bold]Pixel key[/]", Markup.Escape(tenant.PixelKey));
            grid.AddRow("[bold]Embed[/]", Markup.Escape($"<script async src=\"{new Uri(api, "collect.js")}?k={tenant.PixelKey}\"></script>"));
            grid.AddRow("[bold]Pixel origins[/]", Markup.Escape(string.Join(", ", tenant.AllowedOrigins)));
        }
        AnsiConsole.Write(new Panel(grid).Header("segments serve").Expand());
        AnsiConsole.MarkupLine("Press Ctrl+C to stop; everything is kept in the data folder.");
    }
}

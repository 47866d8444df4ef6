using Microsoft.Extensions.DependencyInjection;
using Segments.Core.Catalog;
using Spectre.Console;

namespace Segments.Cli.Demo;

/// <summary>The demo's closing table: each segment's size now.</summary>
internal static class DemoReport
{
    public static async Task PrintAsync(IServiceProvider services, string tenant, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<SegmentCatalog>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var counts = await services.GetRequiredService<SegmentPreview>().CountAllAsync(tenant, now, cancellationToken);
        var table = new Table().AddColumn("segment").AddColumn(new TableColumn("members").RightAligned()).AddColumn("description");
        foreach (var (segment, count) in counts)
        {
            var definition = (await catalog.CompileAsync(tenant, segment, cancellationToken))?.Definition;
            table.AddRow(Markup.Escape(segment), $"{count:N0}", Markup.Escape(definition?.Description ?? definition?.Name ?? ""));
        }
        AnsiConsole.Write(table.Title($"Segments of tenant '{Markup.Escape(tenant)}' now ({now:yyyy-MM-dd HH:mm} UTC)"));
    }
}

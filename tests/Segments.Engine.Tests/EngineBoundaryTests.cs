using Segments.Engine.Language;
using Segments.TestSupport.Architecture;

namespace Segments.Engine.Tests;

/// <summary>The engine is pure: nothing of Azure, ASP.NET Core or SQLite, and nothing of the application built on it.</summary>
public class EngineBoundaryTests
{
    [Fact]
    public void The_engine_references_no_azure_asp_net_core_sqlite_nor_other_project_of_ours() =>
        ProjectBoundary.ReferencesNone(typeof(Condition).Assembly, "src/Segments.Engine",
            [.. ProjectBoundary.Infrastructure, "Segments.", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.DependencyInjection"]);

    [Fact]
    public void The_folders_of_the_engine_depend_on_each_other_one_way() => FolderCycles.None(typeof(Condition).Assembly);
}

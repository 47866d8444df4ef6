using Segments.Core.Ports;
using Segments.TestSupport.Architecture;

namespace Segments.Core.Tests;

/// <summary>The application's services reach storage and the stream through their ports only: no adapter's SDK, no host.</summary>
public class ApplicationBoundaryTests
{
    [Fact]
    public void The_application_references_no_azure_asp_net_core_nor_sqlite_and_of_our_projects_only_the_engine() =>
        ProjectBoundary.ReferencesNone(typeof(IContactStore).Assembly, "src/Segments.Core",
            [.. ProjectBoundary.Infrastructure, "Segments.Api", "Segments.Azure", "Segments.Embedded", "Segments.Hosting", "Segments.Orchestration", "Segments.Cli"]);

    /// <summary>But for the ports, which name the records of the concepts that use them: every port in one folder, each record beside its concept.</summary>
    [Fact]
    public void The_folders_of_the_application_depend_on_each_other_one_way_the_ports_aside() =>
        FolderCycles.None(typeof(IContactStore).Assembly, ignoringArrowsFrom: "Segments.Core.Ports");
}

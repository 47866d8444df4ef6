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
}

using Segments.Orchestration;
using Segments.TestSupport.Architecture;

namespace Segments.Orchestration.Tests;

/// <summary>The audience resolution and the jobs depend on each other one way.</summary>
public class FolderCycleTests
{
    [Fact]
    public void The_folders_of_the_orchestrations_depend_on_each_other_one_way() => FolderCycles.None(typeof(ResolveAudienceOrchestrator).Assembly);
}

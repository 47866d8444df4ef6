using Segments.Functions;
using Segments.TestSupport.Architecture;

namespace Segments.Functions.Tests;

/// <summary>The triggers' folders depend on each other one way.</summary>
public class FolderCycleTests
{
    [Fact]
    public void The_folders_of_the_functions_app_depend_on_each_other_one_way() => FolderCycles.None(typeof(FunctionsComposition).Assembly);
}

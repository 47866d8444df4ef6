using Segments.Api;
using Segments.TestSupport.Architecture;

namespace Segments.Api.Tests;

/// <summary>The root composes the areas, the areas use the shared HTTP helpers (<c>Http</c>), which know no area.</summary>
public class FolderCycleTests
{
    [Fact]
    public void The_folders_of_the_api_depend_on_each_other_one_way() => FolderCycles.None(typeof(SegmentsApi).Assembly);
}

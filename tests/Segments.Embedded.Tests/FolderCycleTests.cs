using Segments.Embedded;
using Segments.TestSupport.Architecture;

namespace Segments.Embedded.Tests;

/// <summary>The root composes the embedded runtime; the stores share the durability helpers (<c>Durability</c>), which know no store.</summary>
public class FolderCycleTests
{
    [Fact]
    public void The_folders_of_the_embedded_runtime_depend_on_each_other_one_way() => FolderCycles.None(typeof(EmbeddedRuntime).Assembly);
}

using Segments.Cli.Commands;
using Segments.TestSupport.Architecture;

namespace Segments.Cli.Tests;

/// <summary>The commands use the local host (<c>Serve</c>) and the demo seeding (<c>Demo</c>), which know no command.</summary>
public class FolderCycleTests
{
    [Fact]
    public void The_folders_of_the_command_depend_on_each_other_one_way() => FolderCycles.None(typeof(ServeCommand).Assembly);
}

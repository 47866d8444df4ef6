using Segments.Azure;
using Segments.TestSupport.Architecture;

namespace Segments.Azure.Tests;

/// <summary>The root registers the stores on the app's clients; the stores' folders know neither the root nor each other's registrations.</summary>
public class FolderCycleTests
{
    [Fact]
    public void The_folders_of_the_azure_adapters_depend_on_each_other_one_way() => FolderCycles.None(typeof(AzureClients).Assembly);
}

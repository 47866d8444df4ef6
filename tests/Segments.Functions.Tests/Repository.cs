using System.Reflection;

namespace Segments.Functions.Tests;

/// <summary>Where the repository and the Functions app's build output are (set by the project file).</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string FunctionsMetadata { get; } = Metadata("FunctionsMetadata");

    /// <summary>The shared documents beside the repository (<c>../shared</c>), as CI lays them out.</summary>
    public static string SharedDocument(string name) => Path.Combine(Root, "..", "shared", "docs", name);

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

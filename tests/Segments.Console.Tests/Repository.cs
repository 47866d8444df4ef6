namespace Segments.Console.Tests;

internal static class Repository
{
    /// <summary>The repository's root: the first folder above the tests that holds Segments.sln.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "Segments.sln")))
        {
            folder = folder.Parent ?? throw new InvalidOperationException("the repository root (Segments.sln) is not above the tests");
        }
        return folder.FullName;
    }
}

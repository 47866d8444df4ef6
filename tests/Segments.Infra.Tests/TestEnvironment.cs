using System.Reflection;

namespace Segments.Infra.Tests;

/// <summary>Where the repository and the bicep CLI are, as the build wrote them into this assembly.</summary>
public static class TestEnvironment
{
    private static readonly Dictionary<string, string?> Metadata = typeof(TestEnvironment).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .ToDictionary(a => a.Key, a => a.Value);

    /// <summary>The bicep CLI restored by the PackageDownload of Azure.Bicep.CommandLine.linux-x64.</summary>
    public static string BicepExecutable => Required("BicepExecutable");

    /// <summary>The version of that package in Directory.Packages.props.</summary>
    public static string BicepPackageVersion => Required("BicepPackageVersion");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string InfraDirectory => Path.Combine(RepositoryRoot, "infra");

    public static string InfraPath(params string[] parts) => Path.Combine([InfraDirectory, .. parts]);

    private static string Required(string key) =>
        Metadata.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new InvalidOperationException($"Assembly metadata '{key}' is missing: build the test project with 'dotnet test' or 'dotnet build'.");

    private static string FindRepositoryRoot()
    {
        if (Metadata.TryGetValue("RepositoryRoot", out var root) && root is not null
            && File.Exists(Path.Combine(root, "infra", "main.bicep")))
        {
            return Path.GetFullPath(root);
        }

        // The checkout moved after the build: walk up from the test binaries instead.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "infra", "main.bicep")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find the repository root (a folder with infra/main.bicep).");
    }
}

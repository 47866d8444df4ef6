using System.Reflection;
using System.Text.Json;

namespace Segments.TestSupport.Architecture;

/// <summary>
/// What a project may depend on, checked twice: the assemblies its compiled code references, and every package of its
/// locked package graph (packages.lock.json, transitive ones included), so a dependency that arrives through another
/// package is caught as well as one the code names.
/// </summary>
public static class ProjectBoundary
{
    /// <summary>Azure SDKs, ASP.NET Core and SQLite: what the engine and the application leave to the adapters and hosts.</summary>
    public static readonly string[] Infrastructure = ["Azure.", "Microsoft.Azure.", "Microsoft.AspNetCore.", "Microsoft.Data.Sqlite", "SQLitePCLRaw."];

    public static void ReferencesNone(Assembly assembly, string project, params string[] forbiddenPrefixes)
    {
        var assemblies = assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("System.Runtime", assemblies);
        Assert.Empty(assemblies.Where(name => Forbidden(name, forbiddenPrefixes)));

        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), project, "packages.lock.json")));
        var packages = lockFile.RootElement.GetProperty("dependencies").EnumerateObject()
            .SelectMany(framework => framework.Value.EnumerateObject().Select(package => package.Name)).ToList();
        Assert.NotEmpty(packages);
        Assert.Empty(packages.Where(name => Forbidden(name, forbiddenPrefixes)));
    }

    private static bool Forbidden(string name, string[] prefixes) =>
        prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || name.Equals(prefix.TrimEnd('.'), StringComparison.OrdinalIgnoreCase));

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Segments.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No Segments.sln above {AppContext.BaseDirectory}.");
    }
}

using System.Reflection;
using ArchUnitNET.Loader;

namespace Segments.TestSupport.Architecture;

/// <summary>
/// The folders of a project (one namespace each) depend on each other one way: no folder reaches itself again through
/// the types its types use. The uses are read from the compiled assembly (signatures, bodies, attributes) by
/// ArchUnitNET; a cycle fails with each of its arrows and one use that makes it.
/// </summary>
public static class FolderCycles
{
    /// <summary>
    /// Fails on any cycle among the assembly's <c>Segments.*</c> namespaces. The arrows out of
    /// <paramref name="ignoringArrowsFrom"/> are not counted: the application's ports name the records of the concepts
    /// that use them, on purpose (every port in one folder, each record beside its concept).
    /// </summary>
    public static void None(Assembly assembly, string? ignoringArrowsFrom = null)
    {
        var architecture = new ArchLoader().LoadAssemblies(assembly).Build();
        var arrows = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var type in architecture.Types.Where(t => t.Assembly.FullName == assembly.FullName && Ours(t.Namespace.FullName)))
        {
            var from = type.Namespace.FullName;
            if (from == ignoringArrowsFrom)
            {
                continue;
            }
            foreach (var used in type.Dependencies.Select(d => d.Target))
            {
                if (used?.Namespace is { FullName: var to } && used.Assembly?.FullName == assembly.FullName && Ours(to) && to != from)
                {
                    var targets = arrows.TryGetValue(from, out var found) ? found : arrows[from] = new(StringComparer.Ordinal);
                    targets.TryAdd(to, $"{type.FullName} uses {used.FullName}");
                }
            }
        }
        Assert.NotEmpty(arrows);
        var cycles = Cycles(arrows).ToList();
        Assert.True(cycles.Count == 0, $"Folder cycles in {assembly.GetName().Name}:\n" + string.Join("\n", cycles.Select(cycle =>
            string.Join("\n", cycle.SelectMany(from => arrows[from].Where(a => cycle.Contains(a.Key)).Select(a => $"  {from} -> {a.Key}: {a.Value}"))) + "\n")));
    }

    private static bool Ours(string ns) => ns == "Segments" || ns.StartsWith("Segments.", StringComparison.Ordinal);

    /// <summary>The strongly connected components of more than one namespace (Tarjan's algorithm).</summary>
    private static IEnumerable<HashSet<string>> Cycles(SortedDictionary<string, SortedDictionary<string, string>> arrows)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var components = new List<HashSet<string>>();
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in arrows.GetValueOrDefault(node)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }
            if (low[node] == index[node])
            {
                var component = new HashSet<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }
        foreach (var node in arrows.Keys.Where(n => !index.ContainsKey(n)))
        {
            Visit(node);
        }
        return components.Where(c => c.Count > 1);
    }
}

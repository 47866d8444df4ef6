namespace Segments.Engine.Language;

/// <summary>
/// Checks the references between a tenant's definitions: every referenced segment exists, no segment
/// reaches itself (directly or through others), and no chain of references is longer than
/// <see cref="MaxReferenceDepth"/>.
/// </summary>
public static class SegmentGraph
{
    public const int MaxReferenceDepth = 8;

    /// <summary>Errors for <paramref name="candidate"/> saved beside <paramref name="others"/> (which it replaces if ids match).</summary>
    public static IReadOnlyList<ValidationError> Check(SegmentDefinition candidate, IEnumerable<SegmentDefinition> others)
    {
        var all = others.Where(d => d.Id != candidate.Id).ToDictionary(d => d.Id, StringComparer.Ordinal);
        all[candidate.Id] = candidate;
        var errors = new List<ValidationError>();
        foreach (var reference in candidate.References)
        {
            if (!all.ContainsKey(reference.Id))
            {
                errors.Add(new ValidationError(reference.Path, Missing(reference)));
            }
            else if (Reaches(all, reference.Id, candidate.Id, [candidate.Id]) is { } cycle)
            {
                errors.Add(new ValidationError(reference.Path, $"referencing '{reference.Id}' makes a cycle: {string.Join(" → ", cycle)}"));
            }
        }
        if (errors.Count == 0 && Depth(all, candidate.Id, []) > MaxReferenceDepth)
        {
            errors.Add(new ValidationError("$.match", $"segment references nest more than {MaxReferenceDepth} deep"));
        }
        return errors;
    }

    /// <summary>The error of a reference to a segment that does not exist.</summary>
    public static string Missing(SegmentReference reference) => $"segment '{reference.Id}' does not exist; create it first";

    /// <summary>Checks a whole set (an offline data set), each definition against the others.</summary>
    public static IReadOnlyList<(string SegmentId, ValidationError Error)> CheckAll(IReadOnlyList<SegmentDefinition> definitions) =>
        definitions.SelectMany(d => Check(d, definitions).Select(e => (d.Id, e))).ToArray();

    /// <summary>The definition ids in an order where each comes after everything it references.</summary>
    public static IReadOnlyList<string> DependencyOrder(IReadOnlyDictionary<string, SegmentDefinition> definitions)
    {
        var order = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string id)
        {
            if (!seen.Add(id) || !definitions.TryGetValue(id, out var d))
            {
                return;
            }
            foreach (var reference in d.References)
            {
                Visit(reference.Id);
            }
            order.Add(id);
        }
        foreach (var id in definitions.Keys.Order(StringComparer.Ordinal))
        {
            Visit(id);
        }
        return order;
    }

    private static List<string>? Reaches(Dictionary<string, SegmentDefinition> all, string from, string target, List<string> path)
    {
        path.Add(from);
        if (from == target)
        {
            return path;
        }
        if (path.Count <= all.Count + 1 && all.TryGetValue(from, out var d))
        {
            foreach (var next in d.References)
            {
                if (Reaches(all, next.Id, target, path) is { } found)
                {
                    return found;
                }
            }
        }
        path.RemoveAt(path.Count - 1);
        return null;
    }

    private static int Depth(Dictionary<string, SegmentDefinition> all, string id, HashSet<string> visiting)
    {
        if (!all.TryGetValue(id, out var d) || !visiting.Add(id))
        {
            return 0;
        }
        var depth = d.References.Count == 0 ? 0 : 1 + d.References.Max(r => Depth(all, r.Id, visiting));
        visiting.Remove(id);
        return depth;
    }
}

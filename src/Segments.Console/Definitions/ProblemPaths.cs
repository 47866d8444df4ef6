using System.Text.RegularExpressions;

namespace Segments.Console.Definitions;

/// <summary>
/// Maps a JSON path of the API's problems (<c>$.match.and[0].pixel.where[0].op</c>) back to the condition of the tree it
/// points into, and the rest of the path inside that condition's key (<c>$.where[0].op</c> of a pixel condition,
/// <c>$[7]</c> of an <c>and</c>).
/// </summary>
public static partial class ProblemPaths
{
    public static (ConditionNode Node, string Inner)? Locate(ConditionNode match, string path)
    {
        if (!path.StartsWith("$.match", StringComparison.Ordinal))
        {
            return null;
        }
        var steps = Steps().Matches(path["$.match".Length..]).Select(m => m.Value).ToList();
        var node = match;
        var i = 0;
        while (i < steps.Count)
        {
            switch (node)
            {
                case GroupNode group when steps[i] == "." + group.Key && i + 1 < steps.Count && Index(steps[i + 1]) is { } index && index < group.Items.Count:
                    node = group.Items[index];
                    i += 2;
                    continue;
                case NotNode not when steps[i] == ".not":
                    node = not.Inner;
                    i++;
                    continue;
                case LeafNode leaf when steps[i] == "." + leaf.Key:
                    return (node, "$" + string.Concat(steps.Skip(i + 1)));
            }
            break;
        }
        // The rest is told inside the condition's own key, as for a leaf: "$[7]" of an and, "$" of the and itself.
        if (i < steps.Count && node is GroupNode { Key: var key } && steps[i] == "." + key)
        {
            i++;
        }
        return (node, "$" + string.Concat(steps.Skip(i)));
    }

    private static int? Index(string step) => step.StartsWith('[') && int.TryParse(step[1..^1], out var index) ? index : null;

    /// <summary>A step of a path: <c>.name</c>, <c>['name']</c> or <c>[3]</c>.</summary>
    [GeneratedRegex(@"\.[^.\[]+|\[[^\]]*\]")]
    private static partial Regex Steps();
}

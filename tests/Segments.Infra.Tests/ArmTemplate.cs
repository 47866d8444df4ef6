using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Segments.Infra.Tests;

/// <summary>
/// A template in a compiled ARM template: the main one, or the nested template of a module
/// (a Microsoft.Resources/deployments resource) together with the scope that deploys it.
/// </summary>
public sealed class TemplateScope
{
    private TemplateScope(JsonObject template, TemplateScope? parent, JsonObject? deployment, string path)
    {
        Template = template;
        Parent = parent;
        Deployment = deployment;
        Path = path;
    }

    public JsonObject Template { get; }

    /// <summary>The scope whose deployment resource holds this template; null for the main template.</summary>
    public TemplateScope? Parent { get; }

    /// <summary>The Microsoft.Resources/deployments resource (in <see cref="Parent"/>) that deploys this template.</summary>
    public JsonObject? Deployment { get; }

    /// <summary>main, main/storage, ... for messages.</summary>
    public string Path { get; }

    public static TemplateScope Root(JsonObject template) => new(template, null, null, "main");

    public TemplateScope Nested(JsonObject deployment) =>
        new(deployment["properties"]?["template"] as JsonObject
                ?? throw new ArgumentException("The deployment has no inline template.", nameof(deployment)),
            this, deployment, $"{Path}/{ArmTemplate.Text(deployment["name"])}");
}

/// <summary>A resource declared in some template of the compiled output.</summary>
public sealed record ArmResource(JsonObject Node, TemplateScope Scope)
{
    public string Type => ArmTemplate.Text(Node["type"]);

    public string Name => ArmTemplate.Text(Node["name"]);

    public JsonNode? Properties => Node["properties"];

    public override string ToString() => $"{Type} {Name} in {Scope.Path}";
}

/// <summary>A value followed through parameters, variables and module outputs to where it is defined.</summary>
public sealed record Resolved(JsonNode? Node, TemplateScope Scope)
{
    public string? Expression => Node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}

/// <summary>
/// Reading of the compiled template: enumerate resources through nested module deployments, and
/// follow the simple expressions Bicep emits between modules ([parameters('x')], [variables('x')],
/// [reference(resourceId('Microsoft.Resources/deployments', 'm'), 'v').outputs.o.value], and
/// [reference('m').outputs.o.value] in languageVersion 2.0) back to
/// their source. Anything else is left as it is, so an unexpected shape fails a check rather than
/// passing it.
/// </summary>
public static partial class ArmTemplate
{
    public const string DeploymentType = "Microsoft.Resources/deployments";

    public static string Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out string? s) ? s : node?.ToJsonString() ?? "";

    /// <summary>Every resource of the template and of the modules it deploys, depth first.</summary>
    public static IEnumerable<ArmResource> Resources(TemplateScope scope)
    {
        foreach (var node in ResourceNodes(scope.Template))
        {
            // languageVersion 2.0 lists existing resources too; they deploy nothing.
            if (node["existing"]?.GetValueKind() == JsonValueKind.True)
            {
                continue;
            }

            yield return new ArmResource(node, scope);
            if (Text(node["type"]).Equals(DeploymentType, StringComparison.OrdinalIgnoreCase)
                && node["properties"]?["template"] is JsonObject)
            {
                foreach (var nested in Resources(scope.Nested(node)))
                {
                    yield return nested;
                }
            }
        }
    }

    public static IEnumerable<ArmResource> Resources(JsonObject main, string type) =>
        Resources(TemplateScope.Root(main)).Where(r => r.Type.Equals(type, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<JsonObject> ResourceNodes(JsonObject template) =>
        template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonObject>(), // languageVersion 2.0
            _ => [],
        };

    /// <summary>Follows <paramref name="node"/> through parameters, variables and module outputs.</summary>
    public static Resolved Resolve(JsonNode? node, TemplateScope scope) => Chain(node, scope).Last();

    /// <summary>Every step of <see cref="Resolve"/>, the given node first.</summary>
    public static IReadOnlyList<Resolved> Chain(JsonNode? node, TemplateScope scope)
    {
        var steps = new List<Resolved> { new(node, scope) };
        for (var depth = 0; depth < 64; depth++)
        {
            var next = Step(steps[^1]);
            if (next is null)
            {
                break;
            }

            steps.Add(next);
        }

        return steps;
    }

    private static Resolved? Step(Resolved current)
    {
        if (current.Expression is not { } expression)
        {
            return null;
        }

        var scope = current.Scope;
        if (WholeParameter().Match(expression) is { Success: true } parameter)
        {
            var name = parameter.Groups["name"].Value;
            if (scope.Deployment?["properties"]?["parameters"]?[name] is JsonObject passed && passed.ContainsKey("value"))
            {
                return new Resolved(passed["value"], scope.Parent!);
            }

            return null;
        }

        if (WholeVariable().Match(expression) is { Success: true } variable)
        {
            return scope.Template["variables"] is JsonObject variables && variables.ContainsKey(variable.Groups["name"].Value)
                ? new Resolved(variables[variable.Groups["name"].Value], scope)
                : null;
        }

        if (WholeModuleOutput().Match(expression) is { Success: true } output)
        {
            return ModuleOutput(scope, output.Groups["module"].Value, output.Groups["symbol"].Value, output.Groups["output"].Value);
        }

        return null;
    }

    /// <summary>The value of output <paramref name="output"/> of the module deployed by <paramref name="scope"/>, named or symbolic.</summary>
    private static Resolved? ModuleOutput(TemplateScope scope, string name, string symbol, string output)
    {
        var module = symbol.Length > 0
            ? (scope.Template["resources"] as JsonObject)?[symbol] as JsonObject // languageVersion 2.0: reference('symbol')
            : ResourceNodes(scope.Template).FirstOrDefault(r => Text(r["name"]) == name);
        if (module is null
            || !Text(module["type"]).Equals(DeploymentType, StringComparison.OrdinalIgnoreCase)
            || module["properties"]?["template"] is not JsonObject)
        {
            return null;
        }

        var nested = scope.Nested(module);
        return nested.Template["outputs"]?[output] is JsonObject declared && declared.ContainsKey("value")
            ? new Resolved(declared["value"], nested)
            : null;
    }

    /// <summary>
    /// Every string <paramref name="node"/> is computed from, with the scope it is read in: its own strings, and
    /// those of every parameter (passed by a module's deployment), variable and module output they mention,
    /// wherever in an expression the mention is. What it reaches in a parameter of the main template ends there.
    /// </summary>
    public static IReadOnlyList<(string Text, TemplateScope Scope)> Reached(JsonNode? node, TemplateScope scope)
    {
        var reached = new List<(string, TemplateScope)>();
        var seen = new HashSet<(string, string)>();
        var pending = new Queue<(JsonNode?, TemplateScope)>();
        pending.Enqueue((node, scope));
        while (pending.TryDequeue(out var item))
        {
            var (current, at) = item;
            foreach (var text in Strings(current))
            {
                if (!seen.Add((at.Path, text)))
                {
                    continue;
                }

                reached.Add((text, at));
                if (!IsExpression(text))
                {
                    continue;
                }

                foreach (Match m in Reference().Matches(text))
                {
                    var name = m.Groups["name"].Value;
                    if (m.Groups["kind"].Value == "parameters")
                    {
                        if (at.Deployment?["properties"]?["parameters"]?[name] is JsonObject passed && passed.ContainsKey("value"))
                        {
                            pending.Enqueue((passed["value"], at.Parent!));
                        }
                    }
                    else if (at.Template["variables"] is JsonObject variables && variables.ContainsKey(name))
                    {
                        pending.Enqueue((variables[name], at));
                    }
                }

                foreach (Match m in ModuleOutputMention().Matches(text))
                {
                    if (ModuleOutput(at, m.Groups["module"].Value, m.Groups["symbol"].Value, m.Groups["output"].Value) is { } output)
                    {
                        pending.Enqueue((output.Node, output.Scope));
                    }
                }
            }
        }

        return reached;
    }

    /// <summary>
    /// The arguments of <paramref name="expression"/> when it is one call of <paramref name="function"/> as a whole
    /// ("[f(a, b)]" or "f(a, b)"), split at its top-level commas; null when it is anything else.
    /// </summary>
    public static IReadOnlyList<string>? CallArguments(string expression, string function)
    {
        var text = IsExpression(expression) ? expression[1..^1] : expression;
        if (!text.StartsWith(function + "(", StringComparison.Ordinal) || !text.EndsWith(')'))
        {
            return null;
        }

        var arguments = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = function.Length + 1;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                quoted = c != '\'';
                if (c == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                {
                    quoted = true; // '' is a quote inside a string
                    i++;
                }
            }
            else if (c == '\'')
            {
                quoted = true;
            }
            else if (c is '(' or '[')
            {
                depth++;
            }
            else if (c is ')' or ']' && depth > 0)
            {
                depth--;
            }
            else if (c == ')')
            {
                if (i != text.Length - 1)
                {
                    return null; // the call ends before the expression does: f(a).x, f(a) + g(b)
                }

                arguments.Add(text[start..i].Trim());
                return arguments;
            }
            else if (c == ',' && depth == 0)
            {
                arguments.Add(text[start..i].Trim());
                start = i + 1;
            }
        }

        return null;
    }

    /// <summary>
    /// <paramref name="expression"/> with variables('x') and parameters('x') replaced by their
    /// values where those resolve to plain strings (role definition GUIDs, fixed names).
    /// </summary>
    public static string Inline(string expression, TemplateScope scope)
    {
        return Reference().Replace(expression, m =>
        {
            var kind = m.Groups["kind"].Value;
            var resolved = Resolve(JsonValue.Create($"[{kind}('{m.Groups["name"].Value}')]"), scope);
            return resolved.Expression is { } s && !s.StartsWith('[') ? $"'{s}'" : m.Value;
        });
    }

    /// <summary>Whether <paramref name="parameterName"/> of <paramref name="scope"/> is a secure string or object.</summary>
    public static bool IsSecureParameter(TemplateScope scope, string parameterName) =>
        Text(scope.Template["parameters"]?[parameterName]?["type"]) is var type
        && (type.Equals("securestring", StringComparison.OrdinalIgnoreCase)
            || type.Equals("secureobject", StringComparison.OrdinalIgnoreCase));

    /// <summary>The parameters an expression reads.</summary>
    public static IEnumerable<string> ParametersRead(string expression) =>
        Reference().Matches(expression).Where(m => m.Groups["kind"].Value == "parameters").Select(m => m.Groups["name"].Value);

    /// <summary>Every string value in <paramref name="node"/> and below it.</summary>
    public static IEnumerable<string> Strings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    foreach (var s in Strings(value))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var s in Strings(item))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonValue value when value.TryGetValue(out string? s):
                yield return s;
                break;
        }
    }

    /// <summary>A template-language expression: "[...]" but not the escaped literal "[[...".</summary>
    public static bool IsExpression(string s) => s.StartsWith('[') && !s.StartsWith("[[", StringComparison.Ordinal) && s.EndsWith(']');

    [GeneratedRegex(@"^\[parameters\('(?<name>[^']+)'\)\]$")]
    private static partial Regex WholeParameter();

    [GeneratedRegex(@"^\[variables\('(?<name>[^']+)'\)\]$")]
    private static partial Regex WholeVariable();

    // reference(resourceId('Microsoft.Resources/deployments', 'name'), 'version') before languageVersion 2.0, reference('symbol') in it.
    private const string ModuleOutputPattern =
        @"reference\((?:resourceId\('Microsoft\.Resources/deployments', '(?<module>[^']+)'\), '[^']+'|'(?<symbol>[^']+)')\)\.outputs\.(?<output>[A-Za-z0-9_]+)\.value";

    [GeneratedRegex("^\\[" + ModuleOutputPattern + "\\]$", RegexOptions.IgnoreCase)]
    private static partial Regex WholeModuleOutput();

    [GeneratedRegex(ModuleOutputPattern, RegexOptions.IgnoreCase)]
    private static partial Regex ModuleOutputMention();

    [GeneratedRegex(@"\b(?<kind>parameters|variables)\('(?<name>[^']+)'\)")]
    private static partial Regex Reference();
}

using System.Text.Json;

namespace Segments.Cli.Tests.Fuzz;

/// <summary>A parameter of an operation: where it goes (path, query, header), its name, whether it must be there, its schema.</summary>
internal sealed record ApiParameter(string In, string Name, bool Required, JsonElement? Schema);

/// <summary>One operation of the OpenAPI document, as much of it as a generator needs.</summary>
internal sealed record ApiOperation(string Method, string Path, IReadOnlyList<ApiParameter> Parameters,
    IReadOnlyDictionary<string, JsonElement> Bodies, bool Public)
{
    public override string ToString() => $"{Method} {Path}";

    /// <summary>Every operation of the document (the document itself is served but not described).</summary>
    public static IReadOnlyList<ApiOperation> Read(JsonElement document)
    {
        var operations = new List<ApiOperation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var list)
                    ? list.EnumerateArray().Select(p => new ApiParameter(p.GetProperty("in").GetString()!, p.GetProperty("name").GetString()!,
                        p.TryGetProperty("required", out var required) && required.GetBoolean(), p.TryGetProperty("schema", out var s) ? s : null)).ToList()
                    : [];
                var bodies = operation.Value.TryGetProperty("requestBody", out var body)
                    ? body.GetProperty("content").EnumerateObject().ToDictionary(c => c.Name,
                        c => c.Value.TryGetProperty("schema", out var schema) ? schema : default)
                    : new Dictionary<string, JsonElement>();
                var isPublic = operation.Value.TryGetProperty("security", out var security) && security.GetArrayLength() == 0;
                operations.Add(new ApiOperation(operation.Name.ToUpperInvariant(), path.Name, parameters, bodies, isPublic));
            }
        }
        return operations;
    }
}

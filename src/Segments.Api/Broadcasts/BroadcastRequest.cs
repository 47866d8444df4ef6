using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Segments.Api.Http;
using Segments.Core.Ingestion;
using Segments.Core.Language;

namespace Segments.Api.Broadcasts;

/// <summary><c>POST /api/broadcasts</c>: <c>{id, segment, list?, sendAt?, asOf?}</c>, read with every error at its JSON path.</summary>
public sealed record BroadcastRequest(
    [property: Required, Description("The broadcast's id: 1 to 63 lower-case letters, digits and dashes")] string Id,
    [property: Required, Description("The id of the segment sent to")] string Segment,
    [property: Description("A list id: its opted-out contacts are left out")] string? List,
    [property: Description("When to resolve the audience (default now), from 1970 to 2199")] DateTimeOffset? SendAt,
    [property: Description("The instant the segment is evaluated as of (default: the moment of resolution)")] DateTimeOffset? AsOf) : IRequestShape
{
    private static readonly string[] Known = ["id", "segment", "list", "sendAt", "asOf"];

    /// <summary>List ids are ids (event ids and campaign ids have the same bound).</summary>
    public const int MaxListLength = 128;

    public static (BroadcastRequest? Request, IReadOnlyList<ValidationError> Errors) Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, [new ValidationError("$", "expected an object {id, segment, list?, sendAt?, asOf?}")]);
        }
        var errors = new List<ValidationError>();
        foreach (var property in body.EnumerateObject().Where(p => !Known.Contains(p.Name)))
        {
            errors.Add(new ValidationError($"$.{property.Name}", $"unknown property; a broadcast has {string.Join(", ", Known)}"));
        }
        var id = ReadId(body, "id", errors);
        var segment = ReadId(body, "segment", errors);
        var list = Text(body, "list", errors);
        if (list is not null && (list.Length > MaxListLength || !EventRules.IsPlainText(list)))
        {
            errors.Add(new ValidationError("$.list", $"a list id has at most {MaxListLength} characters and no control characters"));
        }
        var sendAt = Instant(body, "sendAt", errors);
        var asOf = Instant(body, "asOf", errors);
        return errors.Count > 0 ? (null, errors) : (new BroadcastRequest(id!, segment!, list, sendAt, asOf), errors);
    }

    private static string? Text(JsonElement body, string name, List<ValidationError> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            errors.Add(new ValidationError($"$.{name}", $"'{name}' is a non-empty string"));
            return null;
        }
        return text;
    }

    private static string? ReadId(JsonElement body, string name, List<ValidationError> errors)
    {
        if (!body.TryGetProperty(name, out _))
        {
            errors.Add(new ValidationError($"$.{name}", $"'{name}' is required"));
            return null;
        }
        var id = Text(body, name, errors);
        if (id is not null && !DefinitionParser.IdShape().IsMatch(id))
        {
            errors.Add(new ValidationError($"$.{name}", $"'{id}' is not an id: {RouteIds.IdRule}"));
            return null;
        }
        return id;
    }

    private static DateTimeOffset? Instant(JsonElement body, string name, List<ValidationError> errors)
    {
        var text = Text(body, name, errors);
        if (text is null)
        {
            return null;
        }
        if (Instants.Parse(text) is { } at)
        {
            return at;
        }
        errors.Add(new ValidationError($"$.{name}", $"'{text}' is not {Instants.Rule}"));
        return null;
    }
}

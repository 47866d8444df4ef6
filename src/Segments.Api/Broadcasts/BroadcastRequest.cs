using System.Text.Json;
using Segments.Core.Language;
using Segments.Core.Model;

namespace Segments.Api.Broadcasts;

/// <summary><c>POST /api/broadcasts</c>: <c>{id, segment, list?, sendAt?, asOf?}</c>, read with every error at its JSON path.</summary>
public sealed record BroadcastRequest(string Id, string Segment, string? List, DateTimeOffset? SendAt, DateTimeOffset? AsOf)
{
    private static readonly string[] Known = ["id", "segment", "list", "sendAt", "asOf"];

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
            errors.Add(new ValidationError($"$.{name}", $"'{id}' is not an id: 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit"));
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
        if (DateValue.TryParse(text, out var value) && !value.IsDay)
        {
            return value.Start;
        }
        errors.Add(new ValidationError($"$.{name}", $"'{text}' is not an RFC 3339 date-time such as 2026-11-26T12:00:00Z"));
        return null;
    }
}

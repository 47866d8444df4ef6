using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Segments.Api.Http;
using Segments.Core.Ingestion;
using Segments.Engine.Language;

namespace Segments.Api.Broadcasts;

/// <summary><c>POST /api/broadcasts</c>: <c>{id, segment, list?, sendAt?, asOf?, exclude?}</c>, read with every error at its JSON path.</summary>
public sealed record BroadcastRequest(
    [property: Required, Description("The broadcast's id: 1 to 63 lower-case letters, digits and dashes")] string Id,
    [property: Required, Description("The id of the segment sent to")] string Segment,
    [property: Description("A list id: its opted-out contacts are left out")] string? List,
    [property: Description("When to resolve the audience (default now), from 1970 to 2199")] DateTimeOffset? SendAt,
    [property: Description("The instant the segment is evaluated as of (default: the moment of resolution)")] DateTimeOffset? AsOf,
    [property: Description("Ids of segments whose members are left out of the audience, counted as excluded in the manifest")]
    IReadOnlyList<string>? Exclude = null) : IRequestShape
{
    private static readonly string[] Known = ["id", "segment", "list", "sendAt", "asOf", "exclude"];

    /// <summary>Enough for "everyone but recent buyers, complainers and the test list", few enough to evaluate per contact.</summary>
    public const int MaxExclude = 20;

    /// <summary>List ids are ids (event ids and campaign ids have the same bound).</summary>
    public const int MaxListLength = 128;

    public static (BroadcastRequest? Request, IReadOnlyList<ValidationError> Errors) Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, [new ValidationError("$", "expected an object {id, segment, list?, sendAt?, asOf?, exclude?}")]);
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
        var exclude = ReadExclude(body, errors);
        return errors.Count > 0 ? (null, errors) : (new BroadcastRequest(id!, segment!, list, sendAt, asOf, exclude), errors);
    }

    private static IReadOnlyList<string>? ReadExclude(JsonElement body, List<ValidationError> errors)
    {
        if (!body.TryGetProperty("exclude", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxExclude)
        {
            errors.Add(new ValidationError("$.exclude", $"'exclude' is an array of at most {MaxExclude} segment ids"));
            return null;
        }
        var ids = new List<string>();
        foreach (var (item, i) in value.EnumerateArray().Select((item, i) => (item, i)))
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { } id || !DefinitionParser.IdShape().IsMatch(id))
            {
                errors.Add(new ValidationError($"$.exclude[{i}]", $"a segment id: {RouteIds.IdRule}"));
            }
            else if (ids.Contains(id))
            {
                errors.Add(new ValidationError($"$.exclude[{i}]", $"'{id}' is excluded twice"));
            }
            else
            {
                ids.Add(id);
            }
        }
        return ids.Count > 0 ? ids : null;
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

    internal static DateTimeOffset? Instant(JsonElement body, string name, List<ValidationError> errors)
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

/// <summary><c>PATCH /api/broadcasts/{id}</c>: <c>{sendAt}</c>, the new send time of a broadcast still scheduled.</summary>
public sealed record BroadcastChange(
    [property: Required, Description("When to resolve the audience instead; a time already passed sends at once")] DateTimeOffset SendAt) : IRequestShape
{
    public static (BroadcastChange? Change, IReadOnlyList<ValidationError> Errors) Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, [new ValidationError("$", "expected an object {sendAt}")]);
        }
        var errors = body.EnumerateObject().Where(p => p.Name != "sendAt")
            .Select(p => new ValidationError($"$.{p.Name}", "unknown property; only sendAt can change")).ToList();
        var sendAt = BroadcastRequest.Instant(body, "sendAt", errors);
        if (sendAt is null && errors.Count == 0)
        {
            errors.Add(new ValidationError("$.sendAt", "'sendAt' is required"));
        }
        return errors.Count > 0 ? (null, errors) : (new BroadcastChange(sendAt!.Value), errors);
    }
}

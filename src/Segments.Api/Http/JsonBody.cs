using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Segments.Core.Language;

namespace Segments.Api.Http;

/// <summary>Request bodies as JSON, read as they came so that every error can name its JSON path.</summary>
public static class JsonBody
{
    /// <summary>The body, or the refusal to send when it is not JSON.</summary>
    public static async Task<(JsonElement Body, IResult? Refusal)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
            return (default, Problems.Invalid("$", $"the body is not valid JSON{where}"));
        }
    }

    /// <summary>
    /// The body with the path's id: a body that names no id takes the path's; one that names another id is refused
    /// (the path says which resource is written).
    /// </summary>
    public static (JsonElement Body, ValidationError? Error) WithId(JsonElement body, string id)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (body, null); // The reader says what shape it expects.
        }
        if (body.TryGetProperty("id", out var named))
        {
            return named.ValueKind == JsonValueKind.String && named.GetString() == id
                ? (body, null)
                : (body, new ValidationError("$.id", $"the body names {named.GetRawText()} but the path names '{id}'; leave 'id' out or make them the same"));
        }
        // The caller's text is kept as it came (a definition is stored as text): only the id is written anew, and
        // characters are not re-escaped.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            foreach (var property in body.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                writer.WriteRawValue(property.Value.GetRawText(), skipInputValidation: true);
            }
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (document.RootElement.Clone(), null);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Segments.Core.Contacts.Import;

public enum ImportFormat : byte
{
    /// <summary>One contact a line, in the JSON shape of <c>PUT /api/contacts/{id}</c> with its <c>id</c>.</summary>
    Ndjson,

    /// <summary>
    /// RFC 4180 CSV whose first line names the columns: <c>id</c> (required), <c>email</c>, <c>firstName</c>,
    /// <c>lastName</c>, <c>createdAt</c>, <c>fields.NAME</c> (typed by the tenant's schema) and <c>lists.ID</c>.
    /// </summary>
    Csv,
}

/// <summary>What an import job is given: the upload's format (with a CSV's columns), and how it was spooled.</summary>
public sealed record ImportInput(ImportFormat Format, IReadOnlyList<string> Columns, int Chunks, long Records)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ImportInput Parse(string json) => JsonSerializer.Deserialize<ImportInput>(json, Json)!;
}

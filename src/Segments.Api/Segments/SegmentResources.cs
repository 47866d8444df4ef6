using System.Text.Json;
using System.Text.Json.Serialization;
using Segments.Core.Catalog;

namespace Segments.Api.Segments;

/// <summary>A saved segment: the definition as saved (send it back to replace it), its version and ETag.</summary>
public sealed record SegmentResource(string Id, int Version, [property: JsonPropertyName("etag")] string ETag, JsonElement Definition)
{
    public static SegmentResource From(CatalogEntry entry) =>
        new(entry.User.Id, entry.Definition!.Version, entry.Definition.ETag, JsonSerializer.Deserialize<JsonElement>(entry.Definition.Json));
}

public sealed record SegmentList(IReadOnlyList<SegmentResource> Segments);

/// <summary>A definition that would be saved as it is, with what it would use.</summary>
public sealed record ValidationReport(bool Valid, string Id, IReadOnlyList<string> Segments, IReadOnlyList<string> Fields);

public sealed record PreviewResponse(string Segment, string AsOf, long Count, IReadOnlyList<string> Sample);

using System.Text.Json;
using System.Text.Json.Serialization;
using Segments.Core.Catalog;
using Segments.Engine.Model;

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

/// <summary>
/// A segment's count at <c>asOf</c> and some members: exact (<c>exact</c> true, the first members by id), or estimated from
/// a fixed random sample of one contact in a hundred, with its interval (and members of the sample).
/// </summary>
public sealed record PreviewResponse(string Segment, string AsOf, long Count, bool Exact, IReadOnlyList<string> Sample)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CountEstimate? Estimate { get; init; }

    public static PreviewResponse From(PreviewResult result) =>
        new(result.Segment, Rfc3339.Format(result.AsOf), result.Count, result.Estimate is null, result.Sample) { Estimate = result.Estimate };
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Segments.Console.Api;

// The shapes of the HTTP API (../shared/docs/http-api.md) that the console reads, in its JSON names.

public sealed record ProblemError(string Path, string Message);

public sealed record ProblemUser(string Kind, string Id);

/// <summary>An <c>application/problem+json</c> refusal, or a transport failure told as one.</summary>
public sealed record Problem(int Status, string Title, IReadOnlyList<ProblemError> Errors, IReadOnlyList<ProblemUser>? UsedBy = null)
{
    public string Summary => Errors.Count == 0 ? Title : $"{Title}: {string.Join("; ", Errors.Select(e => $"{e.Path}: {e.Message}"))}";
}

public sealed record SegmentResource(string Id, int Version, [property: JsonPropertyName("etag")] string ETag, JsonElement Definition)
{
    public string Name => Definition.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString()! : Id;

    public string? Description => Definition.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
}

public sealed record SegmentList(IReadOnlyList<SegmentResource> Segments);

public sealed record PreviewResponse(string Segment, string AsOf, long Count, IReadOnlyList<string> Sample);

/// <summary><c>POST /api/segments:preview</c>: a count, exact or an estimate with its 95 % interval, and a sample.</summary>
public sealed record DefinitionPreview(long Count, bool Exact, IReadOnlyList<string>? Sample, string? AsOf, CountEstimate? Estimate);

/// <summary>An estimated count's 95 % interval (absent when the count is exact).</summary>
public sealed record CountEstimate(long Low, long High);

public sealed record SchemaResource(IReadOnlyDictionary<string, string> Fields);

public sealed record ActivityView(int Events, long CompactedEvents, string? NewestAt, IReadOnlyDictionary<string, string> ListOptOuts,
    IReadOnlyDictionary<string, string> ImpliedSuppressions);

public sealed record SuppressionView(string Reason, string At);

public sealed record ContactView(string Id, string? Email, string? FirstName, string? LastName, string? CreatedAt,
    IReadOnlyDictionary<string, JsonElement> Fields, IReadOnlyDictionary<string, string> Lists, ActivityView Activity,
    IReadOnlyList<SuppressionView> Suppressions, IReadOnlyList<ContactEvent>? Events = null, IReadOnlyList<string>? Segments = null);

/// <summary>One event of a contact's timeline, as the contact document shows it.</summary>
public sealed record ContactEvent(string Id, string Kind, string Name, string At, string? CampaignId, JsonElement? Properties);

public sealed record ContactSearch(IReadOnlyList<ContactSummary> Contacts);

public sealed record ContactSummary(string Id, string? Email);

public sealed record ResolutionProgress(string Phase, int? PartitionsDone, int? Partitions);

public sealed record AudienceManifest(string Segment, string AsOf, string? List, long Matched, IReadOnlyDictionary<string, long> Suppressed,
    long OptedOut, long? Excluded, long Audience);

public sealed record BroadcastView(string Id, string Segment, string? List, string? SendAt, string? AsOf, string Status,
    JsonElement? Progress, AudienceManifest? Manifest, BroadcastFailure? Error, IReadOnlyList<string>? Exclude = null);

public sealed record BroadcastFailure(string Message);

public sealed record BroadcastPage(IReadOnlyList<BroadcastView> Broadcasts, string? Cursor);

public sealed record ConsumerResource(string Id, string Segment, string On);

public sealed record ConsumerList(IReadOnlyList<ConsumerResource> Items);

public sealed record RecordView(long Change, string Contact, string Kind, string At);

public sealed record RecordPage(string Id, IReadOnlyList<RecordView> Records, long Next);

public sealed record ReportCount(string Day, string Slice, long Count);

public sealed record ReportResponse(string Segment, string By, string From, string To, IReadOnlyList<ReportCount> Counts);

public sealed record PixelHit(string At, string Event, string Outcome, string? ContactId, string? Visitor, string? Page, string? Origin, string? Reason);

public sealed record PixelRecent(string? PixelKey, IReadOnlyList<string> AllowedOrigins, IReadOnlyList<PixelHit> Hits);

/// <summary>
/// One node of an explanation as the API gives it: the condition's kind, its path in the definition, its truth value,
/// its evidence (one of field, events, list, context; a referenced segment's own explanation) and its conditions.
/// </summary>
public sealed record ExplainNode(string Condition, string Path, bool Result, IReadOnlyList<ExplainNode>? Conditions,
    JsonElement? Field, JsonElement? Events, JsonElement? List, JsonElement? Context, Explanation? Segment)
{
    public JsonElement? Evidence => Field ?? Events ?? List ?? Context;
}

public sealed record Explanation(string Segment, string Contact, string AsOf, bool Member, ExplainNode Match);

using System.Text.Json;
using System.Text.Json.Serialization;
using Segments.Engine.Model;

namespace Segments.Core.Audience;

/// <summary>What a resolution produced; written last, so its presence means the audience files are complete.</summary>
public sealed record AudienceManifest
{
    public required string Segment { get; init; }

    /// <summary>T in RFC 3339 UTC, as given to the language (<c>2026-11-26T12:00:00Z</c>).</summary>
    public required string AsOf { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? List { get; init; }

    public required long Matched { get; init; }

    public required IReadOnlyDictionary<string, long> Suppressed { get; init; }

    public required long OptedOut { get; init; }

    public required long Audience { get; init; }

    /// <summary>Members left out as members of a segment the broadcast excludes (absent when it excludes none).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Excluded { get; init; }

    public required IReadOnlyList<string> Parts { get; init; }

    /// <summary>The broadcast the audience was resolved for (none for an offline resolution).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Broadcast { get; init; }

    /// <summary>The version of the segment's definition that was evaluated (none for an offline data set).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DefinitionVersion { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AudienceTimings? Timings { get; init; }

    public static AudienceManifest From(string segment, DateTimeOffset asOf, string? list, AudienceTally tally, IReadOnlyList<string> parts) => new()
    {
        Segment = segment,
        AsOf = Rfc3339.Format(asOf),
        List = list,
        Matched = tally.Matched,
        Suppressed = tally.Suppressed,
        OptedOut = tally.OptedOut,
        Audience = tally.Audience,
        Parts = parts,
    };

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}

/// <summary>
/// How long each phase of a resolution took, in milliseconds: reading the definition, listing the partitions,
/// the fan-out (first part started to last part written, wall clock), and in total; <see cref="ScanMs"/> and
/// <see cref="WriteMs"/> add up the parts' own scanning-and-evaluating and writing times.
/// </summary>
public sealed record AudienceTimings(long PrepareMs, long PartitionsMs, long ResolveMs, long TotalMs, long ScanMs, long WriteMs);

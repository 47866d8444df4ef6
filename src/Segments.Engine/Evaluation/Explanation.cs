using System.Text.Json.Serialization;
using Segments.Engine.Model;

namespace Segments.Engine.Evaluation;

/// <summary>
/// Why a contact is in a segment or not, as of T: the definition's tree, each condition with its JSON path in the
/// definition, its truth value and its evidence (one of the evidence properties, by kind).
/// </summary>
public sealed record Explanation(string Condition, string Path, bool Result)
{
    /// <summary>The conditions of <c>and</c> and <c>or</c>, the one of <c>not</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Explanation>? Conditions { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FieldEvidence? Field { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EventEvidence? Events { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ListEvidence? List { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ContextEvidence? Context { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BucketEvidence? Bucket { get; init; }

    /// <summary>A <c>segment</c> condition: the referenced segment's own explanation.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SegmentExplanation? Segment { get; init; }
}

/// <summary>A segment's explanation for one contact at T; <see cref="Member"/> is the engine's verdict.</summary>
public sealed record SegmentExplanation(string Segment, string Contact, [property: JsonConverter(typeof(Rfc3339JsonConverter))] DateTimeOffset AsOf, bool Member,
    Explanation Match);

/// <summary>
/// The profile value the condition tested (null when missing: absent, null, or not of the field's type, which the
/// language treats as missing) and whether it was missing.
/// </summary>
public sealed record FieldEvidence(string Name, object? Value, bool Missing);

/// <summary>One event a condition counted.</summary>
public sealed record CountedEvent(string Id, [property: JsonConverter(typeof(Rfc3339JsonConverter))] DateTimeOffset At, double? Value);

/// <summary>
/// What an event condition counted: the window's lower edge (exclusive; null without <c>within</c>), the retained
/// events counted (all of them in <see cref="Count"/>, the most recent ones listed), the events compacted into totals
/// beyond the horizon that count too, and for a conversion <c>value</c> test the sum tested.
/// </summary>
public sealed record EventEvidence(bool Result, [property: JsonConverter(typeof(Rfc3339NullableJsonConverter))] DateTimeOffset? From, long Count, long Compacted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Sum, IReadOnlyList<CountedEvent> Events)
{
    /// <summary>How many counted events an explanation lists by id and time.</summary>
    public const int Listed = 100;
}

/// <summary>A <c>bucket</c> condition: the contact's bucket (0 to 99) for the seed.</summary>
public sealed record BucketEvidence(string Seed, int Value);

/// <summary>
/// The status on the list at T (null: no record), the status recorded by the profile, and since when the contact's
/// unsubscribe events hold it unsubscribed at T, if they do (v2: a later subscribe lifts it).
/// </summary>
public sealed record ListEvidence(string List, string? Status, string? Recorded,
    [property: JsonConverter(typeof(Rfc3339NullableJsonConverter))] DateTimeOffset? OptedOutAt);

/// <summary>
/// The event that decided a geo or device condition (null when no event in the window carries that context or, for
/// <c>seen: any</c>, none satisfies it) with the attributes it carries.
/// </summary>
public sealed record ContextEvidence(string? EventId, [property: JsonConverter(typeof(Rfc3339NullableJsonConverter))] DateTimeOffset? At,
    IReadOnlyDictionary<string, string?>? Attributes);

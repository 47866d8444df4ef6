using Segments.Core.Model;

namespace Segments.Core.Language;

/// <summary>A parsed, validated condition of the segment language.</summary>
public abstract record Condition;

public sealed record AllOf(IReadOnlyList<Condition> Conditions) : Condition;

public sealed record AnyOf(IReadOnlyList<Condition> Conditions) : Condition;

public sealed record Not(Condition Condition) : Condition;

public sealed record FieldCondition(string Field, FieldType Type, ScalarTest Test) : Condition;

/// <summary>Which email events an engagement condition counts; <see cref="Engaged"/> is an open or a click.</summary>
public enum EngagementEvent : byte
{
    Sent,
    Delivered,
    Open,
    Click,
    Bounce,
    Unsubscribe,
    Complaint,
    Engaged,
}

/// <summary><c>count</c>: how many matching events there must be (default: at least one).</summary>
public sealed record CountTest(NumberTest Test)
{
    public static readonly CountTest AtLeastOne = new(new NumberTest("gte", [1]));

    public bool Holds(long count) => Test.TestNumber(count);
}

/// <summary>A campaign restriction: none, one campaign id, the contact's last sent campaign, or any attributed campaign.</summary>
public sealed record CampaignScope(CampaignScopeKind Kind, string? CampaignId)
{
    public static readonly CampaignScope None = new(CampaignScopeKind.None, null);
    public static readonly CampaignScope Last = new(CampaignScopeKind.Last, null);
    public static readonly CampaignScope AnyAttributed = new(CampaignScopeKind.Any, null);
}

public enum CampaignScopeKind : byte
{
    None,
    Id,
    Last,
    Any,
}

public sealed record EngagementCondition(EngagementEvent Event, Duration? Within, CountTest Count, CampaignScope Campaign) : Condition;

/// <summary>One predicate of a <c>where</c> list: a property of the same event.</summary>
public sealed record PropertyPredicate(string Property, ScalarTest Test);

public sealed record PixelCondition(string Event, IReadOnlyList<PropertyPredicate> Where, Duration? Within, CountTest Count) : Condition;

/// <summary>
/// Conversions: <see cref="Count"/> and <see cref="Value"/> (a test on the sum of values) as written; with
/// neither, at least one matching conversion.
/// </summary>
public sealed record ConversionCondition(
    string? Event, IReadOnlyList<PropertyPredicate> Where, Duration? Within, CountTest? Count, NumberTest? Value, CampaignScope Campaign) : Condition;

public enum ListStatusFilter : byte
{
    Subscribed,
    Unsubscribed,
    Any,
}

public sealed record ListCondition(string ListId, ListStatusFilter Status) : Condition;

public sealed record SegmentCondition(string SegmentId) : Condition;

public enum ContextKind : byte
{
    Geo,
    Device,
}

/// <summary>
/// Geo (<c>country</c>, <c>region</c>, <c>city</c>) or device (<c>client</c>, <c>type</c>, <c>os</c>): predicates
/// by attribute position, null where not given; all given must hold on the same event.
/// </summary>
public sealed record ContextCondition(ContextKind Kind, IReadOnlyList<TextTest?> Tests, Duration? Within, bool SeenAny) : Condition
{
    public static IReadOnlyList<string> AttributeNames(ContextKind kind) =>
        kind == ContextKind.Geo ? ["country", "region", "city"] : ["client", "type", "os"];
}

/// <summary>A saved segment definition.</summary>
public sealed record SegmentDefinition(string Id, string Name, string? Description, Condition Match, IReadOnlyList<SegmentReference> References)
{
    /// <summary>Profile fields the definition reads (for schema checks and the reference graph).</summary>
    public IReadOnlyList<string> Fields { get; init; } = [];
}

/// <summary>A <c>segment</c> condition's target and where the definition names it.</summary>
public sealed record SegmentReference(string Id, string Path);

/// <summary>A problem with a definition or an input: where (a JSON path) and what, in words a marketer understands.</summary>
public sealed record ValidationError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

using Segments.Engine.Model;

namespace Segments.Engine.Language;

/// <summary>
/// A parsed, validated condition of the segment language. The set of kinds is closed: every pass over conditions
/// (evaluation, time edges, reads, push-down) is an <see cref="IConditionVisitor{TResult}"/>, so a kind added here
/// fails the build of each pass until that pass handles it (see docs/architecture.md, "Add a condition kind").
/// </summary>
public abstract record Condition
{
    private protected Condition()
    {
    }

    public abstract TResult Accept<TResult>(IConditionVisitor<TResult> visitor);
}

/// <summary>A pass over conditions, one method per kind of <see cref="Condition"/>.</summary>
public interface IConditionVisitor<out TResult>
{
    TResult Visit(AllOf condition);

    TResult Visit(AnyOf condition);

    TResult Visit(Not condition);

    TResult Visit(FieldCondition condition);

    TResult Visit(EngagementCondition condition);

    TResult Visit(PixelCondition condition);

    TResult Visit(ConversionCondition condition);

    TResult Visit(ListCondition condition);

    TResult Visit(SegmentCondition condition);

    TResult Visit(ContextCondition condition);

    TResult Visit(Everyone condition);

    TResult Visit(BucketCondition condition);
}

/// <summary>The key of a condition object; its word (<see cref="Words"/>) is the JSON key.</summary>
public enum ConditionKey : byte
{
    And,
    Or,
    Not,
    Field,
    Engagement,
    Pixel,
    Conversion,
    List,
    Segment,
    Geo,
    Device,
    Everyone,
    Bucket,
}

public sealed record AllOf(IReadOnlyList<Condition> Conditions) : Condition
{
    public override TResult Accept<TResult>(IConditionVisitor<TResult> visitor) => visitor.Visit(this);
}

public sealed record AnyOf(IReadOnlyList<Condition> Conditions) : Condition
{
    public override TResult Accept<TResult>(IConditionVisitor<TResult> visitor) => visitor.Visit(this);
}

public sealed record Not(Condition Condition) : Condition
{
    public override TResult Accept<TResult>(IConditionVisitor<TResult> visitor) => visitor.Visit(this);
}

public sealed record FieldCondition(string Field, FieldType Type, ScalarPredicate Predicate) : Condition
{
    public override TResult Accept<TResult>(IConditionVisitor<TResult> visitor) => visitor.Visit(this);
}

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
    Subscribe,
    Engaged,
}

/// <summary><c>count</c>: how many matching events there must be (default: at least one).</summary>
public sealed record EventCount(NumberPredicate Predicate)
{
    public static readonly EventCount AtLeastOne = new(new NumberPredicate(NumberOperator.Gte, [1]));

    public bool Holds(long count) => Predicate.HoldsFor(count);
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

/// <param name="MachineOpens">Whether <c>open</c> and <c>engaged</c> count machine opens (<c>"machineOpens": "include"</c>).</param>
public sealed record EngagementCondition(EngagementEvent Event, Duration? Within, EventCount Count, CampaignScope Campaign, bool MachineOpens = false)
    : Condition
{
    public override TResult Accept<TResult>(IConditionVisitor<TResult> visitor) => visitor.Visit(this);
}

/// <summary>One predicate of a <c>where</c> list: a property (a path) of the same event.</summary>
public sealed record PropertyPredicate(PropertyPath Path, ScalarPredicate Predicate)
{
    public string Property => Path.Text;

    public bool HoldsOn(PropertyBag properties) => Path.Holds(Predicate, properties);
}

/// <param name="SeenLast"><c>"seen": "last"</c>: only the most recent such event is tested (no count).</param>
public sealed record PixelCondition(string Event, IReadOnlyList<PropertyPredicate> Where, Duration? Within, EventCount Count, bool SeenLast = false)
    : Condition
{
    public override TResult Accept<TResult>(IConditionVisitor<TResult> visitor) => visitor.Visit(this);
}

/// <summary>
/// Conversions: <see cref="Count"/> and <see cref="Value"/> (a test on the sum of values) as written; with
/// neither, at least one matching conversion. With <see cref="SeenLast"/>, the most recent conversion (of that name)
/// must satisfy <see cref="Where"/> and <see cref="Campaign"/>.
/// </summary>
public sealed record ConversionCondition(
    string? Event, IReadOnlyList<PropertyPredicate> Where, Duration? Within, EventCount? Count, NumberPredicate? Value, CampaignScope Campaign,
    bool SeenLast = false)
    : Condition
{
    public override TResult Accept<TResult>(IConditionVisitor<TResult> visitor) => visitor.Visit(this);
}

public enum ListStatusFilter : byte
{
    Subscribed,
    Unsubscribed,
    Any,
}

public sealed record ListCondition(string ListId, ListStatusFilter Status) : Condition
{
    public override TResult Accept<TResult>(IConditionVisitor<TResult> visitor) => visitor.Visit(this);
}

public sealed record SegmentCondition(string SegmentId) : Condition
{
    public override TResult Accept<TResult>(IConditionVisitor<TResult> visitor) => visitor.Visit(this);
}

public enum ContextKind : byte
{
    Geo,
    Device,
}

/// <summary>
/// Geo (<c>country</c>, <c>region</c>, <c>city</c>) or device (<c>client</c>, <c>type</c>, <c>os</c>): predicates
/// by attribute position, null where not given; all given must hold on the same event.
/// </summary>
public sealed record ContextCondition(ContextKind Kind, IReadOnlyList<ScalarPredicate?> Predicates, Duration? Within, bool SeenAny) : Condition
{
    public override TResult Accept<TResult>(IConditionVisitor<TResult> visitor) => visitor.Visit(this);

    public static IReadOnlyList<string> AttributeNames(ContextKind kind) =>
        kind == ContextKind.Geo ? ["country", "region", "city"] : ["client", "type", "os"];
}

/// <summary><c>everyone</c>: every contact of the tenant.</summary>
public sealed record Everyone : Condition
{
    public static readonly Everyone Instance = new();

    public override TResult Accept<TResult>(IConditionVisitor<TResult> visitor) => visitor.Visit(this);
}

/// <summary>
/// <c>bucket</c>: the contact's bucket for <see cref="Seed"/> lies in [<see cref="From"/>, <see cref="To"/>]. A bucket is
/// <c>u mod 100</c>, where <c>u</c> is the first 8 bytes of SHA-256 over the UTF-8 of <c>seed + ":" + contactId</c>, read
/// big-endian: it depends on nothing else, so every store and partitioning agrees.
/// </summary>
public sealed record BucketCondition(string Seed, int From, int To) : Condition
{
    public const int Buckets = 100;
    public const int MaxSeedLength = 64;

    public override TResult Accept<TResult>(IConditionVisitor<TResult> visitor) => visitor.Visit(this);

    public bool Holds(string contactId) => Of(Seed, contactId) is var bucket && bucket >= From && bucket <= To;

    public static int Of(string seed, string contactId)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}:{contactId}"), hash);
        return (int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash) % Buckets);
    }
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

using Segments.Core.Audience;
using Segments.Core.Broadcasts;
using Segments.Core.Catalog;
using Segments.Engine.Evaluation;
using Segments.Engine.Language;

namespace Segments.Orchestration;

/// <summary>
/// A send to resolve: the tenant's <paramref name="Segment"/>, minus suppressions and (with <paramref name="List"/>)
/// opt-outs, evaluated as of <paramref name="AsOf"/> (default: the moment of resolution), not before
/// <paramref name="SendAt"/> (default: at once).
/// </summary>
public sealed record ResolveAudienceInput(string Tenant, string Broadcast, string Segment, string? List = null,
    DateTimeOffset? AsOf = null, DateTimeOffset? SendAt = null);

/// <summary>
/// The segment as it was when the resolution began: its definition, those of the segments the broadcast excludes
/// (<paramref name="Exclude"/>), and those they reference (JSON as saved) with the schema they were validated against.
/// Every partition evaluates this copy, so a definition saved meanwhile changes nothing, and a retried partition
/// evaluates what the others did.
/// </summary>
public sealed record FrozenSegment(string Segment, int Version, string Schema, IReadOnlyList<string> Definitions, IReadOnlyList<string>? Exclude = null)
{
    public SegmentSet Compile()
    {
        var schema = CatalogEncoding.ParseSchema(Schema);
        return new SegmentSet(Definitions.Select(json =>
        {
            var (definition, errors) = DefinitionParser.Parse(json, schema);
            return definition ?? throw new InvalidDataException($"a frozen definition no longer validates: {string.Join("; ", errors)}");
        }));
    }
}

/// <summary>Starting a resolution: the request, and the orchestration's instant (the default <c>asOf</c>).</summary>
public sealed record StartInput(ResolveAudienceInput Request, DateTimeOffset Now);

/// <summary>
/// How a resolution goes on once started: <see cref="Outcome"/> <c>resolve</c> (as of <see cref="AsOf"/>, the frozen
/// <see cref="Segment"/>), <c>done</c> (already complete: its <see cref="Manifest"/>), or <c>stopped</c> (it ended
/// otherwise: <see cref="Status"/>, with the <see cref="Error"/> of a failure).
/// </summary>
public sealed record ResolutionStart(string Outcome, DateTimeOffset AsOf = default, FrozenSegment? Segment = null, AudienceManifest? Manifest = null,
    BroadcastStatus? Status = null, string? Error = null)
{
    public const string ResolveOutcome = "resolve";
    public const string DoneOutcome = "done";
    public const string StoppedOutcome = "stopped";

    public static ResolutionStart Resolve(DateTimeOffset asOf, FrozenSegment segment) => new(ResolveOutcome, asOf, segment);

    public static ResolutionStart Done(AudienceManifest manifest) => new(DoneOutcome, Manifest: manifest);

    public static ResolutionStart Stopped(BroadcastStatus status, string? error = null) => new(StoppedOutcome, Status: status, Error: error);
}

/// <summary>One partition's work: which partition (its position in the store's list names its part).</summary>
public sealed record PartitionInput(string Tenant, string Broadcast, string? List, DateTimeOffset AsOf, FrozenSegment Segment, string Partition, int Index);

/// <summary>What one partition contributed: its part, its counts, and how long scanning-and-evaluating and writing took.</summary>
public sealed record PartitionOutcome(string Part, long Scanned, long Matched, IReadOnlyDictionary<string, long> Suppressed, long OptedOut,
    long Audience, long ScanMs, long WriteMs, long Excluded = 0);

/// <summary>
/// What a running resolution is told while it waits or resolves (the external event <see cref="Name"/>): to stop
/// (<see cref="Cancel"/>; the record says canceled already), or to fire at another <see cref="SendAt"/>.
/// </summary>
public sealed record BroadcastSignal(bool Cancel, DateTimeOffset? SendAt)
{
    public const string Name = "broadcast-signal";
}

/// <summary>The custom status of a resolution: its phase and, while resolving, how many partitions are done.</summary>
public sealed record ResolutionProgress(string Phase, int PartsDone = 0, int PartsTotal = 0)
{
    public const string Scheduled = "scheduled";
    public const string Preparing = "preparing";
    public const string Resolving = "resolving";
    public const string Writing = "writing";
    public const string Done = "done";
}

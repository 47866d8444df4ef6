using System.ComponentModel.DataAnnotations;
using Segments.Api.Http;
using Segments.Core.Jobs;
using Segments.Core.Membership;
using Segments.Engine.Model;

namespace Segments.Api.Membership;

/// <summary>One change of a segment's feed: <c>kind</c> is <c>entered</c> or <c>left</c>; <c>sequence</c> is the cursor.</summary>
public sealed record ChangeView(long Sequence, string Contact, string Kind, string At)
{
    public static ChangeView From(MembershipChange c) => new(c.Sequence, c.ContactId, MembershipChange.Word(c.Kind), Rfc3339.Format(c.At));
}

/// <summary>A page of changes in sequence order; ask again with <c>since=next</c> for the following ones.</summary>
public sealed record ChangePage(string Segment, IReadOnlyList<ChangeView> Changes, long Next);

/// <summary>
/// A drip (<c>on</c> is always <c>entered</c>) or a trigger, with the state of its segment's baseline: until it is
/// <c>completed</c>, a contact it has not reached yet records no change unless a write changes its membership.
/// </summary>
public sealed record ConsumerResource(string Id, string Segment, string On, BaselineView Baseline)
{
    public static ConsumerResource From(Consumer c, BaselineView baseline) => new(c.Id, c.Segment, MembershipChange.Word(c.On), baseline);
}

/// <summary>The baseline's job (none once it is done) with its status and how many of its parts are done.</summary>
public sealed record BaselineView(string Status, string? Job, int PartsDone, int Parts)
{
    public static readonly BaselineView Completed = new("completed", null, 0, 0);

    public static BaselineView Of(Core.Jobs.Job job, int partsDone) => new(Core.Jobs.Job.Word(job.Status), job.Id, partsDone, job.Parts);
}

/// <summary>What a drip or trigger did with one change: the change's sequence, the contact, its kind and instant.</summary>
public sealed record RecordView(long Change, string Contact, string Kind, string At)
{
    public static RecordView From(ConsumerRecord r) => new(r.Change, r.ContactId, MembershipChange.Word(r.Kind), Rfc3339.Format(r.At));
}

/// <summary>A page of a drip's enrollments or a trigger's firings in change order; ask again with <c>since=next</c>.</summary>
public sealed record RecordPage(string Id, IReadOnlyList<RecordView> Records, long Next);

/// <summary>The body of <c>PUT /api/drips/{id}</c>: the segment whose entering contacts are enrolled.</summary>
public sealed record DripRequest([property: Required] string Segment) : IRequestShape;

/// <summary>The body of <c>PUT /api/triggers/{id}</c>: the segment, and which change fires the trigger.</summary>
public sealed record TriggerRequest([property: Required] string Segment, [property: Required, AllowedValues("entered", "left")] string On)
    : IRequestShape;

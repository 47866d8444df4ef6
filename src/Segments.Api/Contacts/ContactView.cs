using System.Text.Json.Serialization;
using Segments.Engine.Documents;
using Segments.Engine.Model;

namespace Segments.Api.Contacts;

/// <summary>
/// A contact as <c>GET /api/contacts/{id}</c> shows it: the profile, a summary of the folded activity, the explicit
/// suppressions and the most recent retained events, newest first (the console's timeline). Times are RFC 3339 UTC.
/// </summary>
public sealed record ContactView(
    string Id,
    string? Email,
    string? FirstName,
    string? LastName,
    string? CreatedAt,
    IReadOnlyDictionary<string, object?> Fields,
    IReadOnlyDictionary<string, string> Lists,
    ActivityView Activity,
    IReadOnlyList<SuppressionView> Suppressions,
    IReadOnlyList<EventView> Events)
{
    /// <summary>How many of the retained events the view lists: a timeline to read, not an export.</summary>
    public const int TimelineLength = 200;

    public static ContactView From(ContactDocument contact, IReadOnlyList<Suppression> suppressions) => new(
        contact.Id,
        contact.Email,
        contact.FirstName,
        contact.LastName,
        Time(contact.CreatedAt.DateTicks),
        contact.Fields.Items.ToDictionary(f => f.Key, f => f.Value.ToPlain()),
        contact.Lists.ToDictionary(),
        new ActivityView(
            contact.Events.Length,
            contact.Compacted.Sum(c => c.Count),
            Time(contact.NewestAt == long.MinValue ? null : contact.NewestAt),
            OptOuts(contact, contact.ListChanges.Where(c => c.ListId is not null).Select(c => c.ListId!).Distinct()),
            contact.Suppressions.Select(s => KeyValuePair.Create(s.Key.ToWord(), Time(s.Value)!))
                .Concat(OptOuts(contact, contact.OptedOutSince(null, long.MaxValue) is null ? [] : [null])
                    .Select(o => KeyValuePair.Create(SuppressionReason.Unsubscribed.ToWord(), o.Value)))
                .ToDictionary()),
        [.. suppressions.Select(s => new SuppressionView(s.Reason.ToWord(), Rfc3339.Format(s.At)))],
        [.. contact.Events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id, StringComparer.Ordinal).Take(TimelineLength).Select(EventView.From)]);

    /// <summary>The lists (null: global) the contact is opted out of by its latest events, each with since when.</summary>
    private static Dictionary<string, string> OptOuts(ContactDocument contact, IEnumerable<string?> lists) =>
        lists.Select(l => (List: l, Since: contact.OptedOutSince(l, long.MaxValue)))
            .Where(o => o.Since is not null)
            .ToDictionary(o => o.List ?? "", o => Time(o.Since)!);

    private static string? Time(long? ticks) => ticks is { } t ? Rfc3339.Format(new DateTimeOffset(t, TimeSpan.Zero)) : null;
}

/// <summary>
/// What the fold kept: retained events, events compacted into totals, the newest event time, list opt-outs and
/// suppressions implied by events (hard bounces, complaints, global unsubscribes), each with its earliest time.
/// </summary>
public sealed record ActivityView(
    int Events,
    long CompactedEvents,
    string? NewestAt,
    IReadOnlyDictionary<string, string> ListOptOuts,
    IReadOnlyDictionary<string, string> ImpliedSuppressions);

public sealed record SuppressionView(string Reason, string At);

/// <summary>One retained event of a contact: what happened, when, and its properties.</summary>
public sealed record EventView(
    string Id,
    string Kind,
    string Name,
    string At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CampaignId,
    IReadOnlyDictionary<string, object?> Properties)
{
    public static EventView From(FoldedEvent e) => new(
        e.Id,
        e.Info.Kind.ToString().ToLowerInvariant(),
        e.Info.Name,
        Rfc3339.Format(new DateTimeOffset(e.At, TimeSpan.Zero)),
        e.Info.CampaignId,
        e.Info.Properties.Items.ToDictionary(p => p.Key, p => p.Value.ToPlain()));
}

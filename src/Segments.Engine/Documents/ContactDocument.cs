using Segments.Engine.Model;

namespace Segments.Engine.Documents;

/// <summary>
/// A contact as segments read it: the profile, and the activity folded from its events. The fold
/// (<see cref="ContactFolder"/>) keeps it exact, idempotent and bounded; evaluation reads it directly.
/// Immutable: the fold and a profile upsert make a new document (<c>with</c>, which copies every property), so a store
/// may hand out the instance it holds and a reader can never change what another sees.
/// </summary>
public sealed record ContactDocument(string Id)
{
    public string? Email { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    /// <summary>The built-in <c>created_at</c>, as a date-valued scalar.</summary>
    public ScalarValue CreatedAt { get; init; }

    public PropertyBag Fields { get; init; } = PropertyBag.Empty;

    /// <summary>The recorded list statuses, as last upserted.</summary>
    public KeyValuePair<string, string>[] Lists { get; init; } = [];

    /// <summary>Retained events, ordered by <see cref="FoldedEvent.Compare"/>.</summary>
    public FoldedEvent[] Events
    {
        get;
        init
        {
            field = value;
            _eventsSignature = 0;
            foreach (var e in value)
            {
                _eventsSignature |= e.Info.Signature;
            }
        }
    } = [];

    /// <summary>
    /// Every <c>subscribe</c> and <c>unsubscribe</c> email event, by the list it names (<c>properties.listId</c>; null for
    /// none, the global opt-out), in <see cref="ListChange.Compare"/> order. Kept whole, not compacted: a status at T is
    /// the last change at or before T, so no change can be summed away.
    /// </summary>
    public ListChange[] ListChanges { get; init; } = [];

    /// <summary>The earliest suppression each kind of event implied (hard bounce, complaint).</summary>
    public KeyValuePair<SuppressionReason, long>[] Suppressions { get; init; } = [];

    /// <summary>Totals of the events compacted away beyond the horizon (see <see cref="ContactFolder"/>).</summary>
    public CompactedTotal[] Compacted
    {
        get;
        init
        {
            field = value;
            _compactedSignature = 0;
            foreach (var total in value)
            {
                _compactedSignature |= EventSignature.Of(total);
            }
        }
    } = [];

    // Kept with the arrays they summarise (a document never changes), so evaluation reads them for free.
    private readonly ulong _eventsSignature;
    private readonly ulong _compactedSignature;

    /// <summary>What kinds and names of events the document holds, retained or compacted (<see cref="EventSignature"/>).</summary>
    public ulong Signature => _eventsSignature | _compactedSignature;

    /// <summary>The newest event time folded (UTC ticks); <see cref="long.MinValue"/> when none.</summary>
    public long NewestAt { get; init; } = long.MinValue;

    /// <summary>This document with <paramref name="profile"/> in place of its profile, its activity kept.</summary>
    public ContactDocument WithProfile(ContactProfile profile) => profile.Id != Id
        ? throw new ArgumentException($"profile of contact '{profile.Id}' given to document '{Id}'", nameof(profile))
        : this with
        {
            Email = profile.Email,
            FirstName = profile.FirstName,
            LastName = profile.LastName,
            CreatedAt = CreatedAtValue(profile.CreatedAt),
            Fields = profile.Fields,
            Lists = ListsInOrder(profile.Lists),
        };

    /// <summary>A profile's <c>createdAt</c> as the document holds it.</summary>
    public static ScalarValue CreatedAtValue(DateTimeOffset? createdAt) => createdAt is { } created
        ? new ScalarValue(ValueKind.Text, created.ToString("O"), 0, created.UtcTicks)
        : ScalarValue.Missing;

    /// <summary>A profile's list statuses as the document holds them.</summary>
    public static KeyValuePair<string, string>[] ListsInOrder(IReadOnlyDictionary<string, string> lists) =>
        lists.OrderBy(l => l.Key, StringComparer.Ordinal).ToArray();

    /// <summary>A profile field by name: the built-ins first, then the custom fields.</summary>
    public ScalarValue GetField(string name) => name switch
    {
        "email" => Text(Email),
        "first_name" => Text(FirstName),
        "last_name" => Text(LastName),
        "created_at" => CreatedAt,
        _ => Fields.Get(name),
    };

    private static ScalarValue Text(string? value) => value is null ? ScalarValue.Missing : new ScalarValue(ValueKind.Text, value, 0, null);

    /// <summary>The recorded status on a list (null without a record).</summary>
    public string? RecordedListStatus(string listId)
    {
        foreach (var list in Lists)
        {
            if (string.Equals(list.Key, listId, StringComparison.Ordinal))
            {
                return list.Value;
            }
        }
        return null;
    }

    /// <summary>
    /// The status on a list as of T: the recorded one, then each <c>subscribe</c> or <c>unsubscribe</c> event for that list
    /// at or before T in time order (ties: the larger event id last); the last one wins.
    /// </summary>
    public string? ListStatusAt(string listId, long asOf)
    {
        ListChange? last = null;
        foreach (var change in ListChanges)
        {
            if (string.Equals(change.ListId, listId, StringComparison.Ordinal) && change.At <= asOf)
            {
                last = change;
            }
        }
        return last is { } l ? l.Status : RecordedListStatus(listId);
    }

    /// <summary>
    /// Since when the contact has been opted out by events at T, of a list or (<paramref name="listId"/> null) globally,
    /// the event-implied <c>unsubscribed</c> suppression: null when the latest change at or before T is a
    /// <c>subscribe</c> (or there is none); else the first <c>unsubscribe</c> after the latest <c>subscribe</c> (or the
    /// first of all).
    /// </summary>
    public long? OptedOutSince(string? listId, long asOf)
    {
        long? since = null;
        foreach (var change in ListChanges)
        {
            if (string.Equals(change.ListId, listId, StringComparison.Ordinal) && change.At <= asOf)
            {
                since = change.Subscribes ? null : since ?? change.At;
            }
        }
        return since;
    }
}

/// <summary>A <c>subscribe</c> or <c>unsubscribe</c> event: the list it names (null: none), when, its id, which of the two.</summary>
public readonly record struct ListChange(string? ListId, long At, string EventId, bool Subscribes)
{
    public string Status => Subscribes ? ListStatuses.Subscribed : ListStatuses.Unsubscribed;

    /// <summary>By list (no list first), then time, then event id (ordinal): the order changes apply in.</summary>
    public static int Compare(ListChange a, ListChange b)
    {
        var c = string.CompareOrdinal(a.ListId, b.ListId);
        c = c != 0 ? c : a.At.CompareTo(b.At);
        return c != 0 ? c : string.CompareOrdinal(a.EventId, b.EventId);
    }
}

/// <summary>
/// Events folded into totals once older than the horizon: by kind, name, email action, campaign and whether they are
/// machine opens (which engagement counts only when asked to).
/// </summary>
public sealed record CompactedTotal(
    EventKind Kind, string Name, EmailAction Action, string? CampaignId, string? AttributedCampaign, long Count, double ValueSum, long NewestAt,
    bool Machine = false);

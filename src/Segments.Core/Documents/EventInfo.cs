using Segments.Core.Model;

namespace Segments.Core.Documents;

/// <summary>
/// Everything about a folded event except its id and time. Events with identical content share one
/// instance (see <see cref="EventInfoPool"/>): a campaign's <c>sent</c> to a million contacts is one object.
/// </summary>
public sealed record EventInfo(
    EventKind Kind,
    string Name,
    EmailAction Action,
    string? CampaignId,
    PropertyBag Properties,
    TextBag? Geo,
    TextBag? Device,
    double? Value,
    string? Currency)
{
    /// <summary>
    /// For conversions: the campaign the conversion is attributed to (its own <see cref="CampaignId"/>, else
    /// the last click's), decided when folding; null when unattributed.
    /// </summary>
    public string? AttributedCampaign { get; init; }

    public bool IsClickWithCampaign => Kind == EventKind.Email && Action == EmailAction.Click && CampaignId is not null;

    public TextBag? Context(bool device) => device ? Device : Geo;

    public static EventInfo From(ContactEvent e) => new(
        e.Kind,
        e.Name,
        e.Kind == EventKind.Email ? EventNames.ParseEmailAction(e.Name) : EmailAction.Other,
        e.CampaignId,
        e.Properties,
        e.Geo,
        e.Device,
        e.Value,
        e.Currency)
    {
        AttributedCampaign = e.Kind == EventKind.Conversion ? e.CampaignId : null,
    };
}

/// <summary>One folded event: its time (UTC ticks), id and shared content.</summary>
public readonly record struct FoldedEvent(long At, string Id, EventInfo Info)
{
    /// <summary>Documents keep events ordered by time, then id (ordinal), which also breaks ties the way the language says.</summary>
    public static int Compare(FoldedEvent a, FoldedEvent b)
    {
        var c = a.At.CompareTo(b.At);
        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    }
}

/// <summary>
/// Shares identical <see cref="EventInfo"/> instances between events and contacts, so that a large
/// population of folded contacts held in memory stores each distinct content once. Bounded: past
/// <see cref="Capacity"/> distinct contents it stops sharing rather than grow.
/// </summary>
public sealed class EventInfoPool(int capacity = 1_000_000)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<EventInfo, EventInfo> _items = new();

    public int Capacity => capacity;

    public int Count => _items.Count;

    public EventInfo Share(EventInfo info) =>
        _items.TryGetValue(info, out var shared) ? shared
        : _items.Count < capacity ? _items.GetOrAdd(info, info)
        : info;
}

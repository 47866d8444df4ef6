using Segments.Engine.Model;

namespace Segments.Engine.Documents;

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

    /// <summary>See <see cref="ContactEvent.Bot"/>: a bot's open or click is not engagement.</summary>
    public bool Bot { get; init; }

    /// <summary>
    /// This content's slot in <see cref="EventInfoPool.Shared"/> (−1 when not shared): compiled conditions cache
    /// their verdict per slot. Not part of equality, and not copied by <c>with</c>.
    /// </summary>
    public int SharedIndex { get; private set; } = -1;

    internal void SetSharedIndex(int index) => SharedIndex = index;

    /// <summary>The copy behind <c>with</c>: a changed copy is other content, so it leaves the pool slot behind.</summary>
    private EventInfo(EventInfo original)
    {
        Kind = original.Kind;
        Name = original.Name;
        Action = original.Action;
        CampaignId = original.CampaignId;
        Properties = original.Properties;
        Geo = original.Geo;
        Device = original.Device;
        Value = original.Value;
        Currency = original.Currency;
        AttributedCampaign = original.AttributedCampaign;
        Bot = original.Bot;
    }

    public bool Equals(EventInfo? other) =>
        other is not null && (ReferenceEquals(this, other) || (Kind == other.Kind && Action == other.Action && Value == other.Value
            && Name == other.Name && CampaignId == other.CampaignId && AttributedCampaign == other.AttributedCampaign
            && Currency == other.Currency && Bot == other.Bot && Properties.Equals(other.Properties) && Geo == other.Geo && Device == other.Device));

    // Kept once computed, like the signature and the stored form: a content is never changed once made (init only;
    // `with` makes a new one, whose copy constructor copies none of these), and the fold hashes each event's content
    // again whenever it writes the document holding it.
    public override int GetHashCode() => _hash != 0
        ? _hash
        : _hash = HashCode.Combine(Kind, Name, Action, CampaignId, AttributedCampaign, Properties, Geo, HashCode.Combine(Device, Bot));

    private int _hash;

    private ulong _signature;

    /// <summary>This content as the stored forms write it (<see cref="ContactDocumentJson.SerializeInfo"/>), once written.</summary>
    internal byte[]? StoredJson { get; set; }

    /// <summary>This content's bits in a document's <see cref="EventSignature"/> (computed once per shared content).</summary>
    public ulong Signature => _signature != 0 ? _signature : _signature = EventSignature.Of(this);

    /// <summary>
    /// An open fetched by a privacy proxy or a security scanner, not a person: <c>properties.machine</c> is the JSON
    /// value <c>true</c> (set by ingestion for the sources it recognises, or by the sender).
    /// </summary>
    public bool IsMachineOpen =>
        Kind == EventKind.Email && Action == EmailAction.Open && Properties.Get("machine") is { Kind: ValueKind.Boolean, Boolean: true };

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
        Bot = e.Bot,
    };
}

/// <summary>One folded event: its time (UTC ticks), id and shared content.</summary>
public readonly record struct FoldedEvent(long At, string Id, EventInfo Info)
{
    /// <summary>The event as delivered, for a contact (the fold's attribution is not part of it).</summary>
    public ContactEvent ToEvent(string contactId) => new()
    {
        Id = Id,
        ContactId = contactId,
        Kind = Info.Kind,
        Name = Info.Name,
        At = new DateTimeOffset(At, TimeSpan.Zero),
        CampaignId = Info.CampaignId,
        Properties = Info.Properties,
        Geo = Info.Geo,
        Device = Info.Device,
        Value = Info.Value,
        Currency = Info.Currency,
        Bot = Info.Bot,
    };

    /// <summary>Documents keep events ordered by time, then id (ordinal), which also breaks ties the way the language says.</summary>
    public static int Compare(FoldedEvent a, FoldedEvent b)
    {
        var c = a.At.CompareTo(b.At);
        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    }
}

/// <summary>
/// Shares identical <see cref="EventInfo"/> instances between events and contacts, so that a large
/// population of folded contacts held in memory stores each distinct content once, and numbers each
/// content so that compiled conditions can cache their verdict per content. One pool serves the process
/// (<see cref="Shared"/>), so numbers never collide. Bounded: past <see cref="Capacity"/> distinct contents
/// it stops sharing rather than grow.
/// </summary>
public sealed class EventInfoPool
{
    public static readonly EventInfoPool Shared = new(1_000_000);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<EventInfo, EventInfo> _items = new();
    private int _next = -1;

    private EventInfoPool(int capacity) => Capacity = capacity;

    public int Capacity { get; }

    public int Count => _items.Count;

    public EventInfo Share(EventInfo info)
    {
        if (_items.TryGetValue(info, out var shared))
        {
            return shared;
        }
        if (_items.Count >= Capacity)
        {
            return info;
        }
        // Numbered before it is published; if another thread adds equal content first, this number is
        // simply never used.
        info.SetSharedIndex(Interlocked.Increment(ref _next));
        return _items.GetOrAdd(info, info);
    }
}

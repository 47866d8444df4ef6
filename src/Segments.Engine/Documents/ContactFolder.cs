using System.Runtime.InteropServices;
using Segments.Engine.Model;

namespace Segments.Engine.Documents;

public sealed record FoldOptions
{
    /// <summary>
    /// How far behind the newest event a document keeps events one by one. Every condition is exact for
    /// windows that reach back no further than this from the newest event (see <see cref="ContactFolder"/>).
    /// </summary>
    public TimeSpan Horizon { get; init; } = TimeSpan.FromDays(400);

    /// <summary>The tenant's attribution window: a click this long before a conversion (inclusive) still counts.</summary>
    public TimeSpan AttributionWindow { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// A hard cap on retained events, so a runaway contact cannot outgrow a Cosmos DB item (2 MB): at about 65 bytes
    /// a stored event (GUID-long ids), 10,000 events and their shared contents stay under 1 MB.
    /// </summary>
    public int MaxRetainedEvents { get; init; } = 10_000;
}

/// <summary>
/// What one fold did with a batch of events for one contact: the folded <see cref="Document"/> (the one given when
/// nothing changed), and in <see cref="Touched"/> the parts of it the fold changed: the events added, conversions
/// attributed anew and events compacted, and lists opted out of.
/// </summary>
public sealed record FoldOutcome(
    ContactDocument Document, int Added, int Duplicates, IReadOnlyList<(ContactEvent Event, string Reason)> Refused, ContactParts Touched)
{
    public bool Changed => Added > 0;
}

/// <summary>
/// Folds events into a <see cref="ContactDocument"/>, giving a new document.
/// <list type="bullet">
/// <item>Idempotent: an event id counts once per contact. Repeated deliveries carry identical content, so a
/// delivery is a repeat exactly when the document already holds that (time, id).</item>
/// <item>Order-independent: events are kept sorted by (time, id); implied suppressions and list opt-outs keep the
/// earliest time; conversion attribution is recomputed from the retained clicks whenever a click or conversion
/// arrives. Any arrival order gives the same document.</item>
/// <item>Bounded: events older than <see cref="FoldOptions.Horizon"/> (400 days) behind the newest event are
/// compacted into per-(kind, name, campaign) totals (clicks are kept one attribution window longer, so
/// attribution of retained conversions stays exact). Beyond the horizon, conditions without <c>within</c>
/// still count compacted events by name and campaign (and conversion values), but <c>where</c>, geo and device
/// see only retained events, and an evaluation as of a time inside the compacted past cannot see compacted events.
/// A delivery older than the horizon behind the newest event is refused (the caller dead-letters it): its id is
/// no longer known, so counting it could count a repeat twice.</item>
/// </list>
/// </summary>
public sealed class ContactFolder(FoldOptions options)
{
    private readonly long _horizon = options.Horizon.Ticks;
    private readonly long _attributionWindow = options.AttributionWindow.Ticks;

    private static readonly Comparer<ListChange> ByTimeAndId = Comparer<ListChange>.Create(ListChange.Compare);

    public FoldOptions Options => options;

    public FoldOutcome Fold(ContactDocument document, IReadOnlyList<ContactEvent> events)
    {
        var folded = new List<FoldedEvent>(events.Count);
        foreach (var e in events)
        {
            if (e.ContactId != document.Id)
            {
                throw new ArgumentException($"event '{e.Id}' of contact '{e.ContactId}' folded into contact '{document.Id}'", nameof(events));
            }
            folded.Add(new FoldedEvent(e.At.UtcTicks, e.Id, Share(EventInfo.From(e))));
        }
        return Fold(document, folded, events);
    }

    /// <summary>
    /// Folds events whose contents are already shared through <see cref="EventInfoPool.Shared"/> (the offline reader
    /// shares each distinct content once, not once per event).
    /// </summary>
    public FoldOutcome Fold(ContactDocument document, IReadOnlyList<FoldedEvent> events) => Fold(document, events, null);

    /// <param name="delivered">
    /// The events as delivered, one for each of <paramref name="events"/> (what a refusal reports); null to report the
    /// folded event as an event (a list, not a function: a closure was two objects every fold).
    /// </param>
    private FoldOutcome Fold(ContactDocument document, IReadOnlyList<FoldedEvent> events, IReadOnlyList<ContactEvent>? delivered)
    {
        // A document that has never had an event (NewestAt unset: every contact of an offline read) refuses nothing, so
        // what it is given is sorted without a copy first.
        var refused = new List<(ContactEvent, string)>();
        var kept = events;
        if (document.NewestAt != long.MinValue)
        {
            var lateBefore = document.NewestAt - _horizon;
            var onTime = new List<FoldedEvent>(events.Count);
            for (var k = 0; k < events.Count; k++)
            {
                if (events[k].At < lateBefore)
                {
                    refused.Add((delivered?[k] ?? events[k].ToEvent(document.Id), $"arrived more than {options.Horizon.TotalDays:0} days behind the contact's newest event"));
                    continue;
                }
                onTime.Add(events[k]);
            }
            kept = onTime;
        }
        var incoming = SortedByTimeAndId(kept);

        var existing = document.Events;
        var merged = new List<FoldedEvent>(existing.Length + incoming.Count);
        // Into a document without events every event kept is added: the merged list serves as both, read as the added
        // events before attribution and compaction change it.
        var added = existing.Length == 0 ? merged : new List<FoldedEvent>(incoming.Count);
        int i = 0, duplicates = 0;
        for (var j = 0; j < incoming.Count; j++)
        {
            var e = incoming[j];
            if (j > 0 && FoldedEvent.Compare(incoming[j - 1], e) == 0)
            {
                duplicates++;
                continue;
            }
            while (i < existing.Length && FoldedEvent.Compare(existing[i], e) < 0)
            {
                merged.Add(existing[i++]);
            }
            if (i < existing.Length && FoldedEvent.Compare(existing[i], e) == 0)
            {
                duplicates++;
                continue;
            }
            merged.Add(e);
            if (added != merged)
            {
                added.Add(e);
            }
        }
        if (added.Count == 0)
        {
            return new FoldOutcome(document, 0, duplicates, refused, ContactParts.None);
        }
        while (i < existing.Length)
        {
            merged.Add(existing[i++]);
        }

        // Most folds change no list: then no set of lists and the same list changes.
        var touched = 0UL;
        HashSet<string>? lists = null;
        var suppressions = document.Suppressions;
        List<ListChange>? changes = null;
        foreach (var e in added)
        {
            touched |= e.Info.Signature;
            if (ApplyImpliedEffects(e, ref suppressions, ref changes) is { } list)
            {
                (lists ??= new HashSet<string>(StringComparer.Ordinal)).Add(list);
            }
        }
        var listChanges = changes is null ? document.ListChanges : [.. document.ListChanges.Concat(changes).Order(ByTimeAndId)];
        var addedCount = added.Count;
        if (added.Exists(e => e.Info.IsClickWithCampaign || e.Info.Kind == EventKind.Conversion))
        {
            touched |= Attribute(merged);
        }
        var newestAt = Math.Max(document.NewestAt, merged[^1].At);
        var compacted = document.Compacted;
        touched |= Compact(newestAt, merged, ref compacted);
        var folded = document with
        {
            Events = [.. merged],
            NewestAt = newestAt,
            Suppressions = suppressions,
            ListChanges = listChanges,
            Compacted = compacted,
        };
        var parts = ContactParts.OfEvents(touched);
        return new FoldOutcome(folded, addedCount, duplicates, refused, lists is null ? parts : parts with { Lists = lists });
    }

    private static EventInfo Share(EventInfo info) => EventInfoPool.Shared.Share(info);

    /// <summary>
    /// The events in <see cref="FoldedEvent.Compare"/> order: their positions sorted by time as primitive keys, then each
    /// run of equal times by id. Sorting the events themselves through the comparison delegate (each swap two
    /// references written through the GC's barrier) was half of the offline command's fold.
    /// </summary>
    private static List<FoldedEvent> SortedByTimeAndId(IReadOnlyList<FoldedEvent> events)
    {
        var count = events.Count;
        Span<long> times = count <= 512 ? stackalloc long[count] : new long[count];
        Span<int> order = count <= 512 ? stackalloc int[count] : new int[count];
        for (var i = 0; i < count; i++)
        {
            times[i] = events[i].At;
            order[i] = i;
        }
        times.Sort(order);
        var sorted = new List<FoldedEvent>(count);
        foreach (var i in order)
        {
            sorted.Add(events[i]);
        }
        var span = CollectionsMarshal.AsSpan(sorted);
        for (var start = 0; start < count;)
        {
            var end = start + 1;
            while (end < count && times[end] == times[start])
            {
                end++;
            }
            if (end - start > 1)
            {
                span[start..end].Sort(FoldedEvent.Compare);
            }
            start = end;
        }
        return sorted;
    }

    /// <summary>
    /// Hard bounces and complaints imply suppressions from their time on; subscribes and unsubscribes are list changes
    /// (of the list they name, else of the global opt-out). Returns the list a change names.
    /// </summary>
    private static string? ApplyImpliedEffects(in FoldedEvent e, ref KeyValuePair<SuppressionReason, long>[] suppressions, ref List<ListChange>? changes)
    {
        var info = e.Info;
        // The action alone decides: EventInfo.From gives every event but an email's EmailAction.Other.
        switch (info.Action)
        {
            case EmailAction.Bounce when info.Properties.Get("bounceType") is { Kind: ValueKind.Text, Text: "hard" }:
                suppressions = KeepEarliest(suppressions, SuppressionReason.HardBounce, e.At);
                break;
            case EmailAction.Complaint:
                suppressions = KeepEarliest(suppressions, SuppressionReason.Complaint, e.At);
                break;
            case EmailAction.Unsubscribe or EmailAction.Subscribe:
                var listId = info.Properties.Get("listId") is { Kind: ValueKind.Text, Text: { } id } ? id : null;
                (changes ??= []).Add(new ListChange(listId, e.At, e.Id, info.Action == EmailAction.Subscribe));
                return listId;
        }
        return null;
    }

    private static KeyValuePair<TKey, long>[] KeepEarliest<TKey>(KeyValuePair<TKey, long>[] marks, TKey key, long at)
    {
        for (var k = 0; k < marks.Length; k++)
        {
            if (EqualityComparer<TKey>.Default.Equals(marks[k].Key, key))
            {
                marks = [.. marks]; // A copy even when the mark holds: the document given is never changed.
                marks[k] = new(key, Math.Min(at, marks[k].Value));
                return marks;
            }
        }
        return [.. marks, new(key, at)];
    }

    /// <summary>
    /// A conversion without its own campaign goes to the campaign of the most recent click carrying one, at or
    /// before it and at most the attribution window before it; ties go to the larger event id, which the
    /// (time, id) order puts last.
    /// </summary>
    /// <returns>The signature bits of the conversions whose attribution changed.</returns>
    private ulong Attribute(List<FoldedEvent> events)
    {
        var touched = 0UL;
        for (var c = 0; c < events.Count; c++)
        {
            var conversion = events[c];
            if (conversion.Info.Kind != EventKind.Conversion || conversion.Info.CampaignId is not null)
            {
                continue;
            }
            var last = c;
            while (last + 1 < events.Count && events[last + 1].At == conversion.At)
            {
                last++;
            }
            string? campaign = null;
            for (var k = last; k >= 0 && events[k].At >= conversion.At - _attributionWindow; k--)
            {
                if (events[k].Info.IsClickWithCampaign)
                {
                    campaign = events[k].Info.CampaignId;
                    break;
                }
            }
            if (campaign != conversion.Info.AttributedCampaign)
            {
                events[c] = conversion with { Info = Share(conversion.Info with { AttributedCampaign = campaign }) };
                touched |= conversion.Info.Signature;
            }
        }
        return touched;
    }

    /// <returns>The signature bits of the events compacted (or, a bot's email events, dropped).</returns>
    private ulong Compact(long newestAt, List<FoldedEvent> events, ref CompactedTotal[] compacted)
    {
        var cutoff = newestAt - _horizon;
        var overCap = Math.Max(0, events.Count - options.MaxRetainedEvents);
        var removed = 0;
        var touched = 0UL;
        Dictionary<(EventKind, string, EmailAction, string?, string?, bool), CompactedTotal>? totals = null;
        // The events kept moved forward in place (a loop, not RemoveAll: its closure was two objects every fold).
        var all = CollectionsMarshal.AsSpan(events);
        var kept = 0;
        foreach (var e in all)
        {
            var keepUntil = e.Info.IsClickWithCampaign ? cutoff - _attributionWindow : cutoff;
            if (e.At >= keepUntil && removed >= overCap)
            {
                all[kept++] = e;
                continue;
            }
            removed++;
            var info = e.Info;
            touched |= info.Signature;
            if (info.Bot && info.Kind == EventKind.Email)
            {
                continue; // Engagement never counts a bot's email event, so its total would only mislead.
            }
            totals ??= Totals(compacted);
            var key = (info.Kind, info.Name.ToLowerInvariant(), info.Action, info.CampaignId, info.AttributedCampaign, info.IsMachineOpen);
            totals[key] = totals.TryGetValue(key, out var t)
                ? t with { Count = t.Count + 1, ValueSum = t.ValueSum + (info.Value ?? 0), NewestAt = Math.Max(t.NewestAt, e.At) }
                : new CompactedTotal(key.Item1, key.Item2, key.Item3, key.Item4, key.Item5, 1, info.Value ?? 0, e.At, key.Item6);
        }
        events.RemoveRange(kept, events.Count - kept);
        if (totals is not null)
        {
            // The canonical order; no key for the action, which the kind and the (case-folded) name decide.
            compacted = [.. totals.Values
                .OrderBy(t => t.Kind).ThenBy(t => t.Name, StringComparer.Ordinal)
                .ThenBy(t => t.CampaignId, StringComparer.Ordinal).ThenBy(t => t.AttributedCampaign, StringComparer.Ordinal).ThenBy(t => t.Machine)];
        }
        return touched;
    }

    /// <summary>The totals compacted before, by key, for the events compacted now to add to.</summary>
    private static Dictionary<(EventKind, string, EmailAction, string?, string?, bool), CompactedTotal> Totals(CompactedTotal[] compacted)
    {
        var totals = new Dictionary<(EventKind, string, EmailAction, string?, string?, bool), CompactedTotal>();
        foreach (var t in compacted)
        {
            totals[(t.Kind, t.Name, t.Action, t.CampaignId, t.AttributedCampaign, t.Machine)] = t;
        }
        return totals;
    }
}

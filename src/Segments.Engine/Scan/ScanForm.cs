using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Segments.Engine.Documents;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Engine.Scan;

/// <summary>
/// A partition's folded contacts laid out for sequential evaluation: derived from the documents (<see cref="Build"/>),
/// never the source of truth. Contacts are numbered 0..<see cref="Count"/>−1; every per-contact part is an array
/// indexed by that number (struct of arrays), and the variable-length parts live in contiguous arenas addressed by
/// start offsets (<c>Start[c]</c> to <c>Start[c + 1]</c>):
/// <list type="bullet">
/// <item>Events in one byte arena, a contact's in four streams (<see cref="ScanStream"/>): its email events, its pixel
/// events, its conversions, and again the events carrying geo or device; a condition walks only the stream its events
/// can be in. A stream is newest first (the document's order reversed), per event the time as a varint delta in
/// <see cref="Unit"/>s from the previous (newer) event, the first from <see cref="Top"/>, then a varint index into
/// <see cref="Contents"/>, the partition's table of distinct event contents. Event ids are left behind: the fold has
/// already removed duplicate deliveries (one event per id) and the language never reads an id, only the order ids
/// break ties in, which each stream keeps.</item>
/// <item>Profile fields as columns: per field an index per contact into the field's distinct values (−1: missing),
/// so a predicate runs once per distinct value.</item>
/// <item>List records and list changes (time order kept), compacted totals, event-implied suppression marks: small
/// arenas, empty for most contacts.</item>
/// </list>
/// </summary>
public sealed class ScanForm
{
    private static readonly string[] BuiltInFields = ["email", "first_name", "last_name", "created_at"];

    private readonly byte[] _ids;
    private readonly int[] _idStart;
    private readonly Dictionary<string, FieldColumn> _fields;
    private readonly Dictionary<string, int> _listIndex;
    private readonly ConcurrentDictionary<string, byte[]> _buckets = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<object, ContentVerdicts> _verdicts = new();
    private readonly Lazy<int[]> _idTable;

    private ScanForm(Builder b)
    {
        Count = b.Count;
        _ids = b.Ids.ToArray();
        _idStart = [.. b.IdStart];
        Signatures = [.. b.Signatures];
        EventStart = [.. b.EventStart];
        Events = b.Events.ToArray();
        Top = b.Top;
        Unit = b.Unit;
        Contents = [.. b.Contents];
        CompactedStart = [.. b.CompactedStart];
        Compacted = [.. b.Compacted];
        ListStart = [.. b.ListStart];
        Lists = [.. b.Lists];
        ChangeStart = [.. b.ChangeStart];
        Changes = [.. b.Changes];
        SuppressionStart = [.. b.SuppressionStart];
        Suppressions = [.. b.Suppressions];
        ListIds = [.. b.ListIds];
        Statuses = [.. b.Statuses];
        _listIndex = b.ListIndex;
        _fields = b.Fields.Where(f => f.Value.Values.Count > 0)
            .ToDictionary(f => f.Key, f => new FieldColumn([.. f.Value.Index], [.. f.Value.Values]), StringComparer.Ordinal);
        Bytes = ComputeBytes();
        _idTable = new Lazy<int[]>(BuildIdTable);
    }

    public int Count { get; }

    /// <summary>The memory the form holds (its arrays, tables and texts; shared event contents as references).</summary>
    public long Bytes { get; }

    internal ulong[] Signatures { get; }

    /// <summary>Where contact c's stream s starts in <see cref="Events"/>: <c>EventStart[c * Streams + s]</c> (it ends where the next starts).</summary>
    internal int[] EventStart { get; }

    internal byte[] Events { get; }

    /// <summary>The newest event time in the partition (UTC ticks), which each contact's first delta counts from.</summary>
    internal long Top { get; }

    /// <summary>The time unit of the deltas in ticks: the coarsest of a second, a millisecond or a tick dividing every time.</summary>
    internal long Unit { get; }

    internal EventInfo[] Contents { get; }

    internal int[] CompactedStart { get; }

    internal CompactedTotal[] Compacted { get; }

    internal int[] ListStart { get; }

    /// <summary>Recorded list statuses: indices into <see cref="ListIds"/> and <see cref="Statuses"/>, in the document's order.</summary>
    internal (int List, int Status)[] Lists { get; }

    internal int[] ChangeStart { get; }

    internal ScanListChange[] Changes { get; }

    internal string[] ListIds { get; }

    internal string[] Statuses { get; }

    internal int[] SuppressionStart { get; }

    internal KeyValuePair<SuppressionReason, long>[] Suppressions { get; }

    /// <summary>Builds the form of these folded contacts, numbered in the order given.</summary>
    public static ScanForm Build(IReadOnlyList<ContactDocument> contacts)
    {
        var builder = new Builder(contacts);
        foreach (var contact in contacts)
        {
            builder.Add(contact);
        }
        return new ScanForm(builder);
    }

    public string Id(int contact) => Encoding.UTF8.GetString(_ids, _idStart[contact], _idStart[contact + 1] - _idStart[contact]);

    /// <summary>The number of the contact with this id, −1 when the form has none (a hash table built at the first call).</summary>
    public int IndexOf(string id)
    {
        var table = _idTable.Value;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(id.Length) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(id, buffer)] : Encoding.UTF8.GetBytes(id);
        for (var slot = Slot(bytes, table.Length); table[slot] != 0; slot = (slot + 1) % table.Length)
        {
            var c = table[slot] - 1;
            if (bytes.SequenceEqual(_ids.AsSpan(_idStart[c], _idStart[c + 1] - _idStart[c])))
            {
                return c;
            }
        }
        return -1;
    }

    /// <summary>The contact's email address (the <c>email</c> field), null without one.</summary>
    public string? Email(int contact) =>
        Field("email") is { } column && column.Index[contact] is var k and >= 0 ? column.Values[k].Text : null;

    /// <summary>The contact's event-implied suppression marks (<see cref="ContactDocument.Suppressions"/>).</summary>
    public ArraySegment<KeyValuePair<SuppressionReason, long>> SuppressionMarks(int contact) =>
        new(Suppressions, SuppressionStart[contact], SuppressionStart[contact + 1] - SuppressionStart[contact]);

    /// <summary>As <see cref="ContactDocument.ListStatusAt"/>, for contact number <paramref name="contact"/>.</summary>
    public string? ListStatusAt(int contact, string listId, long asOf) => StatusAt(contact, ListIndex(listId), asOf);

    /// <summary>As <see cref="ContactDocument.OptedOutSince"/> with no list (the global opt-out), for contact number <paramref name="contact"/>.</summary>
    public long? OptedOutSince(int contact, long asOf)
    {
        long? since = null;
        for (var k = ChangeStart[contact]; k < ChangeStart[contact + 1]; k++)
        {
            if (Changes[k].List == -1 && Changes[k].At <= asOf)
            {
                since = Changes[k].Subscribes ? null : since ?? Changes[k].At;
            }
        }
        return since;
    }

    /// <summary>The status on list number <paramref name="list"/> (−1: a list no contact has) at T: the last change at or before T, else the record.</summary>
    internal string? StatusAt(int contact, int list, long asOf)
    {
        if (list < 0)
        {
            return null;
        }
        var last = -1;
        for (var k = ChangeStart[contact]; k < ChangeStart[contact + 1]; k++)
        {
            if (Changes[k].List == list && Changes[k].At <= asOf)
            {
                last = k;
            }
        }
        if (last >= 0)
        {
            return Changes[last].Subscribes ? ListStatuses.Subscribed : ListStatuses.Unsubscribed;
        }
        for (var k = ListStart[contact]; k < ListStart[contact + 1]; k++)
        {
            if (Lists[k].List == list)
            {
                return Statuses[Lists[k].Status];
            }
        }
        return null;
    }

    /// <summary>Open addressing over the UTF-8 ids, twice as many slots as contacts, each the contact's number + 1 (0: free).</summary>
    private int[] BuildIdTable()
    {
        var table = new int[Math.Max(2, 2 * Count)];
        for (var c = 0; c < Count; c++)
        {
            var slot = Slot(_ids.AsSpan(_idStart[c], _idStart[c + 1] - _idStart[c]), table.Length);
            while (table[slot] != 0)
            {
                slot = (slot + 1) % table.Length;
            }
            table[slot] = c + 1;
        }
        return table;
    }

    private static int Slot(ReadOnlySpan<byte> id, int slots)
    {
        var hash = new HashCode();
        hash.AddBytes(id);
        return (int)((uint)hash.ToHashCode() % (uint)slots);
    }

    /// <summary>The column of a profile field (null: missing for every contact).</summary>
    internal FieldColumn? Field(string name) => _fields.GetValueOrDefault(name);

    /// <summary>The index of a list id in <see cref="ListIds"/>; −1 when no contact has a record or change for it.</summary>
    internal int ListIndex(string listId) => _listIndex.TryGetValue(listId, out var index) ? index : -1;

    /// <summary>The number of distinct event contents in <see cref="Contents"/>.</summary>
    public int DistinctContents => Contents.Length;

    /// <summary>
    /// A condition's verdicts per content of this form, kept as long as the condition (the document matcher it
    /// decides with) lives: they do not depend on T, so every binding after the first reuses them.
    /// </summary>
    internal ContentVerdicts Verdicts(object condition, Func<EventInfo, byte> compute) =>
        _verdicts.GetValue(condition, _ => new ContentVerdicts(Contents, compute));

    /// <summary>Every contact's bucket for a seed (<see cref="BucketCondition.Of"/>), computed once per seed.</summary>
    internal byte[] Buckets(string seed) => _buckets.GetOrAdd(seed, s =>
    {
        var buckets = new byte[Count];
        for (var c = 0; c < Count; c++)
        {
            buckets[c] = (byte)BucketCondition.Of(s, Id(c));
        }
        return buckets;
    });

    private long ComputeBytes()
    {
        static long Text(string? s) => s is null ? 0 : 22 + (2L * s.Length);
        long bytes = _ids.Length + (4L * _idStart.Length) + (8L * Signatures.Length) + (4L * EventStart.Length) + Events.Length
            + (8L * Contents.Length) + (4L * CompactedStart.Length) + (4L * ListStart.Length) + (8L * Lists.Length)
            + (4L * ChangeStart.Length) + (Unsafe.SizeOf<ScanListChange>() * (long)Changes.Length)
            + (4L * SuppressionStart.Length) + (16L * Suppressions.Length)
            + ListIds.Sum(Text) + Statuses.Sum(Text);
        foreach (var total in Compacted)
        {
            bytes += 80 + Text(total.Name) + Text(total.CampaignId);
        }
        foreach (var column in _fields.Values)
        {
            bytes += (4L * column.Index.Length) + (Unsafe.SizeOf<ScalarValue>() * (long)column.Values.Length) + column.Values.Sum(v => Text(v.Text));
        }
        return bytes;
    }

    /// <summary>The index of an item in a table of distinct items, added at the end when new.</summary>
    private static int Intern<T>(Dictionary<T, int> index, List<T> items, T item)
        where T : notnull
    {
        if (!index.TryGetValue(item, out var at))
        {
            index[item] = at = items.Count;
            items.Add(item);
        }
        return at;
    }

    /// <summary>Collects the parts while contacts are added; the form copies them into exact-size arrays.</summary>
    private sealed class Builder
    {
        // By reference: the fold shares equal contents (EventInfoPool), and hashing a content's properties for every
        // event is most of a build. An equal content that is not shared only takes a second slot, with the same verdicts.
        private readonly Dictionary<EventInfo, int> _contentIndex = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<string, int> _statusIndex = new(StringComparer.Ordinal);

        public Builder(IReadOnlyList<ContactDocument> contacts)
        {
            var coarse = new[] { TimeSpan.TicksPerSecond, TimeSpan.TicksPerMillisecond };
            var divides = new[] { true, true };
            var events = 0L;
            foreach (var contact in contacts)
            {
                events += contact.Events.Length;
                foreach (var e in contact.Events)
                {
                    events += e.Info.Geo is not null || e.Info.Device is not null ? 1 : 0;
                    Top = Math.Max(Top, e.At);
                    for (var u = 0; u < coarse.Length; u++)
                    {
                        divides[u] &= e.At % coarse[u] == 0;
                    }
                }
                foreach (var name in contact.Fields.Items)
                {
                    if (!Fields.ContainsKey(name.Key))
                    {
                        Fields[name.Key] = new ColumnBuilder(contacts.Count);
                    }
                }
            }
            foreach (var name in BuiltInFields)
            {
                Fields[name] = new ColumnBuilder(contacts.Count);
            }
            // Sized up front: growing arrays of this size goes through the large-object heap, and each growth there can
            // cost a full collection of the documents the form is built from.
            Signatures.Capacity = contacts.Count;
            IdStart.Capacity = CompactedStart.Capacity = ListStart.Capacity = ChangeStart.Capacity = SuppressionStart.Capacity = contacts.Count + 1;
            EventStart.Capacity = (contacts.Count * ScanStream.Count) + 1;
            Events.Capacity = (int)Math.Min(Array.MaxLength, events * 4);
            Ids.Capacity = contacts.Count * 16;
            Unit = divides[0] ? coarse[0] : divides[1] ? coarse[1] : 1;
            IdStart.Add(0);
            EventStart.Add(0);
            CompactedStart.Add(0);
            ListStart.Add(0);
            ChangeStart.Add(0);
            SuppressionStart.Add(0);
        }

        public int Count { get; private set; }

        public long Top { get; }

        public long Unit { get; }

        public List<byte> Ids { get; } = [];

        public List<int> IdStart { get; } = [];

        public List<ulong> Signatures { get; } = [];

        public List<int> EventStart { get; } = [];

        public List<byte> Events { get; } = [];

        public List<EventInfo> Contents { get; } = [];

        public List<int> CompactedStart { get; } = [];

        public List<CompactedTotal> Compacted { get; } = [];

        public List<int> ListStart { get; } = [];

        public List<(int, int)> Lists { get; } = [];

        public List<int> ChangeStart { get; } = [];

        public List<ScanListChange> Changes { get; } = [];

        public List<int> SuppressionStart { get; } = [];

        public List<KeyValuePair<SuppressionReason, long>> Suppressions { get; } = [];

        public List<string> ListIds { get; } = [];

        public Dictionary<string, int> ListIndex { get; } = new(StringComparer.Ordinal);

        public List<string> Statuses { get; } = [];

        public Dictionary<string, ColumnBuilder> Fields { get; } = new(StringComparer.Ordinal);

        public void Add(ContactDocument contact)
        {
            Ids.AddRange(Encoding.UTF8.GetBytes(contact.Id));
            IdStart.Add(Ids.Count);
            Signatures.Add(contact.Signature);

            for (var stream = 0; stream < ScanStream.Count; stream++)
            {
                var previous = Top;
                for (var i = contact.Events.Length - 1; i >= 0; i--)
                {
                    var e = contact.Events[i];
                    if (ScanStream.Holds(stream, e.Info))
                    {
                        WriteVarint((ulong)((previous - e.At) / Unit));
                        previous = e.At;
                        WriteVarint((ulong)Content(e.Info));
                    }
                }
                EventStart.Add(Events.Count);
            }

            Compacted.AddRange(contact.Compacted);
            CompactedStart.Add(Compacted.Count);

            foreach (var (listId, status) in contact.Lists)
            {
                Lists.Add((List(listId), Status(status)));
            }
            ListStart.Add(Lists.Count);
            foreach (var change in contact.ListChanges)
            {
                Changes.Add(new ScanListChange(change.ListId is null ? -1 : List(change.ListId), change.At, change.Subscribes));
            }
            ChangeStart.Add(Changes.Count);
            Suppressions.AddRange(contact.Suppressions);
            SuppressionStart.Add(Suppressions.Count);

            foreach (var (name, column) in Fields)
            {
                column.Add(contact.GetField(name));
            }
            Count++;
        }

        private int Content(EventInfo info) => Intern(_contentIndex, Contents, info);

        private int List(string listId) => Intern(ListIndex, ListIds, listId);

        private int Status(string status) => Intern(_statusIndex, Statuses, status);

        private void WriteVarint(ulong value)
        {
            for (; value >= 0x80; value >>= 7)
            {
                Events.Add((byte)(value | 0x80));
            }
            Events.Add((byte)value);
        }
    }

    private sealed class ColumnBuilder(int contacts)
    {
        private readonly Dictionary<ScalarValue, int> _distinct = [];

        public List<int> Index { get; } = new(contacts);

        public List<ScalarValue> Values { get; } = [];

        public void Add(ScalarValue value)
        {
            if (value.Kind == ValueKind.Missing)
            {
                Index.Add(-1);
                return;
            }
            Index.Add(Intern(_distinct, Values, value));
        }
    }
}

/// <summary>The streams a contact's events are kept in: one per <see cref="EventKind"/>, then those carrying a context.</summary>
internal static class ScanStream
{
    public const int Context = 3;
    public const int Count = 4;

    public static int Of(EventKind kind) => (int)kind;

    public static bool Holds(int stream, EventInfo info) =>
        stream == Context ? info.Geo is not null || info.Device is not null : stream == (int)info.Kind;
}

/// <summary>A profile field of every contact: an index into the field's distinct values per contact, −1 when missing.</summary>
internal sealed record FieldColumn(int[] Index, ScalarValue[] Values);

/// <summary>A <see cref="ListChange"/> without its event id: the list (an index, −1 for none), when, which of the two.</summary>
internal readonly record struct ScanListChange(int List, long At, bool Subscribes);

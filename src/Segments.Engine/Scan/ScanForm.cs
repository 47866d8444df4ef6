using System.Collections.Concurrent;
using System.Numerics;
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
    private readonly byte[] _ids;
    private readonly int[] _idStart;
    private readonly Dictionary<string, FieldColumn> _fields;
    private readonly Dictionary<string, int> _listIndex;
    private readonly ConcurrentDictionary<string, byte[]> _buckets = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<object, ContentVerdicts> _verdicts = new();
    private readonly Lazy<int[]> _idTable;

    internal ScanForm(ScanFormBuilder b, int[] eventStart, byte[] events)
    {
        Count = b.Count;
        _ids = b.Ids.ToArray();
        _idStart = b.IdStart.ToArray();
        Signatures = b.Signatures.ToArray();
        EventStart = eventStart;
        Events = events;
        Top = b.Top;
        Unit = b.Unit;
        Contents = [.. b.Contents];
        CompactedStart = b.CompactedStart.ToArray();
        Compacted = [.. b.Compacted];
        ListStart = b.ListStart.ToArray();
        Lists = b.Lists.ToArray();
        ChangeStart = b.ChangeStart.ToArray();
        Changes = b.Changes.ToArray();
        SuppressionStart = b.SuppressionStart.ToArray();
        Suppressions = [.. b.Suppressions];
        ListIds = [.. b.ListIds];
        Statuses = [.. b.Statuses];
        _listIndex = b.ListIndex;
        _fields = b.Fields.Where(f => f.Value.Values.Count > 0)
            .ToDictionary(f => f.Key, f => new FieldColumn(f.Value.Index.ToArray(), [.. f.Value.Values]), StringComparer.Ordinal);
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

    /// <summary>Builds the form of these folded contacts, numbered in the order given (enumerated once, see <see cref="ScanFormBuilder"/>).</summary>
    public static ScanForm Build(IEnumerable<ContactDocument> contacts)
    {
        var builder = new ScanFormBuilder();
        foreach (var contact in contacts)
        {
            builder.Add(contact);
        }
        return builder.Build();
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

    /// <summary>The contact's value of a profile field (missing when it has none).</summary>
    public ScalarValue FieldValue(int contact, string name) =>
        Field(name) is { } column && column.Index[contact] is var k and >= 0 ? column.Values[k] : ScalarValue.Missing;

    /// <summary>The lists the contact has a recorded status on (<see cref="ContactDocument.Lists"/>' ids, in its order).</summary>
    public IEnumerable<string> ListsOf(int contact)
    {
        for (var k = ListStart[contact]; k < ListStart[contact + 1]; k++)
        {
            yield return ListIds[Lists[k].List];
        }
    }

    /// <summary>
    /// The first geo and the first device of the contact's latest events at or before T that have them (each null without
    /// one): the context stream holds exactly the events with either, newest first, as the document's events read backwards.
    /// </summary>
    public (string? Geo, string? Device) LatestContext(int contact, long asOf)
    {
        string? geo = null, device = null;
        var events = new EventCursor(this, contact, ScanStream.Context);
        while ((geo is null || device is null) && events.Next())
        {
            if (events.At <= asOf)
            {
                geo ??= Contents[events.Content].Geo?.Get(0);
                device ??= Contents[events.Content].Device?.Get(0);
            }
        }
        return (geo, device);
    }

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
    internal static int Intern<T>(Dictionary<T, int> index, List<T> items, T item)
        where T : notnull
    {
        if (!index.TryGetValue(item, out var at))
        {
            index[item] = at = items.Count;
            items.Add(item);
        }
        return at;
    }
}

/// <summary>
/// Builds a <see cref="ScanForm"/> from contacts added one at a time, keeping what the form keeps and none of the documents:
/// a partition's documents are several times its form, and holding them all until the build (a scan hands them over
/// one by one) kept them alive through collections that had to copy them. Everything grows in chunks off the large-object heap (<see cref="Chunked{T}"/>). Events wait as (time, content) pairs, 12 bytes
/// each, until <see cref="Build"/>: their deltas count from the partition's newest time in the coarsest unit dividing
/// every time, known only once all are in. A profile field met first at contact n gets a column missing for the n before.
/// </summary>
public sealed class ScanFormBuilder
{
    private static readonly string[] BuiltInFields = ["email", "first_name", "last_name", "created_at"];

    // By reference: the fold shares equal contents (EventInfoPool), and hashing a content's properties for every
    // event is most of a build. An equal content that is not shared only takes a second slot, with the same verdicts.
    private readonly Dictionary<EventInfo, int> _contentIndex = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _statusIndex = new(StringComparer.Ordinal);

    // Per contact and stream (EventStart's slots), newest first: the events' times and content indices, encoded at Build.
    private readonly Chunked<long> _times = new();
    private readonly Chunked<int> _contents = new();
    private readonly Chunked<int> _eventStart = new();
    private bool _seconds = true;
    private bool _milliseconds = true;

    // A contact's events' content indices and stream masks, reused from contact to contact.
    private int[] _eventContents = new int[64];
    private byte[] _eventStreams = new byte[64];

    public ScanFormBuilder()
    {
        foreach (var name in BuiltInFields)
        {
            Fields[name] = new ColumnBuilder(0);
        }
        IdStart.Add(0);
        _eventStart.Add(0);
        CompactedStart.Add(0);
        ListStart.Add(0);
        ChangeStart.Add(0);
        SuppressionStart.Add(0);
    }

    public int Count { get; private set; }

    internal long Top { get; private set; }

    internal long Unit => _seconds ? TimeSpan.TicksPerSecond : _milliseconds ? TimeSpan.TicksPerMillisecond : 1;

    internal Chunked<byte> Ids { get; } = new();

    internal Chunked<int> IdStart { get; } = new();

    internal Chunked<ulong> Signatures { get; } = new();

    internal List<EventInfo> Contents { get; } = [];

    internal Chunked<int> CompactedStart { get; } = new();

    internal List<CompactedTotal> Compacted { get; } = [];

    internal Chunked<int> ListStart { get; } = new();

    internal Chunked<(int, int)> Lists { get; } = new();

    internal Chunked<int> ChangeStart { get; } = new();

    internal Chunked<ScanListChange> Changes { get; } = new();

    internal Chunked<int> SuppressionStart { get; } = new();

    internal List<KeyValuePair<SuppressionReason, long>> Suppressions { get; } = [];

    internal List<string> ListIds { get; } = [];

    internal Dictionary<string, int> ListIndex { get; } = new(StringComparer.Ordinal);

    internal List<string> Statuses { get; } = [];

    internal Dictionary<string, ColumnBuilder> Fields { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds a folded contact as number <see cref="Count"/>; the builder keeps nothing that refers to the document but its shared contents.</summary>
    public void Add(ContactDocument contact)
    {
        Span<byte> buffer = stackalloc byte[256];
        var id = Encoding.UTF8.GetMaxByteCount(contact.Id.Length) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(contact.Id, buffer)]
            : Encoding.UTF8.GetBytes(contact.Id);
        Ids.AddRange(id);
        IdStart.Add(Ids.Count);
        Signatures.Add(contact.Signature);

        // Each event's content is looked up once, with the streams it goes to; then the streams are written in order.
        var events = contact.Events;
        if (_eventContents.Length < events.Length)
        {
            _eventContents = new int[Math.Max(events.Length, 2 * _eventContents.Length)];
            _eventStreams = new byte[_eventContents.Length];
        }
        for (var i = 0; i < events.Length; i++)
        {
            var (at, info) = (events[i].At, events[i].Info);
            _eventContents[i] = Content(info);
            _eventStreams[i] = ScanStream.Mask(info);
            Top = Math.Max(Top, at);
            _seconds &= at % TimeSpan.TicksPerSecond == 0;
            _milliseconds &= at % TimeSpan.TicksPerMillisecond == 0;
        }
        for (var stream = 0; stream < ScanStream.Count; stream++)
        {
            for (var i = events.Length - 1; i >= 0; i--)
            {
                if ((_eventStreams[i] & (1 << stream)) != 0)
                {
                    _times.Add(events[i].At);
                    _contents.Add(_eventContents[i]);
                }
            }
            _eventStart.Add(_times.Count);
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

        foreach (var name in contact.Fields.Items)
        {
            if (!Fields.ContainsKey(name.Key))
            {
                Fields[name.Key] = new ColumnBuilder(Count);
            }
        }
        foreach (var (name, column) in Fields)
        {
            column.Add(contact.GetField(name));
        }
        Count++;
    }

    /// <summary>The form of the contacts added so far.</summary>
    public ScanForm Build()
    {
        var (unit, slots) = (Unit, _eventStart.Count - 1);
        var eventStart = new int[slots + 1];
        var events = new byte[EncodedLength(unit)];
        var at = 0;
        for (var slot = 0; slot < slots; slot++)
        {
            var previous = Top;
            for (var k = _eventStart[slot]; k < _eventStart[slot + 1]; k++)
            {
                at = WriteVarint(events, at, (ulong)((previous - _times[k]) / unit));
                previous = _times[k];
                at = WriteVarint(events, at, (ulong)_contents[k]);
            }
            eventStart[slot + 1] = at;
        }
        return new ScanForm(this, eventStart, events);
    }

    private int EncodedLength(long unit)
    {
        var length = 0;
        for (var slot = 0; slot < _eventStart.Count - 1; slot++)
        {
            var previous = Top;
            for (var k = _eventStart[slot]; k < _eventStart[slot + 1]; k++)
            {
                length += VarintLength((ulong)((previous - _times[k]) / unit)) + VarintLength((ulong)_contents[k]);
                previous = _times[k];
            }
        }
        return length;
    }

    private int Content(EventInfo info) => ScanForm.Intern(_contentIndex, Contents, info);

    private int List(string listId) => ScanForm.Intern(ListIndex, ListIds, listId);

    private int Status(string status) => ScanForm.Intern(_statusIndex, Statuses, status);

    private static int VarintLength(ulong value) => value < 0x80 ? 1 : (64 - BitOperations.LeadingZeroCount(value) + 6) / 7;

    private static int WriteVarint(byte[] bytes, int at, ulong value)
    {
        for (; value >= 0x80; value >>= 7)
        {
            bytes[at++] = (byte)(value | 0x80);
        }
        bytes[at++] = (byte)value;
        return at;
    }

    /// <summary>A field's column so far: one index per contact added (−1: missing), <paramref name="missing"/> of them before it was met.</summary>
    internal sealed class ColumnBuilder
    {
        private readonly Dictionary<ScalarValue, int> _distinct = [];

        public ColumnBuilder(int missing)
        {
            for (var c = 0; c < missing; c++)
            {
                Index.Add(-1);
            }
        }

        public Chunked<int> Index { get; } = new();

        public List<ScalarValue> Values { get; } = [];

        public void Add(ScalarValue value) => Index.Add(value.Kind == ValueKind.Missing ? -1 : ScanForm.Intern(_distinct, Values, value));
    }
}

/// <summary>The streams a contact's events are kept in: one per <see cref="EventKind"/>, then those carrying a context.</summary>
internal static class ScanStream
{
    public const int Context = 3;
    public const int Count = 4;

    public static int Of(EventKind kind) => (int)kind;

    /// <summary>The streams holding an event of this content, a bit each: its kind's, and <see cref="Context"/>'s when it carries geo or device.</summary>
    public static byte Mask(EventInfo info) => (byte)((1 << (int)info.Kind) | (info.Geo is not null || info.Device is not null ? 1 << Context : 0));
}

/// <summary>A profile field of every contact: an index into the field's distinct values per contact, −1 when missing.</summary>
internal sealed record FieldColumn(int[] Index, ScalarValue[] Values);

/// <summary>A <see cref="ListChange"/> without its event id: the list (an index, −1 for none), when, which of the two.</summary>
internal readonly record struct ScanListChange(int List, long At, bool Subscribes);

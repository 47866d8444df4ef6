using System.IO.Hashing;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Text.Unicode;

namespace Segments.Engine.Offline;

/// <summary>
/// One worker's memory of the lines it has read in full. A line's shape is its bytes with the values of its id,
/// contact id and time emptied: two lines of one shape are the same JSON but for those three strings, so a line
/// whose shape was read in full and found clean (<see cref="EventLine"/>) is clean too when those three strings
/// are (no control characters, a time that parses), and it carries the same content. Finding the shape only needs
/// the line's quotes (a line without backslashes has no quote inside a string) and the positions of the three
/// values among its strings, which one writer keeps the same on every line. Bounded: past
/// <see cref="Capacity"/> shapes it stops learning.
/// </summary>
internal sealed class LineShapes
{
    public const int Capacity = 1 << 16;

    private const int MaxLayouts = 16;

    /// <summary>Which strings of a line hold the id, the contact id and the time (counted from 0).</summary>
    private readonly record struct Layout(int Id, int Contact, int At)
    {
        public int Last => Math.Max(Id, Math.Max(Contact, At));
    }

    /// <summary>The layouts of the clean lines read in full, and how many quotes the largest needs.</summary>
    private readonly List<Layout> _layouts = [];
    private int _quotesNeeded;
    private readonly ShapeTable _contents = new();
    private byte[] _shape = new byte[512];
    private int[] _quotes = new int[64];

    /// <summary>True when the line has the shape of a clean line read before and its three values are clean.</summary>
    public bool TryMatch(ReadOnlySpan<byte> line, out EventLine matched, out int content)
    {
        matched = default;
        content = -1;
        if (_layouts.Count == 0)
        {
            return false;
        }
        // Outside the three values the line is byte for byte a clean line read before, so only they need checking:
        // at once when the bytes scanned for the quotes, which hold all three, are printable ASCII without a backslash.
        var quotes = Quotes(line, _quotesNeeded, out var plain);
        for (var l = 0; l < _layouts.Count; l++)
        {
            var layout = _layouts[l];
            if (2 * layout.Last + 1 >= quotes.Length)
            {
                continue;
            }
            var candidate = new EventLine
            {
                Id = Value(quotes, layout.Id),
                ContactId = Value(quotes, layout.Contact),
                At = Value(quotes, layout.At),
            };
            if (_contents.TryGetValue(Shape(l, line, candidate), out content)
                && (plain
                    ? HasText(candidate.Id) && HasText(candidate.ContactId) && HasText(candidate.At)
                    : IsCleanText(line[candidate.Id]) && IsCleanText(line[candidate.ContactId]) && IsCleanText(line[candidate.At]))
                && EventLine.TryParseInstant(line[candidate.At], out candidate.AtTicks))
            {
                matched = candidate;
                return true;
            }
        }
        return false;
    }

    /// <summary>Remembers the shape of a line read in full and found clean, and its content.</summary>
    public void Learn(ReadOnlySpan<byte> line, in EventLine scanned, int content)
    {
        if (_contents.Count >= Capacity || line.Contains((byte)'\\'))
        {
            return;
        }
        var quotes = Quotes(line, int.MaxValue, out _);
        var found = new Layout(Ordinal(quotes, scanned.Id), Ordinal(quotes, scanned.ContactId), Ordinal(quotes, scanned.At));
        var layout = _layouts.IndexOf(found);
        if (layout < 0)
        {
            if (_layouts.Count == MaxLayouts)
            {
                return;
            }
            _layouts.Add(found);
            _quotesNeeded = Math.Max(_quotesNeeded, (2 * found.Last) + 2);
            layout = _layouts.Count - 1;
        }
        _contents.TryAdd(Shape(layout, line, scanned), content);
    }

    /// <summary>Non-empty valid UTF-8 without escapes or control characters (which JSON forbids inside a string).</summary>
    private static bool IsCleanText(ReadOnlySpan<byte> text) =>
        text.Length > 0 && !text.ContainsAnyInRange((byte)0, (byte)0x1F) && !text.Contains((byte)'\\')
        && (System.Text.Ascii.IsValid(text) || Utf8.IsValid(text));

    private static bool HasText(Range value) => value.End.Value > value.Start.Value;

    private static Range Value(ReadOnlySpan<int> quotes, int ordinal) => new(quotes[2 * ordinal] + 1, quotes[(2 * ordinal) + 1]);

    /// <summary>Which string of the line a value is (its opening quote is the 2n-th quote).</summary>
    private static int Ordinal(ReadOnlySpan<int> quotes, Range value) => quotes.IndexOf(value.Start.Value - 1) / 2;

    /// <summary>
    /// The positions of the line's first <paramref name="needed"/> quotes (all when there are fewer), 16 bytes at a time;
    /// <paramref name="plain"/> when every byte scanned (up to the last quote returned, at least) is printable ASCII and
    /// not a backslash.
    /// </summary>
    private ReadOnlySpan<int> Quotes(ReadOnlySpan<byte> line, int needed, out bool plain)
    {
        var count = 0;
        var quote = Vector128.Create((byte)'"');
        var unusual = Vector128<byte>.Zero;
        var i = 0;
        for (; i + Vector128<byte>.Count <= line.Length && count < needed; i += Vector128<byte>.Count)
        {
            var bytes = Vector128.Create(line.Slice(i, Vector128<byte>.Count));
            unusual |= Vector128.LessThan(bytes, Vector128.Create((byte)0x20)) | Vector128.GreaterThan(bytes, Vector128.Create((byte)0x7E))
                | Vector128.Equals(bytes, Vector128.Create((byte)'\\'));
            var mask = Vector128.Equals(bytes, quote).ExtractMostSignificantBits();
            for (; mask != 0; mask &= mask - 1)
            {
                Add(ref count, i + BitOperations.TrailingZeroCount(mask));
            }
        }
        plain = unusual == Vector128<byte>.Zero;
        for (; i < line.Length && count < needed; i++)
        {
            plain &= line[i] is >= 0x20 and <= 0x7E and not (byte)'\\';
            if (line[i] == '"')
            {
                Add(ref count, i);
            }
        }
        return _quotes.AsSpan(0, count);
    }

    private void Add(ref int count, int position)
    {
        if (count == _quotes.Length)
        {
            Array.Resize(ref _quotes, count * 2);
        }
        _quotes[count++] = position;
    }

    /// <summary>
    /// The layout's number, then the line with the three values emptied (valid until the next call): lines of one
    /// shape differ in those three strings only.
    /// </summary>
    private ReadOnlySpan<byte> Shape(int layout, ReadOnlySpan<byte> line, in EventLine values)
    {
        // The three cuts in line order (three compare-and-swaps).
        Span<Range> cuts = [values.Id, values.ContactId, values.At];
        InOrder(ref cuts[0], ref cuts[1]);
        InOrder(ref cuts[1], ref cuts[2]);
        InOrder(ref cuts[0], ref cuts[1]);
        if (_shape.Length < line.Length + 1)
        {
            _shape = new byte[(line.Length * 2) + 1];
        }
        _shape[0] = (byte)layout;
        var length = 1;
        var from = 0;
        foreach (var cut in cuts)
        {
            line[from..cut.Start.Value].CopyTo(_shape.AsSpan(length));
            length += cut.Start.Value - from;
            from = cut.End.Value;
        }
        line[from..].CopyTo(_shape.AsSpan(length));
        length += line.Length - from;
        return _shape.AsSpan(0, length);
    }

    private static void InOrder(ref Range a, ref Range b)
    {
        if (a.Start.Value > b.Start.Value)
        {
            (a, b) = (b, a);
        }
    }

    /// <summary>
    /// The learnt shapes and their contents: open addressing over one array of slots (each with its full 64-bit hash)
    /// and the shapes' bytes in one arena. A line is looked up once, and a dictionary of byte arrays cost it three
    /// dependent cache misses (bucket, entry, key object) in a table larger than a core's cache.
    /// </summary>
    private sealed class ShapeTable
    {
        private struct Slot
        {
            public ulong Hash;
            public int Offset;
            public int Length; // 0: empty (a shape starts with its layout's number, so none is empty)
            public int Content;
        }

        private Slot[] _slots = new Slot[1 << 12];
        private byte[] _arena = new byte[1 << 16];
        private int _used;

        public int Count { get; private set; }

        public bool TryGetValue(ReadOnlySpan<byte> shape, out int content) => TryGetValue(shape, XxHash3.HashToUInt64(shape), out content);

        private bool TryGetValue(ReadOnlySpan<byte> shape, ulong hash, out int content)
        {
            var mask = _slots.Length - 1;
            for (var i = (int)hash & mask; ; i = (i + 1) & mask)
            {
                ref var slot = ref _slots[i];
                if (slot.Length == 0)
                {
                    content = -1;
                    return false;
                }
                if (slot.Hash == hash && _arena.AsSpan(slot.Offset, slot.Length).SequenceEqual(shape))
                {
                    content = slot.Content;
                    return true;
                }
            }
        }

        public void TryAdd(ReadOnlySpan<byte> shape, int content)
        {
            var hash = XxHash3.HashToUInt64(shape);
            if (TryGetValue(shape, hash, out _))
            {
                return;
            }
            if (2 * (Count + 1) > _slots.Length)
            {
                var old = _slots;
                _slots = new Slot[old.Length * 2];
                foreach (var slot in old)
                {
                    if (slot.Length > 0)
                    {
                        Place(slot);
                    }
                }
            }
            if (_used + shape.Length > _arena.Length)
            {
                Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + shape.Length));
            }
            shape.CopyTo(_arena.AsSpan(_used));
            Place(new Slot { Hash = hash, Offset = _used, Length = shape.Length, Content = content });
            _used += shape.Length;
            Count++;
        }

        private void Place(Slot slot)
        {
            var mask = _slots.Length - 1;
            var i = (int)slot.Hash & mask;
            while (_slots[i].Length != 0)
            {
                i = (i + 1) & mask;
            }
            _slots[i] = slot;
        }
    }
}

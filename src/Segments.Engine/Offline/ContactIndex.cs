using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Segments.Engine.Documents;
using Segments.Engine.Input;

namespace Segments.Engine.Offline;

/// <summary>
/// The contacts of contacts.jsonl numbered in the order they first appear; a contact given twice keeps its first
/// number and its last profile. A contact is kept as its line's bytes (one array a chunk, not a dozen objects a
/// contact for the collector to trace while the events are read) and read again when it is folded. Events find
/// their contact by the UTF-8 bytes of its id, without a string.
/// </summary>
internal sealed class ContactIndex
{
    private readonly Dictionary<string, int> _numbers;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly List<(ContactLines Chunk, int Line)> _lines;

    /// <remarks>One core builds it while the other waits: sized once, and each id hashed once.</remarks>
    public ContactIndex(IReadOnlyList<ContactLines> chunks)
    {
        var lines = chunks.Sum(c => c.Ids.Count);
        _numbers = new Dictionary<string, int>(lines, Utf8Ids.Instance);
        _lines = new List<(ContactLines Chunk, int Line)>(lines);
        _lookup = _numbers.GetAlternateLookup<ReadOnlySpan<byte>>();
        foreach (var chunk in chunks)
        {
            for (var line = 0; line < chunk.Ids.Count; line++)
            {
                ref var number = ref CollectionsMarshal.GetValueRefOrAddDefault(_numbers, chunk.Ids[line], out var exists);
                if (exists)
                {
                    _lines[number] = (chunk, line);
                }
                else
                {
                    number = _lines.Count;
                    _lines.Add((chunk, line));
                }
            }
        }
    }

    public int Count => _lines.Count;

    /// <summary>The contact's id.</summary>
    public string Id(int number) => _lines[number].Chunk.Ids[_lines[number].Line];

    /// <summary>A document holding the contact's profile, read again from its line (a worker's own <paramref name="texts"/>).</summary>
    public ContactDocument Document(int number, TextPool texts)
    {
        var (chunk, line) = _lines[number];
        var bytes = chunk.Line(line);
        return ContactLine.TryRead(bytes, texts) ?? (ExactLine.Read(bytes, 0, "contacts.jsonl", [], InputReader.ReadContact) is { } profile
            ? new ContactDocument(profile.Id).WithProfile(profile)
            : throw new InvalidOperationException($"contact '{Id(number)}' was read once without a problem, and not again"));
    }

    /// <summary>The contact's number, −1 when contacts.jsonl does not have it.</summary>
    public int Find(string id) => _numbers.TryGetValue(id, out var number) ? number : -1;

    public int Find(ReadOnlySpan<byte> utf8Id) => _lookup.TryGetValue(utf8Id, out var number) ? number : -1;

    /// <summary>Ids compared ordinally, hashed by their UTF-8 bytes, so that the bytes of a line find them as they are.</summary>
    private sealed class Utf8Ids : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<byte>, string>
    {
        public static readonly Utf8Ids Instance = new();

        public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

        public int GetHashCode(string id)
        {
            Span<byte> utf8 = id.Length <= 128 ? stackalloc byte[id.Length * 3] : new byte[Encoding.UTF8.GetMaxByteCount(id.Length)];
            return GetHashCode(utf8[..Encoding.UTF8.GetBytes(id, utf8)]);
        }

        public int GetHashCode(ReadOnlySpan<byte> utf8Id) => (int)XxHash3.HashToUInt64(utf8Id);

        /// <summary>Decoded, not encoded, before comparing: a lone surrogate in an id and a replacement character differ.</summary>
        public bool Equals(ReadOnlySpan<byte> utf8Id, string id)
        {
            if (System.Text.Ascii.Equals(utf8Id, id))
            {
                return true;
            }
            Span<char> chars = utf8Id.Length <= 256 ? stackalloc char[utf8Id.Length] : new char[utf8Id.Length];
            return chars[..Encoding.UTF8.GetChars(utf8Id, chars)].SequenceEqual(id);
        }

        public string Create(ReadOnlySpan<byte> utf8Id) => Encoding.UTF8.GetString(utf8Id);
    }
}

/// <summary>The valid contact lines of one chunk of contacts.jsonl: their ids, and their bytes one after the other.</summary>
internal sealed class ContactLines(List<string> ids, byte[] bytes, int[] ends)
{
    public List<string> Ids => ids;

    public ReadOnlySpan<byte> Line(int line) => bytes.AsSpan((line == 0 ? 0 : ends[line - 1])..ends[line]);

    /// <summary>
    /// Collects the valid lines of a chunk of <paramref name="chunkBytes"/> bytes into one array of that size, allocated
    /// once (a growing stream allocated and copied three times the file, large arrays that each brought a full collection
    /// nearer); what the terminators and invalid lines leave unused is little.
    /// </summary>
    public sealed class Builder(int chunkBytes)
    {
        private readonly List<string> _ids = [];
        private readonly List<int> _ends = [];
        private readonly byte[] _bytes = GC.AllocateUninitializedArray<byte>(chunkBytes);
        private int _length;

        public void Add(string id, ReadOnlySpan<byte> line)
        {
            _ids.Add(id);
            line.CopyTo(_bytes.AsSpan(_length));
            _length += line.Length;
            _ends.Add(_length);
        }

        public ContactLines Build() => new(_ids, _bytes, [.. _ends]);
    }
}

using System.Text;
using Segments.Core.Documents;

namespace Segments.Core.Offline;

/// <summary>
/// The contacts of contacts.jsonl, as documents holding their profile, numbered in the order they first appear; a
/// contact given twice keeps its first number and its last profile. Events find their contact by the UTF-8 bytes
/// of its id, without a string.
/// </summary>
internal sealed class ContactIndex
{
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<ContactDocument?> _documents = [];

    public ContactIndex(IEnumerable<ContactDocument> documents)
    {
        _lookup = _numbers.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var document in documents)
        {
            if (_numbers.TryGetValue(document.Id, out var number))
            {
                _documents[number] = document;
            }
            else
            {
                _numbers[document.Id] = _documents.Count;
                _documents.Add(document);
            }
        }
    }

    public int Count => _documents.Count;

    /// <summary>Hands over the contact's document, which the index then forgets (each contact is folded once).</summary>
    public ContactDocument Take(int number)
    {
        var document = _documents[number] ?? throw new InvalidOperationException($"contact {number} was taken before");
        _documents[number] = null;
        return document;
    }

    /// <summary>The contact's number, −1 when contacts.jsonl does not have it.</summary>
    public int Find(string id) => _numbers.TryGetValue(id, out var number) ? number : -1;

    public int Find(ReadOnlySpan<byte> utf8Id)
    {
        Span<char> chars = utf8Id.Length <= 256 ? stackalloc char[utf8Id.Length] : new char[utf8Id.Length];
        var length = Encoding.UTF8.GetChars(utf8Id, chars);
        return _lookup.TryGetValue(chars[..length], out var number) ? number : -1;
    }
}

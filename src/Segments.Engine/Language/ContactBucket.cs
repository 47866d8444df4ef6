using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Segments.Engine.Language;

/// <summary>
/// A contact's bucket for a seed, as the language's <c>bucket</c> defines it: the first 8 bytes of SHA-256 over the UTF-8
/// bytes of <c>seed + ":" + contactId</c>, read as an unsigned big-endian integer, mod 100. It depends on nothing else,
/// so every store, partitioning and process agrees.
/// </summary>
public static class ContactBucket
{
    public const int Count = 100;

    public static int Of(string seed, string contactId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var text = Encoding.UTF8.GetBytes($"{seed}:{contactId}");
        SHA256.HashData(text, hash);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % Count);
    }
}

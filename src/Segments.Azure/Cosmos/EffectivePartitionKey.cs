using System.Buffers.Binary;
using System.Text;

namespace Segments.Azure.Cosmos;

/// <summary>
/// Cosmos DB's effective partition key (EPK) of a hierarchical key, hash version 2 (MultiHash): per level,
/// MurmurHash3 x64 128 (seed 0) of the value's binary form (0x08, UTF-8, 0xFF for a string), as 32 hex digits
/// big-endian with the top two bits cleared; the levels are concatenated. The service orders items, and splits
/// its physical partitions, by this string. The SDK computes the same internally but does not expose it; it is
/// needed here to cut a tenant's slice of a feed range into even sub-ranges by contact.
/// </summary>
public static class EffectivePartitionKey
{
    /// <summary>The largest EPK, exclusive: the end of the last feed range.</summary>
    public const string Max = "FF";

    public static string Of(params string[] levels) => string.Concat(levels.Select(Level));

    private static string Level(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 2];
        bytes[0] = 0x08;
        Encoding.UTF8.GetBytes(value, bytes.AsSpan(1));
        bytes[^1] = 0xFF;
        var (low, high) = MurmurHash3X64x128(bytes);
        Span<byte> hash = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(hash, high);
        BinaryPrimitives.WriteUInt64BigEndian(hash[8..], low);
        hash[0] &= 0x3F;
        return Convert.ToHexString(hash);
    }

    private static (ulong Low, ulong High) MurmurHash3X64x128(ReadOnlySpan<byte> data)
    {
        const ulong c1 = 0x87c37b91114253d5UL;
        const ulong c2 = 0x4cf5ad432745937fUL;
        ulong h1 = 0, h2 = 0;
        var whole = data.Length - (data.Length % 16);
        for (var i = 0; i < whole; i += 16)
        {
            h1 ^= Mix(BinaryPrimitives.ReadUInt64LittleEndian(data[i..]), c1, 31, c2);
            h1 = ((ulong.RotateLeft(h1, 27) + h2) * 5) + 0x52dce729;
            h2 ^= Mix(BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 8)..]), c2, 33, c1);
            h2 = ((ulong.RotateLeft(h2, 31) + h1) * 5) + 0x38495ab5;
        }
        Span<byte> tail = stackalloc byte[16];
        tail.Clear();
        data[whole..].CopyTo(tail);
        var rest = data.Length - whole;
        if (rest > 8)
        {
            h2 ^= Mix(BinaryPrimitives.ReadUInt64LittleEndian(tail[8..]), c2, 33, c1);
        }
        if (rest > 0)
        {
            h1 ^= Mix(BinaryPrimitives.ReadUInt64LittleEndian(tail), c1, 31, c2);
        }
        h1 ^= (ulong)data.Length;
        h2 ^= (ulong)data.Length;
        h1 += h2;
        h2 += h1;
        h1 = Finalize(h1);
        h2 = Finalize(h2);
        h1 += h2;
        h2 += h1;
        return (h1, h2);
    }

    private static ulong Mix(ulong k, ulong first, int rotation, ulong second) => ulong.RotateLeft(k * first, rotation) * second;

    private static ulong Finalize(ulong k)
    {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdUL;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53UL;
        return k ^ (k >> 33);
    }
}

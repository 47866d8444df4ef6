using System.IO.Hashing;

namespace Segments.Engine.Documents;

/// <summary>Byte arrays compared by content, looked up by spans without a copy.</summary>
internal sealed class BytesComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    /// <summary>
    /// For bytes anyone may send (a pixel's event contents): hashed with this process's random seed, as strings are, so
    /// no sender can choose keys that collide.
    /// </summary>
    public static readonly BytesComparer Randomized = new(randomized: true);

    /// <summary>For bytes of the user's own files (the offline reader): XxHash3, several times faster on longer keys.</summary>
    public static readonly BytesComparer Unseeded = new(randomized: false);

    private readonly bool _randomized;

    private BytesComparer(bool randomized) => _randomized = randomized;

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] bytes) => GetHashCode((ReadOnlySpan<byte>)bytes);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        if (!_randomized)
        {
            return (int)XxHash3.HashToUInt64(alternate);
        }
        var hash = new HashCode();
        hash.AddBytes(alternate);
        return hash.ToHashCode();
    }

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}

using CsCheck;
using Segments.Engine.Documents;

namespace Segments.Engine.Tests;

public class BytesComparerTests
{
    /// <summary>
    /// A dictionary's span lookup finds an array key only if the span hashes as the array does: both comparers, any bytes
    /// (the randomized one by this process's seed, the same for every call in it).
    /// </summary>
    [Fact]
    public void A_span_hashes_and_compares_as_its_array_in_both_comparers() =>
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            foreach (var comparer in new[] { BytesComparer.Randomized, BytesComparer.Unseeded })
            {
                var copy = bytes.ToArray();
                Assert.Equal(comparer.GetHashCode(bytes), comparer.GetHashCode((ReadOnlySpan<byte>)copy));
                Assert.True(comparer.Equals(bytes, copy));
                Assert.True(comparer.Equals((ReadOnlySpan<byte>)copy, bytes));
                Assert.Equal(bytes, comparer.Create(bytes));
                if (bytes.Length > 0)
                {
                    copy[^1] ^= 1;
                    Assert.False(comparer.Equals(bytes, copy));
                }
            }
        });

    [Fact]
    public void The_two_comparers_hash_differently() =>
        Assert.NotEqual(
            Enumerable.Range(0, 8).Select(i => BytesComparer.Randomized.GetHashCode(new[] { (byte)i })),
            Enumerable.Range(0, 8).Select(i => BytesComparer.Unseeded.GetHashCode(new[] { (byte)i })));
}

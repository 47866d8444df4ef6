using Segments.Azure.Cosmos;

namespace Segments.Azure.Tests.Cosmos;

public class EffectivePartitionKeyTests
{
    [Fact]
    public void Matches_what_the_sdk_sends_for_a_tenant_prefix()
    {
        // Microsoft.Azure.Cosmos 3.64 sent x-ms-start-epk 3D48BB14DA9D090D22112C96695028B6 for the prefix ["t1"]
        // (recorded in tests/emulators/test/cosmos-server.test.js).
        Assert.Equal("3D48BB14DA9D090D22112C96695028B6", EffectivePartitionKey.Of("t1"));
    }

    [Fact]
    public void A_full_key_extends_its_prefix_and_stays_below_the_top()
    {
        var prefix = EffectivePartitionKey.Of("tenant-ü");
        var full = EffectivePartitionKey.Of("tenant-ü", "a contact id longer than sixteen bytes");

        Assert.StartsWith(prefix, full);
        Assert.Equal(64, full.Length);
        Assert.True(string.CompareOrdinal(full[32..], "40") < 0);
    }
}

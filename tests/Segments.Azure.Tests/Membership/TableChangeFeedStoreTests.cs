using Azure.Data.Tables;
using Segments.Azure.Membership;
using Segments.Core.Ports;
using Segments.TestSupport.Contracts;
using Segments.TestSupport.Emulators;

namespace Segments.Azure.Tests.Membership;

/// <summary>What the change dispatcher asks of the stores (cursors, latest sequence, every tenant's consumers), on Azurite's Table service.</summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TableChangeFeedStoreTests(EmulatorFixture fixture) : ChangeFeedStoreContract
{
    protected override (IMembershipStore, IConsumerStore) CreateStores()
    {
        var service = new TableServiceClient(fixture.Emulators.StorageConnectionString);
        TableClient Table(string name) => service.GetTableClient($"{name}{Guid.NewGuid():N}");
        return (new TableMembershipStore(Table("memberships"), Table("due"), TimeProvider.System), new TableConsumerStore(Table("consumers")));
    }
}

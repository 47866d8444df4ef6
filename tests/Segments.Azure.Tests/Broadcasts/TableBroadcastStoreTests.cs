using Azure.Data.Tables;
using Segments.Azure.Broadcasts;
using Segments.Core.Ports;
using Segments.TestSupport.Contracts;
using Segments.TestSupport.Emulators;

namespace Segments.Azure.Tests.Broadcasts;

/// <summary>The broadcast store contract on Azurite's Table service; each store gets its own table.</summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TableBroadcastStoreTests(EmulatorFixture fixture) : BroadcastStoreContract
{
    protected override Task<IBroadcastStore> CreateStoreAsync() => Task.FromResult<IBroadcastStore>(
        new TableBroadcastStore(new TableServiceClient(fixture.Emulators.StorageConnectionString).GetTableClient($"broadcasts{Guid.NewGuid():N}")));
}

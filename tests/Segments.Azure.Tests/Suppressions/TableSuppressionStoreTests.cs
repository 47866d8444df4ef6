using Azure.Data.Tables;
using Segments.Azure.Suppressions;
using Segments.Core.Ports;
using Segments.TestSupport.Contracts;
using Segments.TestSupport.Emulators;

namespace Segments.Azure.Tests.Suppressions;

/// <summary>The suppression store contract on Azurite's Table service; each store gets its own table.</summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class TableSuppressionStoreTests(EmulatorFixture fixture) : SuppressionStoreContract
{
    protected override ISuppressionStore Store { get; } = new TableSuppressionStore(
        new TableServiceClient(fixture.Emulators.StorageConnectionString).GetTableClient($"suppressions{Guid.NewGuid():N}"));
}

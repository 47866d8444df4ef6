using Segments.Core.Ports;
using Segments.TestSupport.Stores;

namespace Segments.Core.Tests.Stream;

public sealed class InMemoryContactStoreContractTests : ContactStoreContract
{
    protected override Task<IContactStore> CreateStoreAsync() => Task.FromResult<IContactStore>(new InMemoryContactStore());
}

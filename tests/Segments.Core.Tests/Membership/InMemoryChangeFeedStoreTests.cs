using Segments.Core.Ports;
using Segments.TestSupport.Stores;

namespace Segments.Core.Tests.Membership;

public sealed class InMemoryChangeFeedStoreTests : ChangeFeedStoreContract
{
    protected override (IMembershipStore, IConsumerStore) CreateStores() => (new InMemoryMembershipStore(), new InMemoryConsumerStore());
}

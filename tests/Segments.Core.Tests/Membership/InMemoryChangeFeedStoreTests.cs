using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.Core.Tests.Membership;

public sealed class InMemoryChangeFeedStoreTests : ChangeFeedStoreContract
{
    protected override (IMembershipStore, IConsumerStore) CreateStores() => (new InMemoryMembershipStore(), new InMemoryConsumerStore());
}

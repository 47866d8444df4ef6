using Segments.Core.Ports;
using Segments.TestSupport.Stores;

namespace Segments.Core.Tests.Membership;

public sealed class InMemoryMembershipStoreContractTests : MembershipStoreContract
{
    protected override Task<IMembershipStore> CreateMembershipStoreAsync() => Task.FromResult<IMembershipStore>(new InMemoryMembershipStore());

    protected override Task<IConsumerStore> CreateConsumerStoreAsync() => Task.FromResult<IConsumerStore>(new InMemoryConsumerStore());

    protected override Task<IReportStore> CreateReportStoreAsync() => Task.FromResult<IReportStore>(new InMemoryReportStore());
}

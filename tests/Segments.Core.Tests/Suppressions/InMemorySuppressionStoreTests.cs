using Segments.Core.Ports;
using Segments.TestSupport.Contracts;
using Segments.TestSupport.Stores;

namespace Segments.Core.Tests.Suppressions;

public sealed class InMemorySuppressionStoreTests : SuppressionStoreContract
{
    protected override ISuppressionStore Store { get; } = new InMemorySuppressionStore();
}

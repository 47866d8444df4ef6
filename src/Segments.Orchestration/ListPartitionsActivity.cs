using Microsoft.DurableTask;
using Segments.Core.Ports;

namespace Segments.Orchestration;

/// <summary>The partitions of the tenant's contacts, as the store lists them (their order names the parts).</summary>
public sealed class ListPartitionsActivity(IContactStore contacts) : TaskActivity<string, IReadOnlyList<string>>
{
    public override Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, string tenant) =>
        contacts.ListPartitionsAsync(tenant);
}

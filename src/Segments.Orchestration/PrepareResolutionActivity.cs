using Microsoft.DurableTask;
using Segments.Core.Catalog;

namespace Segments.Orchestration;

/// <summary>Freezes the segment and everything it references as they are saved now; null when the tenant has no such segment.</summary>
public sealed class PrepareResolutionActivity(ICatalogStore catalog) : TaskActivity<PrepareInput, FrozenSegment?>
{
    public override async Task<FrozenSegment?> RunAsync(TaskActivityContext context, PrepareInput input)
    {
        var snapshot = await catalog.ReadAsync(input.Tenant);
        if (snapshot.Find(CatalogUser.Segment(input.Segment)) is not { Definition: { } root })
        {
            return null;
        }
        var closure = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<string>([input.Segment]);
        while (pending.TryPop(out var id))
        {
            if (closure.ContainsKey(id) || snapshot.Find(CatalogUser.Segment(id)) is not { Definition: { } definition } entry)
            {
                continue;
            }
            closure[id] = definition.Json;
            foreach (var reference in entry.Segments)
            {
                pending.Push(reference);
            }
        }
        return new FrozenSegment(input.Segment, root.Version, CatalogEncoding.Schema(snapshot.Schema), [.. closure.Values]);
    }
}

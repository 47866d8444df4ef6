using System.Text.Json;
using Microsoft.DurableTask;
using Segments.Core.Audience;
using Segments.Core.Broadcasts;
using Segments.Core.Catalog;
using Segments.Core.Ports;

namespace Segments.Orchestration;

/// <summary>
/// Starts, or resumes, a broadcast's resolution from its record, the source of truth. A scheduled one starts now: the
/// segment is frozen with everything it references, the instant to evaluate is fixed (the one asked, else now), and both
/// are recorded with the status running before anything is resolved. A running one (a restart interrupted it) resumes
/// with what its record holds, after the leftovers of the interrupted attempt are removed, so the audience is written
/// whole again, byte for byte the same; if its manifest was written already, it is complete and only the record lags.
/// A finished one is left as it is. A broadcast with no record (a resolution scheduled by other means) gets one first.
/// </summary>
public sealed class StartResolutionActivity(IBroadcastStore broadcasts, ICatalogStore catalog, IAudienceSink sink)
    : TaskActivity<StartInput, ResolutionStart>
{
    public override async Task<ResolutionStart> RunAsync(TaskActivityContext context, StartInput input)
    {
        var (request, now) = (input.Request, input.Now);
        await broadcasts.AddAsync(request.Tenant, new Broadcast(request.Broadcast, request.Segment, request.List, request.SendAt, request.AsOf, now));
        var address = new AudienceAddress(request.Tenant, request.Broadcast);
        var current = await broadcasts.GetAsync(request.Tenant, request.Broadcast) ?? throw new InvalidOperationException("the broadcast's record vanished");
        switch (current.Broadcast.Status)
        {
            case BroadcastStatus.Running when await sink.ReadManifestAsync(address) is { } manifest:
                await FinishResolutionActivity.FinishAsync(broadcasts, request.Tenant, request.Broadcast, BroadcastStatus.Completed, null, now);
                return ResolutionStart.Done(manifest);
            case BroadcastStatus.Running:
                await sink.ClearAsync(address);
                return ResolutionStart.Resolve(current.Broadcast.ResolvedAsOf!.Value, Thaw(current.Broadcast.Frozen!));
            case BroadcastStatus.Scheduled:
                break;
            default:
                return ResolutionStart.Stopped(current.Broadcast.Status);
        }
        if (await FreezeAsync(request.Tenant, request.Segment, current.Broadcast.Exclude ?? []) is not { } frozen)
        {
            var error = $"segment '{request.Segment}' or one the broadcast excludes does not exist (any more)";
            await FinishResolutionActivity.FinishAsync(broadcasts, request.Tenant, request.Broadcast, BroadcastStatus.Failed, error, now);
            return ResolutionStart.Stopped(BroadcastStatus.Failed, error);
        }
        var started = await broadcasts.UpdateAsync(request.Tenant, request.Broadcast, b =>
            b.Status == BroadcastStatus.Scheduled ? b.Started(now, b.AsOf ?? now, JsonSerializer.Serialize(frozen, Broadcast.Json)) : null);
        if (started is not { Status: BroadcastStatus.Running })
        {
            // Canceled meanwhile.
            return ResolutionStart.Stopped(started?.Status ?? BroadcastStatus.Failed);
        }
        await sink.ClearAsync(address);
        return ResolutionStart.Resolve(started.ResolvedAsOf!.Value, Thaw(started.Frozen!));
    }

    private static FrozenSegment Thaw(string frozen) =>
        JsonSerializer.Deserialize<FrozenSegment>(frozen, Broadcast.Json) ?? throw new InvalidDataException("a broadcast's frozen segment is empty");

    /// <summary>
    /// The segment, those excluded, and everything they reference as they are saved now; null when the tenant lacks one of
    /// the segment and those excluded.
    /// </summary>
    private async Task<FrozenSegment?> FreezeAsync(string tenant, string segment, IReadOnlyList<string> exclude)
    {
        var snapshot = await catalog.ReadAsync(tenant);
        if (snapshot.Find(CatalogUser.Segment(segment)) is not { Definition: { } root }
            || exclude.Any(e => snapshot.Find(CatalogUser.Segment(e)) is not { Definition: not null }))
        {
            return null;
        }
        var closure = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<string>([segment, .. exclude]);
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
        return new FrozenSegment(segment, root.Version, CatalogEncoding.Schema(snapshot.Schema), [.. closure.Values], exclude.Count > 0 ? exclude : null);
    }
}

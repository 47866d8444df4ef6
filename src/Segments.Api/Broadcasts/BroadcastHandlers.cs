using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Audience;
using Segments.Core.Catalog;
using Segments.Orchestration;

namespace Segments.Api.Broadcasts;

/// <summary>
/// Broadcasts: a send scheduled as a resolution orchestration whose instance id is derived from the tenant and the
/// broadcast id (<see cref="BroadcastInstance"/>), so its state lives in the Durable backend and a tenant can only
/// reach its own. The orchestration waits on a durable timer until <c>sendAt</c>.
/// </summary>
public sealed class BroadcastHandlers(DurableTaskClient durable, SegmentCatalog catalog, IAudienceSink sink, ILogger<BroadcastHandlers> logger)
{
    public async Task<IResult> PostAsync(CallerTenant tenant, HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, refusal) = await JsonBody.ReadAsync(request, JsonBodyRules.Management, cancellationToken);
        if (body is null)
        {
            return refusal!.ToResult();
        }
        using var _ = body;
        var (broadcast, errors) = BroadcastRequest.Read(body.Root);
        if (broadcast is null)
        {
            return Problems.Invalid(errors);
        }
        if (await catalog.GetSegmentAsync(tenant.Id, broadcast.Segment, cancellationToken) is null)
        {
            return Problems.Invalid("$.segment", $"there is no segment '{broadcast.Segment}'");
        }
        var instance = BroadcastInstance.Id(tenant.Id, broadcast.Id);
        if (await durable.GetInstanceAsync(instance, cancellationToken) is not null)
        {
            return Problems.Refusal(StatusCodes.Status409Conflict, "The broadcast exists", "$.id",
                $"broadcast '{broadcast.Id}' was already scheduled; a broadcast is sent once, so give the new one another id");
        }
        var input = new ResolveAudienceInput(tenant.Id, broadcast.Id, broadcast.Segment, broadcast.List, broadcast.AsOf, broadcast.SendAt);
        await durable.ScheduleNewOrchestrationInstanceAsync(nameof(ResolveAudienceOrchestrator), input, new StartOrchestrationOptions(instance),
            cancellationToken);
        logger.LogInformation("Scheduled broadcast {Broadcast} of tenant {Tenant} to segment {Segment}", broadcast.Id, tenant.Id, broadcast.Segment);
        var state = await durable.GetInstanceAsync(instance, getInputsAndOutputs: true, cancellationToken);
        return TypedResults.Accepted($"/api/broadcasts/{broadcast.Id}", BroadcastView.Of(broadcast.Id, state!));
    }

    /// <summary>The orchestration's state, or for a broadcast the backend no longer knows, its manifest (the record of a completed send).</summary>
    public async Task<IResult> GetAsync(CallerTenant tenant, string id, CancellationToken cancellationToken) =>
        RouteIds.NotFoundUnless(RouteIds.IsId(id), "broadcast", id)
        ?? (await StateAsync(tenant, id, cancellationToken) is { } state ? TypedResults.Ok(BroadcastView.Of(id, state))
        : await ManifestAsync(tenant, id, cancellationToken) is { } manifest ? TypedResults.Ok(BroadcastView.Completed(id, manifest))
        : Problems.NotFound($"broadcast '{id}'"));

    /// <summary>The audience as NDJSON <c>{contactId, email}</c>, in contact id order, streamed from the parts.</summary>
    public async Task<IResult> AudienceAsync(CallerTenant tenant, string id, HttpResponse response, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), "broadcast", id) is { } unknown)
        {
            return unknown;
        }
        var address = new AudienceAddress(tenant.Id, id);
        var manifest = await ManifestAsync(tenant, id, cancellationToken);
        if (manifest is null && await StateAsync(tenant, id, cancellationToken) is null)
        {
            return Problems.NotFound($"broadcast '{id}'");
        }
        if (manifest is null)
        {
            return Problems.Refusal(StatusCodes.Status409Conflict, "The audience is not resolved yet", "$",
                $"broadcast '{id}' has no audience yet; GET /api/broadcasts/{id} tells when it is completed");
        }
        response.ContentType = "application/x-ndjson";
        var batch = new List<Recipient>(1024);
        await foreach (var recipient in AudienceReader.ReadAsync(sink, address, manifest, cancellationToken))
        {
            batch.Add(recipient);
            if (batch.Count == batch.Capacity)
            {
                await WriteAsync(response, batch, cancellationToken);
            }
        }
        await WriteAsync(response, batch, cancellationToken);
        return TypedResults.Empty;
    }

    private async Task<OrchestrationMetadata?> StateAsync(CallerTenant tenant, string id, CancellationToken cancellationToken) =>
        await durable.GetInstanceAsync(BroadcastInstance.Id(tenant.Id, id), getInputsAndOutputs: true, cancellationToken);

    private async Task<AudienceManifest?> ManifestAsync(CallerTenant tenant, string id, CancellationToken cancellationToken) =>
        await sink.ReadManifestAsync(new AudienceAddress(tenant.Id, id), cancellationToken);

    private static async Task WriteAsync(HttpResponse response, List<Recipient> batch, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        AudienceFormat.Write(buffer, batch);
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
        batch.Clear();
    }
}

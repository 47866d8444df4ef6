using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Audience;
using Segments.Core.Broadcasts;
using Segments.Core.Catalog;
using Segments.Core.Ports;
using Segments.Engine.Language;
using Segments.Orchestration;

namespace Segments.Api.Broadcasts;

/// <summary>
/// Broadcasts. The broadcast's record (<see cref="IBroadcastStore"/>) is the source of truth: kept before the request is
/// answered (an id is taken for ever, so the same id again is refused), then a resolution orchestration is scheduled,
/// by the host's <see cref="IBroadcastScheduler"/>
/// under an instance id derived from the tenant and the broadcast id (<see cref="BroadcastInstance"/>), so a tenant only reaches its own. If scheduling fails the broadcast is still kept, and <see cref="BroadcastResumer"/> schedules it.
/// </summary>
public sealed class BroadcastHandlers(SegmentCatalog catalog, IAudienceSink sink, IBroadcastStore broadcasts,
    TimeProvider time, ILogger<BroadcastHandlers> logger)
{
    public async Task<IResult> PostAsync(CallerTenant tenant, HttpRequest request, IBroadcastScheduler scheduler, CancellationToken cancellationToken)
    {
        var (body, refusal) = await JsonBody.ReadAsync(request, JsonBodyRules.Management, cancellationToken);
        if (body is null)
        {
            return refusal!.ToResult();
        }
        using var _ = body;
        var (asked, errors) = BroadcastRequest.Read(body.Root);
        if (asked is null)
        {
            return Problems.Invalid(errors);
        }
        var missing = new List<ValidationError>();
        foreach (var (segment, path) in (asked.Exclude ?? []).Select((e, i) => (e, $"$.exclude[{i}]")).Prepend((asked.Segment, "$.segment")))
        {
            if (await catalog.GetSegmentAsync(tenant.Id, segment, cancellationToken) is null)
            {
                missing.Add(new ValidationError(path, $"there is no segment '{segment}'"));
            }
        }
        if (missing.Count > 0)
        {
            return Problems.Invalid(missing);
        }
        var broadcast = new Broadcast(asked.Id, asked.Segment, asked.List, asked.SendAt, asked.AsOf, time.GetUtcNow()) { Exclude = asked.Exclude };
        // An audience with no record was resolved before broadcasts were kept as records: its id is taken too.
        if (await ManifestAsync(tenant, asked.Id, cancellationToken) is not null || !await broadcasts.AddAsync(tenant.Id, broadcast, cancellationToken))
        {
            return Problems.Refusal(StatusCodes.Status409Conflict, "The broadcast exists", "$.id",
                $"broadcast '{asked.Id}' was already scheduled; a broadcast is sent once, so give the new one another id");
        }
        try
        {
            await scheduler.ScheduleAsync(tenant.Id, broadcast, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Broadcast {Broadcast} of tenant {Tenant} is kept but could not be scheduled yet; it is resumed shortly", asked.Id,
                tenant.Id);
        }
        logger.LogInformation("Scheduled broadcast {Broadcast} of tenant {Tenant} to segment {Segment}", asked.Id, tenant.Id, asked.Segment);
        return TypedResults.Accepted($"/api/broadcasts/{asked.Id}", BroadcastView.Of(broadcast, null, null));
    }

    /// <summary>The record, with the orchestration's progress while it runs and the manifest once completed.</summary>
    public async Task<IResult> GetAsync(CallerTenant tenant, string id, IBroadcastScheduler scheduler, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), "broadcast", id) is { } unknown)
        {
            return unknown;
        }
        if (await RecordAsync(tenant, id, cancellationToken) is not { } broadcast)
        {
            return await ManifestAsync(tenant, id, cancellationToken) is { } legacy ? TypedResults.Ok(BroadcastView.Completed(id, legacy))
                : Problems.NotFound($"broadcast '{id}'");
        }
        var progress = broadcast.IsFinished ? null : await scheduler.ProgressAsync(tenant.Id, id, cancellationToken);
        var manifest = broadcast.Status == BroadcastStatus.Completed ? await ManifestAsync(tenant, id, cancellationToken) : null;
        return TypedResults.Ok(BroadcastView.Of(broadcast, progress, manifest));
    }

    /// <summary>The audience as NDJSON <c>{contactId, email}</c>, in contact id order, streamed from the parts.</summary>
    public async Task<IResult> AudienceAsync(CallerTenant tenant, string id, HttpResponse response, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), "broadcast", id) is { } unknown)
        {
            return unknown;
        }
        var address = new AudienceAddress(tenant.Id, id);
        var broadcast = await RecordAsync(tenant, id, cancellationToken);
        var manifest = broadcast is null or { Status: BroadcastStatus.Completed } ? await ManifestAsync(tenant, id, cancellationToken) : null;
        if (broadcast is null && manifest is null)
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

    private async Task<Broadcast?> RecordAsync(CallerTenant tenant, string id, CancellationToken cancellationToken) =>
        (await broadcasts.GetAsync(tenant.Id, id, cancellationToken))?.Broadcast;

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

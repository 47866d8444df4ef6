using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Catalog;
using Segments.Core.Jobs;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Engine.Language;
using Segments.Orchestration.Jobs;

namespace Segments.Api.Membership;

/// <summary>The change feed, drips and triggers; the tenant is always the caller's, so another tenant's ids are not found.</summary>
public sealed class MembershipHandlers(
    SegmentCatalog catalog, IMembershipStore membership, IConsumerStore consumers, ChangeDispatcher dispatcher, IJobStore jobs, TimeProvider time,
    ILogger<MembershipHandlers> logger)
{
    public const int DefaultPage = 100;
    public const int MaxPage = 1000;

    public async Task<IResult> ChangesAsync(CallerTenant tenant, string id, string? since, string? limit, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), "segment", id) is { } unknown)
        {
            return unknown;
        }
        var (after, max, refusal) = Paging(since, limit);
        if (refusal is not null)
        {
            return refusal;
        }
        if (await catalog.GetSegmentAsync(tenant.Id, id, cancellationToken) is null)
        {
            return Problems.NotFound($"segment '{id}'");
        }
        var changes = await membership.ChangesAsync(tenant.Id, id, after, max, cancellationToken);
        return TypedResults.Ok(new ChangePage(id, [.. changes.Select(ChangeView.From)], changes.Count > 0 ? changes[^1].Sequence : after));
    }

    /// <summary>
    /// Saves a drip or trigger and answers at once. A segment that nothing tracked yet has its baseline recorded by a job
    /// (its progress is in the resource's <c>baseline</c>, and at <c>/api/jobs/{job}</c>): the job is recorded first, then
    /// named in the catalog entry in the commit that starts tracking, then started, so a crash at any point leaves a job
    /// to resume and never a segment whose contacts enter falsely.
    /// </summary>
    public async Task<IResult> PutAsync(CallerTenant tenant, ConsumerKind kind, string id, HttpRequest request, IJobScheduler scheduler,
        CancellationToken cancellationToken)
    {
        if (RouteIds.InvalidUnless(RouteIds.IsId(id), What(kind), id, RouteIds.IdRule) is { } invalid)
        {
            return invalid;
        }
        var (body, refusal) = await JsonBody.ReadAsync(request, JsonBodyRules.Management, cancellationToken);
        if (body is null)
        {
            return refusal!.ToResult();
        }
        using var _ = body;
        var (consumer, errors) = Read(kind, id, body.Root);
        if (consumer is null)
        {
            return Problems.Invalid(errors);
        }
        var user = UserOf(kind, id);
        var job = new Job(tenant.Id, Job.NewId(JobKind.Baseline), JobKind.Baseline, JobStatus.Queued, time.GetUtcNow(),
            new BaselineInput(kind, id, consumer.Segment).ToJson());
        await jobs.CreateAsync(job, cancellationToken);
        var result = await catalog.SetUserAsync(tenant.Id, user, [new SegmentReference(consumer.Segment, "$.segment")], job.Id, cancellationToken);
        if (!result.Succeeded || result.Value!.Baseline is null)
        {
            // No baseline to record (refused, or the segment is tracked with its baseline already): the job ends at once.
            await jobs.FinishAsync(tenant.Id, job.Id, JobStatus.Completed, null, time.GetUtcNow(), cancellationToken);
        }
        if (!result.Succeeded)
        {
            return Problems.From(result);
        }
        await dispatcher.SaveAsync(tenant.Id, consumer, cancellationToken);
        if (result.Value!.Baseline is not null)
        {
            await scheduler.StartAsync(job, cancellationToken);
        }
        logger.LogInformation("Saved {User} on segment {Segment} of tenant {Tenant}", user, consumer.Segment, tenant.Id);
        var resource = await ResourceAsync(tenant.Id, consumer, result.Value, cancellationToken);
        return result.Status == CatalogStatus.Created
            ? TypedResults.Created($"/api/{CatalogUser.Word(user.Kind)}s/{id}", resource)
            : TypedResults.Ok(resource);
    }

    /// <summary>The resource with its baseline: the job recording it while there is one, else <c>completed</c>.</summary>
    private async Task<ConsumerResource> ResourceAsync(string tenant, Consumer consumer, CatalogEntry? entry, CancellationToken cancellationToken)
    {
        var baseline = entry?.Baseline is { } job && await jobs.GetAsync(tenant, job, cancellationToken) is { } running
            ? BaselineView.Of(running, (await jobs.PartsAsync(tenant, job, cancellationToken)).Count)
            : BaselineView.Completed;
        return ConsumerResource.From(consumer, baseline);
    }

    /// <summary>
    /// Deletes the drip or trigger with its records, then its use of the segment, which may then be deleted. A delete cut
    /// short between the two is finished by the next one (the segment stays used until then, never the other way round).
    /// </summary>
    public async Task<IResult> DeleteAsync(CallerTenant tenant, ConsumerKind kind, string id, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), What(kind), id) is { } unknown)
        {
            return unknown;
        }
        var deleted = await dispatcher.DeleteAsync(tenant.Id, kind, id, cancellationToken);
        var released = await catalog.RemoveUserAsync(tenant.Id, UserOf(kind, id), cancellationToken);
        if (!deleted && released.Status == CatalogStatus.NotFound)
        {
            return Problems.NotFound($"{What(kind)} '{id}'");
        }
        if (!released.Succeeded && released.Status != CatalogStatus.NotFound)
        {
            return Problems.From(released);
        }
        logger.LogInformation("Deleted {Kind} {Id} of tenant {Tenant}", kind, id, tenant.Id);
        return TypedResults.NoContent();
    }

    public async Task<IResult> GetAsync(CallerTenant tenant, ConsumerKind kind, string id, CancellationToken cancellationToken) =>
        RouteIds.NotFoundUnless(RouteIds.IsId(id), What(kind), id)
        ?? (await consumers.GetAsync(tenant.Id, kind, id, cancellationToken) is { } consumer
            ? TypedResults.Ok(await ResourceAsync(tenant.Id, consumer, await catalog.GetUserAsync(tenant.Id, UserOf(kind, id), cancellationToken),
                cancellationToken))
            : Problems.NotFound($"{What(kind)} '{id}'"));

    public async Task<IResult> RecordsAsync(CallerTenant tenant, ConsumerKind kind, string id, string? since, string? limit,
        CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), What(kind), id) is { } unknown)
        {
            return unknown;
        }
        var (after, max, refusal) = Paging(since, limit);
        if (refusal is not null)
        {
            return refusal;
        }
        if (await consumers.GetAsync(tenant.Id, kind, id, cancellationToken) is null)
        {
            return Problems.NotFound($"{What(kind)} '{id}'");
        }
        var records = await consumers.RecordsAsync(tenant.Id, kind, id, after, max, cancellationToken);
        return TypedResults.Ok(new RecordPage(id, [.. records.Select(RecordView.From)], records.Count > 0 ? records[^1].Change : after));
    }

    private static CatalogUser UserOf(ConsumerKind kind, string id) => new(kind == ConsumerKind.Drip ? CatalogUserKind.Drip : CatalogUserKind.Trigger, id);

    private static string What(ConsumerKind kind) => kind == ConsumerKind.Drip ? "drip" : "trigger";

    /// <summary><c>since</c> (a sequence, default 0) and <c>limit</c> (1 to <see cref="MaxPage"/>) come as text so a bad one gets a problem.</summary>
    private static (long After, int Max, IResult? Refusal) Paging(string? since, string? limit)
    {
        var errors = new List<ValidationError>();
        long after = 0;
        var max = DefaultPage;
        if (since is not null && !long.TryParse(since, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            errors.Add(new ValidationError("$.since", $"the query parameter since='{since}' is not a sequence number (the 'next' of a previous page)"));
        }
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > MaxPage))
        {
            errors.Add(new ValidationError("$.limit", $"the query parameter limit='{limit}' is not a whole number from 1 to {MaxPage}"));
        }
        return (after, max, errors.Count > 0 ? Problems.Invalid(errors) : null);
    }

    /// <summary>The body <c>{"segment": "…"}</c> of a drip, <c>{"segment": "…", "on": "entered" | "left"}</c> of a trigger.</summary>
    private static (Consumer? Consumer, IReadOnlyList<ValidationError> Errors) Read(ConsumerKind kind, string id, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, [new ValidationError("$", "the body is not a JSON object")]);
        }
        var errors = new List<ValidationError>();
        string[] known = kind == ConsumerKind.Drip ? ["segment"] : ["segment", "on"];
        foreach (var property in body.EnumerateObject().Where(p => !known.Contains(p.Name)))
        {
            errors.Add(new ValidationError($"$.{property.Name}", $"unknown property; a {What(kind)} has {string.Join(", ", known)}"));
        }
        var segment = body.TryGetProperty("segment", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : null;
        if (segment is null || !RouteIds.IsId(segment))
        {
            errors.Add(new ValidationError("$.segment", $"the id of the segment is required: {RouteIds.IdRule}"));
        }
        var on = ChangeKind.Entered;
        if (kind == ConsumerKind.Trigger
            && !(body.TryGetProperty("on", out var o) && o.ValueKind == JsonValueKind.String && MembershipChange.TryParseKind(o.GetString(), out on)))
        {
            errors.Add(new ValidationError("$.on", "'entered' or 'left' is required: which change fires the trigger"));
        }
        return errors.Count > 0 ? (null, errors) : (new Consumer(kind, id, segment!, on), []);
    }
}

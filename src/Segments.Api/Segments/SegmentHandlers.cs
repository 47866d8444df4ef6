using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Catalog;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Api.Segments;

/// <summary>The segment routes; the tenant is always the caller's.</summary>
public sealed class SegmentHandlers(SegmentCatalog catalog, SegmentPreview preview, TimeProvider time, ILogger<SegmentHandlers> logger)
{
    public async Task<IResult> PutAsync(CallerTenant tenant, string id, HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, refusal) = await JsonBody.ReadAsync(request, JsonBodyRules.Definition, cancellationToken);
        if (body is null)
        {
            return refusal!.ToResult();
        }
        using (body)
        {
            var (definition, idError) = JsonBody.WithId(body.Root, id);
            if (idError is not null)
            {
                return Problems.Invalid([idError]);
            }
            return await SaveAsync(tenant, definition, request, cancellationToken);
        }
    }

    private async Task<IResult> SaveAsync(CallerTenant tenant, System.Text.Json.JsonElement definition, HttpRequest request,
        CancellationToken cancellationToken)
    {
        var result = await catalog.SaveSegmentAsync(tenant.Id, definition, Preconditions.IfMatchOf(request), cancellationToken);
        if (!result.Succeeded)
        {
            return Problems.From(result);
        }
        var saved = SegmentResource.From(result.Value!);
        logger.LogInformation("Saved segment {Segment} version {Version} of tenant {Tenant}", saved.Id, saved.Version, tenant.Id);
        request.HttpContext.Response.Headers.ETag = saved.ETag;
        return result.Status == CatalogStatus.Created ? TypedResults.Created($"/api/segments/{saved.Id}", saved) : TypedResults.Ok(saved);
    }

    public async Task<IResult> GetAsync(CallerTenant tenant, string id, HttpResponse response, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), "segment", id) is { } unknown)
        {
            return unknown;
        }
        if (await catalog.GetSegmentAsync(tenant.Id, id, cancellationToken) is not { } entry)
        {
            return Problems.NotFound($"segment '{id}'");
        }
        var resource = SegmentResource.From(entry);
        response.Headers.ETag = resource.ETag;
        return TypedResults.Ok(resource);
    }

    public async Task<IResult> ListAsync(CallerTenant tenant, CancellationToken cancellationToken) =>
        TypedResults.Ok(new SegmentList([.. (await catalog.ListSegmentsAsync(tenant.Id, cancellationToken)).Select(SegmentResource.From)]));

    public async Task<IResult> DeleteAsync(CallerTenant tenant, string id, HttpRequest request, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), "segment", id) is { } unknown)
        {
            return unknown;
        }
        var result = await catalog.DeleteSegmentAsync(tenant.Id, id, Preconditions.IfMatchOf(request), cancellationToken);
        if (!result.Succeeded)
        {
            return Problems.From(result);
        }
        logger.LogInformation("Deleted segment {Segment} of tenant {Tenant}", id, tenant.Id);
        return TypedResults.NoContent();
    }

    public async Task<IResult> ValidateAsync(CallerTenant tenant, HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, refusal) = await JsonBody.ReadAsync(request, JsonBodyRules.Definition, cancellationToken);
        if (body is null)
        {
            return refusal!.ToResult();
        }
        using var _ = body;
        var result = await catalog.ValidateAsync(tenant.Id, body.Root, cancellationToken);
        return result.Value is { } d
            ? TypedResults.Ok(new ValidationReport(true, d.Id, [.. d.References.Select(r => r.Id)], d.Fields))
            : Problems.From(result);
    }

    /// <summary><c>asOf</c> (RFC 3339 date-time from 1970 to 2199, default now) and <c>sample</c> (0 to 100, default 10).</summary>
    public async Task<IResult> PreviewAsync(CallerTenant tenant, string id, string? asOf, string? sample, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), "segment", id) is { } unknown)
        {
            return unknown;
        }
        var errors = new List<ValidationError>();
        var at = QueryValues.AsOf(asOf, errors);
        var size = QueryValues.Sample(sample, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        var result = await preview.RunAsync(tenant.Id, id, at ?? time.GetUtcNow(), size, cancellationToken);
        return result is null ? Problems.NotFound($"segment '{id}'") : TypedResults.Ok(PreviewResponse.From(result));
    }

    /// <summary>
    /// The count of a definition that is not saved (a new one, or an edit: its <c>id</c> may name a saved segment, and one
    /// without an id is previewed as <see cref="DraftId"/>), checked as a save would check it: an estimate with its interval
    /// over large tenants unless <c>exact=true</c>, and a sample of members.
    /// </summary>
    public async Task<IResult> PreviewDraftAsync(CallerTenant tenant, HttpRequest request, string? asOf, string? sample, string? exact,
        CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        var at = QueryValues.AsOf(asOf, errors);
        var size = QueryValues.Sample(sample, errors);
        var wholeCount = QueryValues.Flag("exact", exact, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        var (body, refusal) = await JsonBody.ReadAsync(request, JsonBodyRules.Definition, cancellationToken);
        if (body is null)
        {
            return refusal!.ToResult();
        }
        using (body)
        {
            var root = body.Root;
            var definition = root.ValueKind == JsonValueKind.Object && !root.TryGetProperty("id", out _) ? JsonBody.WithId(root, DraftId).Body : root;
            var compiled = await catalog.CompileDraftAsync(tenant.Id, definition, cancellationToken);
            if (compiled.Value is not { } segment)
            {
                return Problems.From(compiled);
            }
            var result = await preview.CountAsync(tenant.Id, segment, at ?? time.GetUtcNow(), size, wholeCount, cancellationToken);
            return TypedResults.Ok(PreviewResponse.From(result));
        }
    }

    /// <summary>The id a definition without one is previewed under.</summary>
    public const string DraftId = "draft";
}

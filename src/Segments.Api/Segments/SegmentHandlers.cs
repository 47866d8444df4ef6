using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Catalog;
using Segments.Core.Language;
using Segments.Core.Model;

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

    /// <summary><c>asOf</c> (RFC 3339 date-time from 1970 to 2199, default now) and <c>sample</c> (0 to 100, default 10) come as text so a bad one gets a problem.</summary>
    public async Task<IResult> PreviewAsync(CallerTenant tenant, string id, string? asOf, string? sample, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), "segment", id) is { } unknown)
        {
            return unknown;
        }
        var errors = new List<ValidationError>();
        var at = Instants.Parse(asOf);
        if (asOf is not null && at is null)
        {
            errors.Add(new ValidationError("$.asOf", $"the query parameter asOf='{asOf}' is not {Instants.Rule}"));
        }
        var size = SegmentPreview.DefaultSample;
        if (sample is not null && (!int.TryParse(sample, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size > SegmentPreview.MaxSample))
        {
            errors.Add(new ValidationError("$.sample", $"the query parameter sample='{sample}' is not a whole number from 0 to {SegmentPreview.MaxSample}"));
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        var result = await preview.RunAsync(tenant.Id, id, at ?? time.GetUtcNow(), size, cancellationToken);
        return result is null
            ? Problems.NotFound($"segment '{id}'")
            : TypedResults.Ok(new PreviewResponse(result.Segment, Rfc3339.Format(result.AsOf), result.Count, result.Sample));
    }
}

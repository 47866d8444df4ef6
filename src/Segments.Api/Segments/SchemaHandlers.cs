using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Catalog;
using Segments.Engine.Input;
using Segments.Engine.Model;

namespace Segments.Api.Segments;

/// <summary>The tenant's field schema: <c>{"fields": {"plan": "text", ...}}</c>.</summary>
public sealed record SchemaResource(IReadOnlyDictionary<string, string> Fields)
{
    public static SchemaResource From(FieldSchema schema) =>
        new(schema.Custom.OrderBy(f => f.Key, StringComparer.Ordinal).ToDictionary(f => f.Key, f => FieldSchema.ToWord(f.Value)));
}

public sealed class SchemaHandlers(SegmentCatalog catalog, ILogger<SchemaHandlers> logger)
{
    public async Task<IResult> PutAsync(CallerTenant tenant, HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, refusal) = await JsonBody.ReadAsync(request, JsonBodyRules.Management, cancellationToken);
        if (body is null)
        {
            return refusal!.ToResult();
        }
        using var _ = body;
        var (schema, errors) = InputReader.ReadSchema(body.Root);
        if (schema is null)
        {
            return Problems.Invalid(errors);
        }
        var result = await catalog.SetSchemaAsync(tenant.Id, schema, cancellationToken);
        if (!result.Succeeded)
        {
            return Problems.From(result);
        }
        logger.LogInformation("Set the schema of tenant {Tenant}: {FieldCount} fields", tenant.Id, schema.Custom.Count);
        return TypedResults.Ok(SchemaResource.From(schema));
    }

    public async Task<IResult> GetAsync(CallerTenant tenant, CancellationToken cancellationToken) =>
        TypedResults.Ok(SchemaResource.From(await catalog.GetSchemaAsync(tenant.Id, cancellationToken)));
}

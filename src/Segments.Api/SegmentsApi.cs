using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Api.Authentication;
using Segments.Api.Contacts;
using Segments.Api.Http;
using Segments.Api.Segments;
using Segments.Api.Suppressions;
using Segments.Api.Tenancy;
using Segments.Core.Catalog;
using Segments.Core.Contacts;
using Segments.Core.Ports;
using Segments.Core.Tenancy;

namespace Segments.Api;

/// <summary>
/// The management API (segments, schema, contacts, suppressions) for any ASP.NET Core host: <c>segments serve</c>
/// and the Functions app. The host registers the stores (<see cref="ICatalogStore"/>,
/// <see cref="Core.Ports.ISuppressionStore"/>, <see cref="Core.Ports.IContactStore"/>).
/// </summary>
public static class SegmentsApi
{
    /// <summary>Handlers, the catalog service, API-key authentication with the tenants of <c>Segments:Tenants</c>, OpenAPI.</summary>
    public static IServiceCollection AddSegmentsApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TenantsOptions>().Bind(configuration.GetSection(TenantsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TenantsOptions>, TenantsOptionsValidation>();
        services.TryAddSingleton<ITenantDirectory>(provider =>
            new ConfiguredTenantDirectory(provider.GetRequiredService<IOptions<TenantsOptions>>().Value.Tenants));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Readiness>();
        services.AddSingleton<SegmentCatalog>();
        services.TryAddSingleton(provider => new PartitionForms(provider.GetRequiredService<IContactStore>()));
        services.AddSingleton<SegmentPreview>();
        services.AddSingleton<SegmentHandlers>();
        services.AddSingleton<MemberHandlers>();
        services.AddSingleton<SchemaHandlers>();
        services.AddSingleton<ContactErasure>();
        services.AddSingleton<ContactHandlers>();
        services.AddSingleton<SuppressionHandlers>();
        services.AddCallerAuthentication(configuration);
        services.AddProblemDetails();
        services.AddMetrics();
        services.AddOpenApi(ApiDocument.Configure);
        return services;
    }

    /// <summary>The routes under <c>/api</c>; all but the OpenAPI document need an API key.</summary>
    public static IEndpointRouteBuilder MapSegmentsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi(ApiDocument.Path).AllowAnonymous();
        var api = endpoints.MapGroup("/api").RequireApiKey();

        var segments = api.MapGroup("/segments").WithTags("Segments");
        segments.MapGet("", (SegmentHandlers h, CallerTenant t, CancellationToken ct) => h.ListAsync(t, ct))
            .WithSummary("List the tenant's segments").Produces<SegmentList>();
        segments.MapPost("/validate", (SegmentHandlers h, CallerTenant t, HttpRequest r, CancellationToken ct) => h.ValidateAsync(t, r, ct))
            .WithSummary("Validate a definition without saving it").AcceptsDefinition()
            .Produces<ValidationReport>().ProducesProblem(StatusCodes.Status400BadRequest);
        segments.MapPut("/{id}", (SegmentHandlers h, CallerTenant t, string id, HttpRequest r, CancellationToken ct) => h.PutAsync(t, id, r, ct))
            .WithSummary("Create or replace a definition (If-Match honoured)").AcceptsDefinition().HonoursIfMatch()
            .Produces<SegmentResource>().Produces<SegmentResource>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        segments.MapGet("/{id}", (SegmentHandlers h, CallerTenant t, string id, HttpResponse r, CancellationToken ct) => h.GetAsync(t, id, r, ct))
            .WithSummary("Read a definition").Produces<SegmentResource>().ProducesProblem(StatusCodes.Status404NotFound);
        segments.MapDelete("/{id}", (SegmentHandlers h, CallerTenant t, string id, HttpRequest r, CancellationToken ct) => h.DeleteAsync(t, id, r, ct))
            .WithSummary("Delete a definition nothing uses (If-Match honoured)").HonoursIfMatch().Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        segments.MapGet("/{id}/preview", (SegmentHandlers h, CallerTenant t, string id, string? asOf, string? sample, CancellationToken ct) =>
                h.PreviewAsync(t, id, asOf, sample, ct))
            .WithSummary("Count the members now (or at asOf) and show the first by id").Produces<PreviewResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/segments:preview", (SegmentHandlers h, CallerTenant t, HttpRequest r, string? asOf, string? sample, string? exact,
                CancellationToken ct) => h.PreviewDraftAsync(t, r, asOf, sample, exact, ct))
            .WithTags("Segments").WithSummary("Count an unsaved definition (estimated with its 95 % interval over large tenants unless exact=true) and show members")
            .AcceptsDefinition().Produces<PreviewResponse>().ProducesProblem(StatusCodes.Status400BadRequest);
        segments.MapGet("/{id}/members", (MemberHandlers h, CallerTenant t, string id, string? asOf, HttpRequest r, CancellationToken ct) =>
                h.MembersAsync(t, id, asOf, r, ct))
            .WithSummary("The members now (or at asOf), streamed as NDJSON {contactId, email}, or CSV when the request accepts text/csv")
            .Produces(StatusCodes.Status200OK, contentType: MemberHandlers.Ndjson, additionalContentTypes: MemberHandlers.Csv)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        segments.MapGet("/{id}/explain/{contactId}", (MemberHandlers h, CallerTenant t, string id, string contactId, string? asOf, CancellationToken ct) =>
                h.ExplainAsync(t, id, contactId, asOf, ct))
            .WithSummary("Why the contact is in the segment or not, now (or at asOf): each condition's truth value and evidence")
            .Produces<Engine.Evaluation.SegmentExplanation>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        var schema = api.MapGroup("/schema").WithTags("Schema");
        schema.MapPut("", (SchemaHandlers h, CallerTenant t, HttpRequest r, CancellationToken ct) => h.PutAsync(t, r, ct))
            .WithSummary("Set the field schema (a used field keeps its type)")
            .AcceptsJson<SchemaResource>("The custom fields by name: text, number, date, boolean or tags")
            .Produces<SchemaResource>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        schema.MapGet("", (SchemaHandlers h, CallerTenant t, CancellationToken ct) => h.GetAsync(t, ct))
            .WithSummary("Read the field schema").Produces<SchemaResource>();

        var contacts = api.MapGroup("/contacts").WithTags("Contacts");
        contacts.MapPut("/{id}", (ContactHandlers h, CallerTenant t, string id, HttpRequest r, CancellationToken ct) => h.PutAsync(t, id, r, ct))
            .WithSummary("Upsert a contact's profile").AcceptsJson<ContactInput>("The profile: email, names, custom fields and lists")
            .Produces<ContactView>().Produces<ContactView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        contacts.MapGet("/{id}", (ContactHandlers h, CallerTenant t, string id, CancellationToken ct) => h.GetAsync(t, id, ct))
            .WithSummary("Read a contact: profile, folded activity, suppressions").Produces<ContactView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        contacts.MapDelete("/{id}", (ContactHandlers h, CallerTenant t, string id, CancellationToken ct) => h.DeleteAsync(t, id, ct))
            .WithSummary("Erase the contact on every store; salted hashes of its id and address stay as a global suppression")
            .Produces(StatusCodes.Status204NoContent);

        var suppressions = api.MapGroup("/suppressions").WithTags("Suppressions");
        suppressions.MapPost("", (SuppressionHandlers h, CallerTenant t, HttpRequest r, CancellationToken ct) => h.PostAsync(t, r, ct))
            .WithSummary("Add suppressions (an array, all or none)")
            .AcceptsJson<SuppressionInput[]>($"At most {SuppressionHandlers.MaxBatch} suppressions")
            .Produces<SuppressionReceipt>().ProducesProblem(StatusCodes.Status400BadRequest);
        suppressions.MapGet("", (SuppressionHandlers h, CallerTenant t, string? reason, string? cursor, string? limit, CancellationToken ct) =>
                h.ListAsync(t, reason, cursor, limit, ct))
            .WithSummary("The explicit suppressions, of one reason if given, a page at a time (cursor: the next of the page before)")
            .Produces<SuppressionPage>().ProducesProblem(StatusCodes.Status400BadRequest);
        suppressions.MapDelete("/{contactId}/{reason}", (SuppressionHandlers h, CallerTenant t, string contactId, string reason, CancellationToken ct) =>
                h.DeleteAsync(t, contactId, reason, ct))
            .WithSummary("Remove a contact's manual suppression (the other reasons are facts and stay)").Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }
}

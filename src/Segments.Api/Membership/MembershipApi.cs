using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.Api.Membership;

public static class MembershipApi
{
    /// <summary>
    /// The handlers, the membership tracker and the daily report of each configured tenant, taken at start-up and every
    /// UTC midnight. The host registers the <see cref="IMembershipStore"/>, <see cref="IConsumerStore"/> and
    /// <see cref="IReportStore"/> (with <see cref="SegmentsApi.AddSegmentsApi"/>, which brings the catalog and the tenants).
    /// </summary>
    public static IServiceCollection AddMembershipApi(this IServiceCollection services) =>
        services.AddMembershipHandlers().AddHostedService<DailyReportLoop>();

    /// <summary>
    /// As <see cref="AddMembershipApi"/> but with nothing running on its own: a host that schedules the time sweep and
    /// <see cref="TenantReports"/> itself (the Functions app's timers) registers this.
    /// </summary>
    public static IServiceCollection AddMembershipHandlers(this IServiceCollection services)
    {
        services.AddMembershipTracking();
        services.TryAddSingleton<MembershipHandlers>();
        services.TryAddSingleton<ReportHandlers>();
        services.TryAddSingleton<TenantReports>();
        return services;
    }

    /// <summary>
    /// <c>GET /api/segments/{id}/changes</c>, <c>GET /api/segments/{id}/report</c>, <c>PUT|GET|DELETE /api/drips/{id}</c>, <c>GET /api/drips/{id}/enrollments</c>,
    /// <c>PUT|GET|DELETE /api/triggers/{id}</c>, <c>GET /api/triggers/{id}/firings</c>; an API key is required.
    /// </summary>
    public static IEndpointRouteBuilder MapMembershipApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").RequireApiKey();
        api.MapGet("/segments/{id}/changes", (MembershipHandlers h, CallerTenant t, string id, string? since, string? limit, CancellationToken ct) =>
                h.ChangesAsync(t, id, since, limit, ct))
            .WithTags("Segments").WithSummary("Contacts entering and leaving a segment used by a drip or trigger, in recorded order, after since")
            .Produces<ChangePage>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/segments/{id}/report", (ReportHandlers h, CallerTenant t, string id, string? from, string? to, string? by, CancellationToken ct) =>
                h.GetAsync(t, id, from, to, by, ct))
            .WithTags("Segments").WithSummary("Daily member counts from one day to another, in total or by country, client or list")
            .Produces<ReportResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        Consumers(api.MapGroup("/drips").WithTags("Drips"), ConsumerKind.Drip, "enrollments", "Contacts enrolled, once each, on entering the segment");
        Consumers(api.MapGroup("/triggers").WithTags("Triggers"), ConsumerKind.Trigger, "firings", "Firings, once per change of the kind 'on'");
        return endpoints;
    }

    private static RouteHandlerBuilder AcceptsJson(this RouteHandlerBuilder builder, ConsumerKind kind) => kind == ConsumerKind.Drip
        ? builder.AcceptsJson<DripRequest>("The segment whose entering contacts are enrolled")
        : builder.AcceptsJson<TriggerRequest>("The segment, and which change fires the trigger");

    private static void Consumers(RouteGroupBuilder group, ConsumerKind kind, string records, string recordsSummary)
    {
        group.MapPut("/{id}", (MembershipHandlers h, CallerTenant t, string id, HttpRequest r, [FromServices] IJobScheduler jobs, CancellationToken ct) =>
                h.PutAsync(t, kind, id, r, jobs, ct))
            .WithSummary(kind == ConsumerKind.Drip
                ? "Create or replace a drip: {segment}; answers at once, the segment's baseline is recorded by a job (see baseline)"
                : "Create or replace a trigger: {segment, on}; answers at once, the segment's baseline is recorded by a job (see baseline)")
            .AcceptsJson(kind)
            .Produces<ConsumerResource>().Produces<ConsumerResource>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}", (MembershipHandlers h, CallerTenant t, string id, CancellationToken ct) => h.GetAsync(t, kind, id, ct))
            .WithSummary("Read it").Produces<ConsumerResource>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id}", (MembershipHandlers h, CallerTenant t, string id, CancellationToken ct) => h.DeleteAsync(t, kind, id, ct))
            .WithSummary("Delete it with its records; the segment it used is free again").Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet($"/{{id}}/{records}", (MembershipHandlers h, CallerTenant t, string id, string? since, string? limit, CancellationToken ct) =>
                h.RecordsAsync(t, kind, id, since, limit, ct))
            .WithSummary(recordsSummary).Produces<RecordPage>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Segments.Api.Authentication;
using Segments.Api.Contacts;
using Segments.Api.Http;
using Segments.Core.Contacts;
using Segments.Core.Contacts.Import;
using Segments.Core.Ports;
using Segments.Orchestration.Jobs;

namespace Segments.Api.Jobs;

public static class JobsApi
{
    /// <summary>
    /// The job handlers and the work of jobs (<see cref="JobWork"/>: imports, baselines). The host registers the
    /// <see cref="IJobStore"/> and the <see cref="IImportSpool"/>, runs the job orchestration (<c>AddJobs</c>) and gives the
    /// routes that start jobs an <see cref="IJobScheduler"/> (with <see cref="SegmentsApi.AddSegmentsApi"/> and the membership API).
    /// </summary>
    public static IServiceCollection AddJobsApi(this IServiceCollection services)
    {
        services.TryAddSingleton<JobHandlers>();
        services.TryAddSingleton<ProfileWriter>();
        services.TryAddSingleton<ContactImport>();
        services.TryAddSingleton<JobWork>();
        services.TryAddSingleton<JobRecovery>();
        return services;
    }

    /// <summary><c>POST /api/contacts:import</c> and <c>GET /api/jobs/{id}</c>; an API key is required.</summary>
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").RequireApiKey();
        api.MapPost("/contacts:import", (JobHandlers h, CallerTenant t, HttpRequest r, [FromServices] IJobScheduler jobs, CancellationToken ct) =>
                h.ImportAsync(t, r, jobs, ct))
            .WithTags("Contacts")
            .WithSummary("Import contacts from NDJSON (one contact a line) or CSV (a header naming the columns), any size: 202 with the job")
            // The schema is that of one contact: NDJSON has one such object a line, CSV a column for each property.
            .AcceptsJson<ContactInput>("NDJSON: one contact a line in the PUT /api/contacts/{id} shape, id required; or CSV: a header line naming the columns (id, email, firstName, lastName, createdAt, fields.NAME, lists.ID)",
                contentTypes: [JobHandlers.Ndjson, JobHandlers.Csv])
            .Produces<JobView>(StatusCodes.Status202Accepted);
        api.MapGet("/jobs/{id}", (JobHandlers h, CallerTenant t, string id, CancellationToken ct) => h.GetAsync(t, id, ct))
            .WithTags("Jobs").WithSummary("A long job's progress and outcome (an import, a drip's or trigger's baseline), with line-numbered errors")
            .Produces<JobView>().ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }
}

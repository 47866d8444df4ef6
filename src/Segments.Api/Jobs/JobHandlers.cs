using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Contacts.Import;
using Segments.Core.Jobs;
using Segments.Core.Ports;

namespace Segments.Api.Jobs;

/// <summary>Imports of contacts as jobs, and every job's progress; the tenant is always the caller's.</summary>
public sealed class JobHandlers(IJobStore jobs, IImportSpool spool, TimeProvider time, ILogger<JobHandlers> logger)
{
    public const string Ndjson = "application/x-ndjson";
    public const string Csv = "text/csv";

    public async Task<IResult> GetAsync(CallerTenant tenant, string id, CancellationToken cancellationToken) =>
        RouteIds.NotFoundUnless(RouteIds.IsId(id), "job", id)
        ?? (await ViewAsync(tenant.Id, id, cancellationToken) is { } view ? TypedResults.Ok(view) : Problems.NotFound($"job '{id}'"));

    public async Task<JobView?> ViewAsync(string tenant, string id, CancellationToken cancellationToken) =>
        await jobs.GetAsync(tenant, id, cancellationToken) is { } job ? JobView.From(job, await jobs.PartsAsync(tenant, id, cancellationToken)) : null;

    /// <summary>
    /// <c>POST /api/contacts:import</c>: the body (NDJSON, or CSV whose first line names the columns; <c>Content-Type</c>
    /// says which) is spooled as it streams in, whatever its size, then the job is recorded and started, and the answer
    /// is 202 with the job. Each line is checked and written by the job; a bad line is rejected with its line number.
    /// </summary>
    public async Task<IResult> ImportAsync(CallerTenant tenant, HttpRequest request, IJobScheduler scheduler, CancellationToken cancellationToken)
    {
        var mediaType = request.GetTypedHeaders().ContentType?.MediaType.Value;
        ImportFormat format;
        if (string.Equals(mediaType, Csv, StringComparison.OrdinalIgnoreCase))
        {
            format = ImportFormat.Csv;
        }
        else if (mediaType is not null && (mediaType.Equals(Ndjson, StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/jsonl", StringComparison.OrdinalIgnoreCase)))
        {
            format = ImportFormat.Ndjson;
        }
        else
        {
            return Problems.Refusal(StatusCodes.Status415UnsupportedMediaType, "The upload's type is not one the import reads", "$",
                $"send the contacts as {Ndjson} (one contact a line) or as {Csv} (a header line naming the columns), with that Content-Type");
        }
        // Any size: the body is streamed to the spool, never held whole.
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }
        var id = Job.NewId(JobKind.Import);
        var (input, errors) = await ImportSpooler.SpoolAsync(request.Body, format, spool, tenant.Id, id, cancellationToken);
        if (input is null)
        {
            await spool.DeleteAsync(tenant.Id, id, cancellationToken);
            return Problems.Invalid(errors);
        }
        var job = new Job(tenant.Id, id, JobKind.Import, JobStatus.Queued, time.GetUtcNow(), input.ToJson());
        await jobs.CreateAsync(job, cancellationToken);
        await scheduler.StartAsync(job, cancellationToken);
        logger.LogInformation("Import {Job} of tenant {Tenant}: {Records} records in {Chunks} chunks", id, tenant.Id, input.Records, input.Chunks);
        return TypedResults.Accepted($"/api/jobs/{id}", JobView.From(job, []));
    }
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using Segments.Core.Catalog;
using Segments.Core.Contacts.Import;
using Segments.Core.Jobs;
using Segments.Core.Membership;
using Segments.Core.Ports;

namespace Segments.Orchestration.Jobs;

/// <summary>What a baseline job is given: the drip or trigger whose save started tracking the segment.</summary>
public sealed record BaselineInput(ConsumerKind Kind, string Consumer, string Segment)
{
    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static BaselineInput Parse(string json) => JsonSerializer.Deserialize<BaselineInput>(json, JsonSerializerOptions.Web)!;

    public CatalogUser User => new(Kind == ConsumerKind.Drip ? CatalogUserKind.Drip : CatalogUserKind.Trigger, Consumer);
}

/// <summary>
/// The steps of a job by kind, over the job store, for <see cref="RunJobOrchestrator"/> in either host. An import's parts
/// are its spooled chunks; a baseline's are the contact partitions, none when a later save of the drip or trigger took
/// the baseline over (or it is gone). Each part's outcome is recorded once, and a part recorded already is not run again.
/// </summary>
public sealed class JobWork(IJobStore jobs, IImportSpool spool, ContactImport import, SegmentCatalog catalog, MembershipTracker tracker,
    IContactStore contacts, TimeProvider time, ILogger<JobWork> logger)
{
    public async Task<IReadOnlyList<string>> PlanAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        var job = await RequiredAsync(tenant, id, cancellationToken);
        IReadOnlyList<string> parts = job.Kind switch
        {
            JobKind.Import => [.. Enumerable.Range(0, ImportInput.Parse(job.Input).Chunks).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            JobKind.Baseline when await StillBaselinesAsync(job, cancellationToken) => await contacts.ListPartitionsAsync(tenant, cancellationToken),
            _ => [],
        };
        await jobs.StartAsync(tenant, id, parts.Count, cancellationToken);
        logger.LogInformation("Job {Job} of tenant {Tenant} runs in {Parts} parts", id, tenant, parts.Count);
        return parts;
    }

    public async Task<JobPartOutcome> RunPartAsync(string tenant, string id, int index, string part, CancellationToken cancellationToken = default)
    {
        if ((await jobs.PartsAsync(tenant, id, cancellationToken)).FirstOrDefault(p => p.Index == index) is { } done)
        {
            return new JobPartOutcome(done.Done, done.Rejected);
        }
        var job = await RequiredAsync(tenant, id, cancellationToken);
        JobPart outcome;
        switch (job.Kind)
        {
            case JobKind.Import:
                var schema = await catalog.GetSchemaAsync(tenant, cancellationToken);
                await using (var chunk = await spool.OpenChunkAsync(tenant, id, index, cancellationToken))
                {
                    outcome = await import.ImportChunkAsync(tenant, index, chunk, ImportInput.Parse(job.Input), schema, cancellationToken);
                }
                break;
            default:
                var evaluated = await tracker.BaselinePartitionAsync(tenant, BaselineInput.Parse(job.Input).Segment, part, cancellationToken);
                outcome = new JobPart(index, evaluated, 0, []);
                break;
        }
        await jobs.CompletePartAsync(tenant, id, outcome, cancellationToken);
        return new JobPartOutcome(outcome.Done, outcome.Rejected);
    }

    /// <summary>
    /// Ends the job: an import's chunks are deleted; a completed baseline is marked done in the catalog (unless a later save
    /// took it over), while a failed one stays pending there (contacts it did not reach must not enter falsely; saving the
    /// drip or trigger again starts a new one).
    /// </summary>
    public async Task EndAsync(string tenant, string id, string? error, CancellationToken cancellationToken = default)
    {
        var job = await RequiredAsync(tenant, id, cancellationToken);
        if (job.Kind == JobKind.Import)
        {
            await spool.DeleteAsync(tenant, id, cancellationToken);
        }
        else if (error is null)
        {
            await catalog.FinishBaselineAsync(tenant, BaselineInput.Parse(job.Input).User, id, cancellationToken);
        }
        await jobs.FinishAsync(tenant, id, error is null ? JobStatus.Completed : JobStatus.Failed, error, time.GetUtcNow(), cancellationToken);
        if (error is null)
        {
            logger.LogInformation("Job {Job} of tenant {Tenant} completed", id, tenant);
        }
        else
        {
            logger.LogError("Job {Job} of tenant {Tenant} failed: {Error}", id, tenant, error);
        }
    }

    private async Task<bool> StillBaselinesAsync(Job job, CancellationToken cancellationToken) =>
        (await catalog.GetUserAsync(job.Tenant, BaselineInput.Parse(job.Input).User, cancellationToken))?.Baseline == job.Id;

    private async Task<Job> RequiredAsync(string tenant, string id, CancellationToken cancellationToken) =>
        await jobs.GetAsync(tenant, id, cancellationToken) ?? throw new InvalidOperationException($"job '{id}' of tenant '{tenant}' is not recorded");
}

using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Segments.Azure.Tables;
using Segments.Core.Jobs;
using Segments.Core.Ports;

namespace Segments.Azure.Jobs;

/// <summary>
/// Jobs in Table storage: a partition per job (<c>{tenant}|{job}</c>) holding the job's row (<c>job</c>) and a row per
/// part done (<c>p|{index}</c>, added once: a second add of the same part fails and keeps the first), and the partition
/// <c>unfinished</c> with a row per queued or running job (<c>{tenant}|{job}</c>), written before the job and removed when it
/// ends, which the resume after a lost start reads. Every key part is escaped (<see cref="TableKeys"/>).
/// </summary>
public sealed class TableJobStore(TableClient table) : IJobStore
{
    private const string JobRow = "job";
    private const string Unfinished = "unfinished";

    // A string property holds at most 32 Ki UTF-16 code units: a part keeps as many of its errors as fit.
    private const int MaxErrorsLength = 30_000;

    private readonly LazyTable _table = new(table);

    public async Task<bool> CreateAsync(Job job, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        await client.UpsertEntityAsync(new TableEntity(Unfinished, TableKeys.Join(job.Tenant, job.Id)) { ["Tenant"] = job.Tenant, ["Job"] = job.Id },
            TableUpdateMode.Replace, cancellationToken);
        try
        {
            await client.AddEntityAsync(new TableEntity(Partition(job.Tenant, job.Id), JobRow)
            {
                ["Tenant"] = job.Tenant,
                ["Id"] = job.Id,
                ["Kind"] = (int)job.Kind,
                ["Status"] = (int)job.Status,
                ["CreatedTicks"] = job.Created.UtcTicks,
                ["Input"] = job.Input,
                ["Parts"] = job.Parts,
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<Job?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var found = await client.GetEntityIfExistsAsync<TableEntity>(Partition(tenant, id), JobRow, cancellationToken: cancellationToken);
        return found.HasValue ? ToJob(found.Value!) : null;
    }

    public Task StartAsync(string tenant, string id, int parts, CancellationToken cancellationToken = default) =>
        UpdateAsync(tenant, id, entity =>
        {
            entity["Status"] = (int)JobStatus.Running;
            entity["Parts"] = parts;
        }, cancellationToken);

    public async Task<bool> CompletePartAsync(string tenant, string id, JobPart part, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var errors = part.Errors.ToList();
        var json = JsonSerializer.Serialize(errors);
        while (json.Length > MaxErrorsLength)
        {
            errors.RemoveAt(errors.Count - 1);
            json = JsonSerializer.Serialize(errors);
        }
        try
        {
            await client.AddEntityAsync(new TableEntity(Partition(tenant, id), PartRow(part.Index))
            {
                ["Index"] = part.Index,
                ["Done"] = part.Done,
                ["Rejected"] = part.Rejected,
                ["Errors"] = json,
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<JobPart>> PartsAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(tenant, id)} and RowKey gt {"p|"} and RowKey lt {TableKeys.AfterPrefix("p")}");
        var parts = new List<JobPart>();
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            parts.Add(new JobPart(entity.GetInt32("Index")!.Value, entity.GetInt64("Done")!.Value, entity.GetInt64("Rejected")!.Value,
                JsonSerializer.Deserialize<JobError[]>(entity.GetString("Errors"))!));
        }
        return parts;
    }

    public async Task FinishAsync(string tenant, string id, JobStatus status, string? error, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await UpdateAsync(tenant, id, entity =>
        {
            entity["Status"] = (int)status;
            entity["Error"] = error;
            entity["FinishedTicks"] = at.UtcTicks;
        }, cancellationToken);
        var client = await _table.GetAsync(cancellationToken);
        await client.DeleteEntityAsync(Unfinished, TableKeys.Join(tenant, id), ETag.All, cancellationToken);
    }

    public async Task<IReadOnlyList<Job>> UnfinishedAsync(CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var jobs = new List<Job>();
        await foreach (var entry in client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Unfinished}"),
            cancellationToken: cancellationToken))
        {
            var (tenant, id) = (entry.GetString("Tenant"), entry.GetString("Job"));
            if (await GetAsync(tenant, id, cancellationToken) is { IsFinished: false } job)
            {
                jobs.Add(job);
            }
            else
            {
                // Its job was never written (a create cut short) or ended before the entry could go.
                await client.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, ETag.All, cancellationToken);
            }
        }
        return jobs;
    }

    /// <summary>Changes a job that has not ended, under its ETag (a concurrent change makes it read again).</summary>
    private async Task UpdateAsync(string tenant, string id, Action<TableEntity> change, CancellationToken cancellationToken)
    {
        var client = await _table.GetAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var found = await client.GetEntityIfExistsAsync<TableEntity>(Partition(tenant, id), JobRow, cancellationToken: cancellationToken);
            if (!found.HasValue || ToJob(found.Value!).IsFinished)
            {
                return;
            }
            var entity = found.Value!;
            change(entity);
            try
            {
                await client.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < Membership.TableContention.MaxAttempts)
            {
                await Membership.TableContention.BackOffAsync(attempt, cancellationToken);
            }
        }
    }

    private static string Partition(string tenant, string id) => TableKeys.Join(tenant, id);

    private static string PartRow(int index) => "p|" + TableKeys.Number(index);

    private static Job ToJob(TableEntity entity) =>
        new(entity.GetString("Tenant"), entity.GetString("Id"), (JobKind)entity.GetInt32("Kind")!.Value, (JobStatus)entity.GetInt32("Status")!.Value,
            new DateTimeOffset(entity.GetInt64("CreatedTicks")!.Value, TimeSpan.Zero), entity.GetString("Input"))
        {
            Parts = entity.GetInt32("Parts") ?? 0,
            Finished = entity.GetInt64("FinishedTicks") is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null,
            Error = entity.GetString("Error"),
        };
}

using System.Text.Json;
using Microsoft.Data.Sqlite;
using Segments.Core.Jobs;
using Segments.Core.Ports;
using Segments.Embedded.Catalog;

namespace Segments.Embedded.Jobs;

/// <summary>
/// Jobs in SQLite for the single-machine runtime: a row per job, and a row per part done (its errors as JSON), keyed by
/// index so a part is kept once. Written before a job is acknowledged, so a job survives a restart and is resumed.
/// </summary>
public sealed class SqliteJobStore(string connectionString) : IJobStore
{
    private readonly SqliteTables _tables = new(connectionString, """
        CREATE TABLE IF NOT EXISTS jobs (
            tenant TEXT NOT NULL,
            id TEXT NOT NULL,
            kind INTEGER NOT NULL,
            status INTEGER NOT NULL,
            created INTEGER NOT NULL,
            input TEXT NOT NULL,
            parts INTEGER NOT NULL DEFAULT 0,
            finished INTEGER,
            error TEXT,
            PRIMARY KEY (tenant, id));
        CREATE INDEX IF NOT EXISTS jobs_unfinished ON jobs (status) WHERE status < 2;
        CREATE TABLE IF NOT EXISTS job_parts (
            tenant TEXT NOT NULL,
            id TEXT NOT NULL,
            part INTEGER NOT NULL,
            done INTEGER NOT NULL,
            rejected INTEGER NOT NULL,
            errors TEXT NOT NULL,
            PRIMARY KEY (tenant, id, part));
        """);

    private const string Columns = "tenant, id, kind, status, created, input, parts, finished, error";

    public async Task<bool> CreateAsync(Job job, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var insert = SqliteTables.Command(connection, $"""
            INSERT INTO jobs ({Columns}) VALUES ($tenant, $id, $kind, $status, $created, $input, $parts, NULL, NULL) ON CONFLICT DO NOTHING
            """, ("$tenant", job.Tenant), ("$id", job.Id), ("$kind", (int)job.Kind), ("$status", (int)job.Status), ("$created", job.Created.UtcTicks),
            ("$input", job.Input), ("$parts", job.Parts));
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<Job?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default) =>
        (await ReadAsync("WHERE tenant = $tenant AND id = $id", cancellationToken, ("$tenant", tenant), ("$id", id))).SingleOrDefault();

    public async Task StartAsync(string tenant, string id, int parts, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await SqliteTables.ExecuteAsync(connection, "UPDATE jobs SET status = $running, parts = $parts WHERE tenant = $tenant AND id = $id AND status < 2",
            cancellationToken, ("$running", (int)JobStatus.Running), ("$parts", parts), ("$tenant", tenant), ("$id", id));
    }

    public async Task<bool> CompletePartAsync(string tenant, string id, JobPart part, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var insert = SqliteTables.Command(connection, """
            INSERT INTO job_parts (tenant, id, part, done, rejected, errors) VALUES ($tenant, $id, $part, $done, $rejected, $errors) ON CONFLICT DO NOTHING
            """, ("$tenant", tenant), ("$id", id), ("$part", part.Index), ("$done", part.Done), ("$rejected", part.Rejected),
            ("$errors", JsonSerializer.Serialize(part.Errors)));
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<JobPart>> PartsAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection,
            "SELECT part, done, rejected, errors FROM job_parts WHERE tenant = $tenant AND id = $id ORDER BY part", ("$tenant", tenant), ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var parts = new List<JobPart>();
        while (await reader.ReadAsync(cancellationToken))
        {
            parts.Add(new JobPart(reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), JsonSerializer.Deserialize<JobError[]>(reader.GetString(3))!));
        }
        return parts;
    }

    public async Task FinishAsync(string tenant, string id, JobStatus status, string? error, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await SqliteTables.ExecuteAsync(connection, """
            UPDATE jobs SET status = $status, error = $error, finished = $finished WHERE tenant = $tenant AND id = $id AND status < 2
            """, cancellationToken, ("$status", (int)status), ("$error", error), ("$finished", at.UtcTicks), ("$tenant", tenant), ("$id", id));
    }

    public async Task<IReadOnlyList<Job>> UnfinishedAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync("WHERE status < 2", cancellationToken);

    private async Task<List<Job>> ReadAsync(string where, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, $"SELECT {Columns} FROM jobs {where}", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var jobs = new List<Job>();
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new Job(reader.GetString(0), reader.GetString(1), (JobKind)reader.GetInt32(2), (JobStatus)reader.GetInt32(3),
                new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero), reader.GetString(5))
            {
                Parts = reader.GetInt32(6),
                Finished = reader.IsDBNull(7) ? null : new DateTimeOffset(reader.GetInt64(7), TimeSpan.Zero),
                Error = reader.IsDBNull(8) ? null : reader.GetString(8),
            });
        }
        return jobs;
    }
}

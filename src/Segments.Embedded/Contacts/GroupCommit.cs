using System.Globalization;
using Microsoft.Data.Sqlite;
using Segments.Core.Ports;

namespace Segments.Embedded.Contacts;

/// <summary>
/// Conditional contact writes, committed in groups: SQLite has one writer at a time and a commit costs far more than
/// the row, so the writes that arrive while a commit runs wait and go together in the next transaction. Each write
/// keeps its own condition (insert only if absent, update only at the version read), checked in arrival order
/// inside the transaction, and learns its own outcome: the new version, or a conflict.
/// </summary>
internal sealed class GroupCommit(SqliteDatabase database)
{
    private readonly Lock _gate = new();
    private List<Write> _pending = [];
    private bool _draining;

    public sealed record Write(string Tenant, string ContactId, int Bucket, long? ExpectedVersion, byte[] Body, bool Sample)
    {
        public TaskCompletionSource<string> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Task<string> WriteAsync(Write write)
    {
        bool start;
        lock (_gate)
        {
            _pending.Add(write);
            start = !_draining;
            _draining = true;
        }
        if (start)
        {
            // On the thread pool, so that no caller's own write waits behind everyone else's.
            _ = Task.Run(DrainAsync);
        }
        return write.Outcome.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            List<Write> group;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _draining = false;
                    return;
                }
                group = _pending;
                _pending = [];
            }
            try
            {
                var versions = await CommitAsync(group);
                for (var i = 0; i < group.Count; i++)
                {
                    if (versions[i] is { } version)
                    {
                        group[i].Outcome.SetResult(version.ToString(CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        group[i].Outcome.SetException(new ConcurrencyConflictException(group[i].Tenant, group[i].ContactId));
                    }
                }
            }
            catch (Exception error)
            {
                foreach (var write in group)
                {
                    write.Outcome.TrySetException(error);
                }
            }
        }
    }

    private async Task<long?[]> CommitAsync(List<Write> group)
    {
        await using var connection = await database.ConnectAsync(CancellationToken.None);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO contacts (tenant, bucket, contact_id, version, body, sample) VALUES ($tenant, $bucket, $id, 1, $body, $sample)
            ON CONFLICT DO NOTHING RETURNING version
            """;
        await using var update = connection.CreateCommand();
        update.CommandText = """
            UPDATE contacts SET version = version + 1, body = $body
            WHERE tenant = $tenant AND bucket = $bucket AND contact_id = $id AND version = $expected RETURNING version
            """;
        var versions = new long?[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var write = group[i];
            var command = write.ExpectedVersion is null ? insert : update;
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$tenant", write.Tenant);
            command.Parameters.AddWithValue("$id", write.ContactId);
            command.Parameters.AddWithValue("$bucket", write.Bucket);
            command.Parameters.AddWithValue("$body", write.Body);
            if (write.ExpectedVersion is { } expected)
            {
                command.Parameters.AddWithValue("$expected", expected);
            }
            else
            {
                command.Parameters.AddWithValue("$sample", write.Sample ? 1 : 0);
            }
            versions[i] = await command.ExecuteScalarAsync() as long?;
        }
        await transaction.CommitAsync();
        return versions;
    }
}

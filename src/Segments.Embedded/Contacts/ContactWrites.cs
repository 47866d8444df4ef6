using Microsoft.Data.Sqlite;

using Segments.Embedded.Durability;
namespace Segments.Embedded.Contacts;

/// <summary>
/// Conditional contact writes, committed in groups (<see cref="GroupCommit{TItem, TResult}"/>): SQLite has one writer at
/// a time and a commit costs far more than the row. Each write keeps its own condition (insert only if absent, update
/// only at the version read), checked in arrival order inside the transaction, and learns its own outcome: the new
/// version, or null for a conflict. The group's rows share one change number (<see cref="SqliteDatabase.NextChangeSql"/>).
/// </summary>
internal static class ContactWrites
{
    public sealed record Write(string Tenant, string ContactId, int Bucket, long? ExpectedVersion, byte[] Body, bool Sample);

    public static GroupCommit<Write, long?> For(SqliteDatabase database) => new(group => CommitAsync(database, group));

    private static async Task<IReadOnlyList<long?>> CommitAsync(SqliteDatabase database, IReadOnlyList<Write> group)
    {
        await using var connection = await database.ConnectAsync(CancellationToken.None);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var next = connection.CreateCommand();
        next.CommandText = SqliteDatabase.NextChangeSql;
        var changed = (long)(await next.ExecuteScalarAsync())!;
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO contacts (tenant, bucket, contact_id, version, body, sample, changed) VALUES ($tenant, $bucket, $id, 1, $body, $sample, $changed)
            ON CONFLICT DO NOTHING RETURNING version
            """;
        await using var update = connection.CreateCommand();
        update.CommandText = """
            UPDATE contacts SET version = version + 1, body = $body, changed = $changed
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
            command.Parameters.AddWithValue("$changed", changed);
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

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
        // The parameters are made once a group and their values set for each row: a group is up to a fold batch's
        // contacts, and six new parameters a row were most of what binding it allocated.
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
        foreach (var command in new[] { insert, update })
        {
            foreach (var name in new[] { "$tenant", "$id", "$bucket", "$body" })
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            command.Parameters.AddWithValue("$changed", changed);
        }
        var sample = insert.Parameters.Add(new SqliteParameter { ParameterName = "$sample" });
        var expectedVersion = update.Parameters.Add(new SqliteParameter { ParameterName = "$expected" });
        var versions = new long?[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var write = group[i];
            var command = write.ExpectedVersion is null ? insert : update;
            command.Parameters["$tenant"].Value = write.Tenant;
            command.Parameters["$id"].Value = write.ContactId;
            command.Parameters["$bucket"].Value = write.Bucket;
            command.Parameters["$body"].Value = write.Body;
            if (write.ExpectedVersion is { } expected)
            {
                expectedVersion.Value = expected;
            }
            else
            {
                sample.Value = write.Sample ? 1 : 0;
            }
            versions[i] = await command.ExecuteScalarAsync() as long?;
        }
        await transaction.CommitAsync();
        return versions;
    }
}

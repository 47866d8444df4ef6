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
        // The parameters are made once a group and their values set for each row (a group is up to a fold batch's contacts:
        // six new parameters a row were most of what binding it allocated), kept by reference: a lookup by name searches
        // the command's parameters.
        var (insertRow, updateRow) = (Row.Of(insert, changed), Row.Of(update, changed));
        var sample = Row.Add(insert, "$sample");
        var expectedVersion = Row.Add(update, "$expected");
        var versions = new long?[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var write = group[i];
            var (command, row) = write.ExpectedVersion is null ? (insert, insertRow) : (update, updateRow);
            row.Tenant.Value = write.Tenant;
            row.Id.Value = write.ContactId;
            row.Bucket.Value = write.Bucket;
            row.Body.Value = write.Body;
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

    /// <summary>
    /// The parameters of a row both statements take, kept to set each row's values; <see cref="Of"/> binds the group's
    /// change number once.
    /// </summary>
    private sealed record Row(SqliteParameter Tenant, SqliteParameter Id, SqliteParameter Bucket, SqliteParameter Body)
    {
        public static Row Of(SqliteCommand command, long changed)
        {
            command.Parameters.AddWithValue("$changed", changed);
            return new Row(Add(command, "$tenant"), Add(command, "$id"), Add(command, "$bucket"), Add(command, "$body"));
        }

        public static SqliteParameter Add(SqliteCommand command, string name) => command.Parameters.Add(new SqliteParameter { ParameterName = name });
    }
}

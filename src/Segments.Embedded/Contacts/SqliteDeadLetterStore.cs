using Segments.Core.Ports;

namespace Segments.Embedded.Contacts;

/// <summary>Dead letters in the embedded SQLite file; a letter added again for the same delivery keeps the first.</summary>
public sealed class SqliteDeadLetterStore(SqliteDatabase database) : IDeadLetterStore
{
    public async Task AddAsync(DeadLetter letter, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO dead_letters (tenant, source, reason, payload, at) VALUES ($tenant, $source, $reason, $payload, $at)
            ON CONFLICT DO NOTHING
            """;
        command.Parameters.AddWithValue("$tenant", letter.Tenant);
        command.Parameters.AddWithValue("$source", letter.Source);
        command.Parameters.AddWithValue("$reason", letter.Reason);
        command.Parameters.AddWithValue("$payload", letter.Payload);
        command.Parameters.AddWithValue("$at", letter.At.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RemoveAsync(string tenant, string source, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM dead_letters WHERE tenant = $tenant AND source = $source";
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$source", source);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DeadLetterPage> PageAsync(string tenant, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT source, reason, payload, at FROM dead_letters WHERE tenant = $tenant AND source > $after ORDER BY source LIMIT $limit
            """;
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$after", cursor ?? "");
        command.Parameters.AddWithValue("$limit", limit + 1);
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(new DeadLetter(tenant, reader.GetString(0), reader.GetString(1), reader.GetString(2),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero)));
        }
        return letters.Count > limit ? new DeadLetterPage(letters[..limit], letters[limit - 1].Source) : new DeadLetterPage(letters, null);
    }
}

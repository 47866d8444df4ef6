using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Segments.Core.Ports;
using Segments.Embedded.Durability;
using Segments.Engine.Documents;
using Segments.Engine.PushDown;

namespace Segments.Embedded.Contacts;

/// <summary>
/// Contact documents in SQLite, the embedded default: one row per (tenant, contact) holding the document in its binary
/// form (<see cref="ContactDocumentBinary"/>) and a version number that optimistic concurrency compares. Partitions are
/// hash buckets of the contact id, the second part of the key, so a scan of one partition reads one range of the table.
/// Every commit stamps a change number on what it writes or deletes, so the store tells what changed in a partition
/// (<see cref="IPartitionChanges"/>).
/// </summary>
public sealed class SqliteContactStore(SqliteDatabase database) : IContactStore, IPartitionChanges
{
    private readonly GroupCommit<ContactWrites.Write, long?> _writes = ContactWrites.For(database);

    public async Task<StoredContact?> ReadAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, body FROM contacts WHERE tenant = $tenant AND bucket = $bucket AND contact_id = $id";
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$bucket", ContactPartitions.Of(contactId, database.Partitions));
        command.Parameters.AddWithValue("$id", contactId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new StoredContact(Decode((byte[])reader[1]), Version(reader.GetInt64(0)));
    }

    /// <summary>
    /// The keys go in as one JSON array of <c>[bucket, id]</c> pairs, each looked up by its primary key (<c>CROSS JOIN</c>
    /// keeps the list the outer loop): one statement of one text and two parameters for a whole batch, the same text every
    /// time. A <c>VALUES</c> list of two parameters a key cost SQLite a search of the statement's parameter names for
    /// each one bound (a tenth of a thousand-key read in string comparisons), and a statement parsed for each length.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, StoredContact>> ReadManyAsync(string tenant, IReadOnlyCollection<string> contactIds,
        CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, StoredContact>(contactIds.Count, StringComparer.Ordinal);
        if (contactIds.Count == 0)
        {
            return found;
        }
        var keys = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(keys))
        {
            json.WriteStartArray();
            foreach (var id in contactIds.Distinct(StringComparer.Ordinal))
            {
                json.WriteStartArray();
                json.WriteNumberValue(ContactPartitions.Of(id, database.Partitions));
                json.WriteStringValue(id);
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.contact_id, c.version, c.body FROM json_each($keys) AS k
            CROSS JOIN contacts AS c ON c.tenant = $tenant AND c.bucket = k.value ->> 0 AND c.contact_id = k.value ->> 1
            """;
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$keys", Encoding.UTF8.GetString(keys.WrittenSpan));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[reader.GetString(0)] = new StoredContact(Decode((byte[])reader[2]), Version(reader.GetInt64(1)));
        }
        return found;
    }

    /// <summary>Writes are committed in groups with whatever other writes are pending (see <see cref="ContactWrites"/>).</summary>
    public async Task<string> WriteAsync(string tenant, ContactDocument document, string? ifMatch, CancellationToken cancellationToken = default)
    {
        long? expected = null;
        if (ifMatch is not null)
        {
            if (!long.TryParse(ifMatch, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw new ConcurrencyConflictException(tenant, document.Id);
            }
            expected = parsed;
        }
        var written = await _writes.AddAsync(new ContactWrites.Write(
            tenant, document.Id, ContactPartitions.Of(document.Id, database.Partitions), expected, ContactDocumentBinary.Serialize(document),
            EstimationSample.Contains(document.Id)));
        return written is { } version ? Version(version) : throw new ConcurrencyConflictException(tenant, document.Id);
    }

    public Task<IReadOnlyList<string>> ListPartitionsAsync(string tenant, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. Enumerable.Range(0, database.Partitions).Select(p => p.ToString(CultureInfo.InvariantCulture))]);

    /// <summary>The push-down is not used: every contact of the partition is returned (a superset is always correct).</summary>
    public async IAsyncEnumerable<ContactDocument> ScanAsync(string tenant, string partition, PushDownCondition? pushDown = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var bucket = Bucket(partition);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM contacts WHERE tenant = $tenant AND bucket = $bucket ORDER BY contact_id";
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$bucket", bucket);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Decode((byte[])reader[0]);
        }
    }

    /// <summary>The sample's rows through their partial covering index: one range, no lookup into the table.</summary>
    public async IAsyncEnumerable<ContactDocument> ScanSampleAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM contacts INDEXED BY contacts_sample WHERE tenant = $tenant AND sample = 1";
        command.Parameters.AddWithValue("$tenant", tenant);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Decode((byte[])reader[0]);
        }
    }

    /// <summary>Deletes the row and leaves a tombstone with the commit's change number (see <see cref="IPartitionChanges"/>).</summary>
    public async Task<bool> DeleteAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteDatabase.NextChangeSql;
        var changed = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        command.CommandText = "DELETE FROM contacts WHERE tenant = $tenant AND bucket = $bucket AND contact_id = $id";
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$bucket", ContactPartitions.Of(contactId, database.Partitions));
        command.Parameters.AddWithValue("$id", contactId);
        command.Parameters.AddWithValue("$changed", changed);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false; // rolled back, change number and all
        }
        command.CommandText = "INSERT INTO contact_deletions (tenant, bucket, changed, contact_id) VALUES ($tenant, $bucket, $changed, $id)";
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<long> VersionAsync(string tenant, string partition, CancellationToken cancellationToken = default)
    {
        var bucket = Bucket(partition);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT MAX(COALESCE((SELECT MAX(changed) FROM contacts WHERE tenant = $tenant AND bucket = $bucket), 0),
                       COALESCE((SELECT MAX(changed) FROM contact_deletions WHERE tenant = $tenant AND bucket = $bucket), 0))
            """;
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$bucket", bucket);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The rows stamped after the version, then the tombstones after it of contacts that have no row now.</summary>
    public async IAsyncEnumerable<ContactChange> ChangedSinceAsync(string tenant, string partition, long version,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var bucket = Bucket(partition);
        await using var connection = await database.ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT contact_id, body FROM contacts INDEXED BY contacts_changed WHERE tenant = $tenant AND bucket = $bucket AND changed > $version;
            SELECT DISTINCT d.contact_id FROM contact_deletions d WHERE d.tenant = $tenant AND d.bucket = $bucket AND d.changed > $version
                AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.tenant = d.tenant AND c.bucket = d.bucket AND c.contact_id = d.contact_id);
            """;
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$bucket", bucket);
        command.Parameters.AddWithValue("$version", version);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ContactChange(reader.GetString(0), Decode((byte[])reader[1]));
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ContactChange(reader.GetString(0), null);
        }
    }

    private int Bucket(string partition) =>
        int.TryParse(partition, NumberStyles.None, CultureInfo.InvariantCulture, out var bucket) && bucket < database.Partitions
            ? bucket
            : throw new ArgumentException($"'{partition}' is not a partition of this store", nameof(partition));

    // Rows written before the binary form hold JSON; they are rewritten in binary when their contact next changes.
    private static ContactDocument Decode(byte[] body) =>
        ContactDocumentBinary.Holds(body) ? ContactDocumentBinary.Deserialize(body) : ContactDocumentJson.Deserialize(body);

    private static string Version(long version) => version.ToString(CultureInfo.InvariantCulture);
}

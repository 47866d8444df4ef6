using Microsoft.Data.Sqlite;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Embedded.Catalog;
using Segments.Embedded.Durability;

namespace Segments.Embedded.Membership;

/// <summary>
/// Membership records, changes and the time index in SQLite. A change's sequence is its row id; the time index is a
/// column of the membership row with an index on it, so the sweep reads due rows without scanning the others. The row
/// also keeps the last evaluation's instant (<c>evaluated_at</c>, null: never, or a baseline scan's) and whether the
/// membership is <c>provisional</c> (a baseline's, until a write settles it: <see cref="MembershipStep"/>), checked and
/// moved with the membership and the next edge. Evaluations are committed in groups: whatever callers record while one transaction commits goes
/// into the next (the fold's contacts of a batch, evaluated at the same time, share one), with
/// <c>synchronous=NORMAL</c>: a commit survives a crash of the process, and the host makes the write-ahead file durable
/// before anything that relies on it leaves the database (the event log's checkpoint, the published change stream).
/// </summary>
public sealed class SqliteMembershipStore : IMembershipStore
{
    private readonly SqliteTables _tables;
    private readonly GroupCommit<(string Tenant, IReadOnlyList<MembershipEvaluation> Evaluations), IReadOnlyList<MembershipRecording>> _recordings;

    public SqliteMembershipStore(string connectionString)
    {
        _tables = new SqliteTables(connectionString, Schema, Upgrade);
        _recordings = new(CommitAsync);
    }

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS membership (
            tenant TEXT NOT NULL,
            segment TEXT NOT NULL,
            contact TEXT NOT NULL,
            member INTEGER,
            evaluated_at INTEGER,
            next_at INTEGER,
            provisional INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (tenant, segment, contact));
        CREATE INDEX IF NOT EXISTS membership_next ON membership (next_at) WHERE next_at IS NOT NULL;
        CREATE TABLE IF NOT EXISTS membership_changes (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant TEXT NOT NULL,
            segment TEXT NOT NULL,
            contact TEXT NOT NULL,
            kind INTEGER NOT NULL,
            at INTEGER NOT NULL,
            UNIQUE (tenant, segment, contact, kind, at));
        CREATE INDEX IF NOT EXISTS membership_changes_feed ON membership_changes (tenant, segment, sequence);
        """;

    // Files from before evaluations were dated: their rows read as never evaluated; from before baselines were
    // provisional: their rows read as settled.
    private static async Task Upgrade(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await SqliteTables.AddColumnAsync(connection, "membership", "evaluated_at", "INTEGER", cancellationToken);
        await SqliteTables.AddColumnAsync(connection, "membership", "provisional", "INTEGER NOT NULL DEFAULT 0", cancellationToken);
    }

    public async Task<MembershipRecording> RecordAsync(string tenant, MembershipEvaluation evaluation, CancellationToken cancellationToken = default) =>
        (await RecordAsync(tenant, [evaluation], cancellationToken))[0];

    public Task<IReadOnlyList<MembershipRecording>> RecordAsync(string tenant, IReadOnlyList<MembershipEvaluation> evaluations,
        CancellationToken cancellationToken = default) => _recordings.AddAsync((tenant, evaluations));

    private async Task<IReadOnlyList<IReadOnlyList<MembershipRecording>>> CommitAsync(
        IReadOnlyList<(string Tenant, IReadOnlyList<MembershipEvaluation> Evaluations)> group)
    {
        await using var connection = await _tables.OpenAsync(CancellationToken.None);
        return await SqliteTables.InFoldTransactionAsync(connection, async () =>
        {
            await using var statements = new Statements(connection);
            var recorded = new List<IReadOnlyList<MembershipRecording>>(group.Count);
            foreach (var (tenant, evaluations) in group)
            {
                var recordings = new MembershipRecording[evaluations.Count];
                for (var i = 0; i < evaluations.Count; i++)
                {
                    recordings[i] = await statements.RecordAsync(tenant, evaluations[i]);
                }
                recorded.Add(recordings);
            }
            return recorded;
        });
    }

    /// <summary>The three statements of an evaluation, prepared once per transaction.</summary>
    private sealed class Statements(SqliteConnection connection) : IAsyncDisposable
    {
        private readonly SqliteCommand _read = SqliteTables.Command(connection,
            "SELECT member, evaluated_at, provisional FROM membership WHERE tenant = $tenant AND segment = $segment AND contact = $contact",
            ("$tenant", ""), ("$segment", ""), ("$contact", ""));

        private readonly SqliteCommand _change = SqliteTables.Command(connection, """
            INSERT INTO membership_changes (tenant, segment, contact, kind, at) VALUES ($tenant, $segment, $contact, $kind, $at)
            ON CONFLICT DO NOTHING RETURNING sequence
            """, ("$tenant", ""), ("$segment", ""), ("$contact", ""), ("$kind", 0), ("$at", 0L));

        private readonly SqliteCommand _write = SqliteTables.Command(connection, """
            INSERT INTO membership (tenant, segment, contact, member, evaluated_at, next_at, provisional)
            VALUES ($tenant, $segment, $contact, $member, $at, $next, $provisional)
            ON CONFLICT (tenant, segment, contact) DO UPDATE SET member = excluded.member, evaluated_at = excluded.evaluated_at,
                next_at = excluded.next_at, provisional = excluded.provisional
            """, ("$tenant", ""), ("$segment", ""), ("$contact", ""), ("$member", 0), ("$at", 0L), ("$next", null), ("$provisional", 0));

        public async Task<MembershipRecording> RecordAsync(string tenant, MembershipEvaluation e)
        {
            RecordedMembership? recorded = null;
            Bind(_read, tenant, e);
            await using (var row = await _read.ExecuteReaderAsync())
            {
                // A row the time index made (member null) is no record.
                if (await row.ReadAsync() && !row.IsDBNull(0))
                {
                    recorded = new RecordedMembership(row.GetInt64(0) != 0, row.IsDBNull(1) ? null : row.GetInt64(1), row.GetInt64(2) != 0);
                }
            }
            if (MembershipStep.Of(recorded, e) is not { } step)
            {
                return MembershipRecording.StaleEvaluation;
            }
            MembershipChange? change = null;
            if (step.Change is { } kind)
            {
                Bind(_change, tenant, e);
                _change.Parameters["$kind"].Value = (int)kind;
                _change.Parameters["$at"].Value = e.At.UtcTicks;
                if (await _change.ExecuteScalarAsync() is long sequence)
                {
                    change = new MembershipChange(sequence, e.Segment, e.ContactId, kind, e.At);
                }
            }
            Bind(_write, tenant, e);
            _write.Parameters["$member"].Value = step.Recorded(change is not null) ? 1 : 0;
            _write.Parameters["$at"].Value = step.EvaluatedAt is { } at ? at : DBNull.Value;
            _write.Parameters["$next"].Value = e.Next?.UtcTicks is { } next ? next : DBNull.Value;
            _write.Parameters["$provisional"].Value = step.Provisional ? 1 : 0;
            await _write.ExecuteNonQueryAsync();
            return change is null ? MembershipRecording.NoChange : MembershipRecording.Changed(change);
        }

        public async ValueTask DisposeAsync()
        {
            await _read.DisposeAsync();
            await _change.DisposeAsync();
            await _write.DisposeAsync();
        }

        private static void Bind(SqliteCommand command, string tenant, MembershipEvaluation e)
        {
            command.Parameters["$tenant"].Value = tenant;
            command.Parameters["$segment"].Value = e.Segment;
            command.Parameters["$contact"].Value = e.ContactId;
        }
    }

    public async Task SetNextAsync(string tenant, string segment, string contactId, DateTimeOffset? next, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await SqliteTables.ExecuteAsync(connection, """
            INSERT INTO membership (tenant, segment, contact, next_at) VALUES ($tenant, $segment, $contact, $next)
            ON CONFLICT (tenant, segment, contact) DO UPDATE SET next_at = excluded.next_at
            """, cancellationToken, ("$tenant", tenant), ("$segment", segment), ("$contact", contactId), ("$next", next?.UtcTicks));
    }

    public async Task<IReadOnlyList<DueCheck>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, """
            SELECT tenant, segment, contact, next_at FROM membership WHERE next_at IS NOT NULL AND next_at <= $now ORDER BY next_at LIMIT $max
            """, ("$now", now.UtcTicks), ("$max", max));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var due = new List<DueCheck>();
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new DueCheck(reader.GetString(0), reader.GetString(1), reader.GetString(2), new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero)));
        }
        return due;
    }

    public async Task<IReadOnlyList<MembershipChange>> ChangesAsync(string tenant, string segment, long after, int max,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection, """
            SELECT sequence, contact, kind, at FROM membership_changes
            WHERE tenant = $tenant AND segment = $segment AND sequence > $after ORDER BY sequence LIMIT $max
            """, ("$tenant", tenant), ("$segment", segment), ("$after", after), ("$max", max));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var changes = new List<MembershipChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new MembershipChange(reader.GetInt64(0), segment, reader.GetString(1), (ChangeKind)reader.GetInt32(2),
                new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero)));
        }
        return changes;
    }

    public async Task EraseContactAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var table in new[] { "membership", "membership_changes" })
        {
            await SqliteTables.ExecuteAsync(connection, $"DELETE FROM {table} WHERE tenant = $tenant AND contact = $contact", cancellationToken,
                ("$tenant", tenant), ("$contact", contactId));
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<long> LastSequenceAsync(string tenant, string segment, CancellationToken cancellationToken = default)
    {
        await using var connection = await _tables.OpenAsync(cancellationToken);
        await using var command = SqliteTables.Command(connection,
            "SELECT MAX(sequence) FROM membership_changes WHERE tenant = $tenant AND segment = $segment", ("$tenant", tenant), ("$segment", segment));
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : 0;
    }
}

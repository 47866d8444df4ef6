using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Segments.Embedded.Durability;

/// <summary>
/// Settings that belong to a native SQLite connection (pragmas such as <c>busy_timeout</c>), applied once to each: the
/// pool keeps native connections open and hands them out again, and preparing the pragmas at every open costs what a
/// small operation costs.
/// </summary>
internal sealed class ConnectionSetup(string pragmas)
{
    /// <summary>
    /// Lets SQLite itself wait for a concurrent writer's lock, finely (its busy handler sleeps 1 to 100 ms), instead of
    /// Microsoft.Data.Sqlite's retry, which sleeps 150 ms a time: with two writers of one database (the fold's tracking
    /// and the drips' and triggers' dispatch) those sleeps held the tracked fold to a fifth of the untracked one's rate.
    /// </summary>
    public const string WaitForWriters = "PRAGMA busy_timeout = 30000;";

    private static readonly object Applied = new();

    /// <summary>The native connections already set up, weakly: one the pool closes is forgotten with it.</summary>
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _applied = [];

    public async Task ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // The pool hands a native connection to one caller at a time: looking it up, then adding it, races with no one.
        var native = connection.Handle!;
        if (!_applied.TryGetValue(native, out _))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            _applied.AddOrUpdate(native, Applied);
        }
    }
}

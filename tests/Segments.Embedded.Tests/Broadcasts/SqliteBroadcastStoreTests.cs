using Microsoft.Data.Sqlite;
using Segments.Core.Ports;
using Segments.Embedded.Broadcasts;
using Segments.TestSupport.Contracts;

namespace Segments.Embedded.Tests.Broadcasts;

/// <summary>The broadcast store contract on SQLite; each store gets its own database file.</summary>
public sealed class SqliteBroadcastStoreTests : BroadcastStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-broadcasts-").FullName;

    protected override Task<IBroadcastStore> CreateStoreAsync() => Task.FromResult<IBroadcastStore>(new SqliteBroadcastStore(
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, $"{Guid.NewGuid():N}.db"), Pooling = false }.ToString()));

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

using Microsoft.Data.Sqlite;
using Segments.Core.Ports;
using Segments.Embedded.Membership;
using Segments.TestSupport.Contracts;

namespace Segments.Embedded.Tests.Membership;

public sealed class SqliteChangeFeedStoreTests : ChangeFeedStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-feed-").FullName;

    protected override (IMembershipStore, IConsumerStore) CreateStores()
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "membership.db"), Pooling = false }.ToString();
        return (new SqliteMembershipStore(connection), new SqliteConsumerStore(connection));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

using Microsoft.Data.Sqlite;
using Segments.Core.Membership;
using Segments.Core.Tests.Membership;
using Segments.Embedded.Membership;

namespace Segments.Embedded.Tests.Membership;

/// <summary>The membership store contract on SQLite; each store gets its own database file.</summary>
public sealed class SqliteMembershipStoreTests : MembershipStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-membership-").FullName;

    private string Database() =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, $"{Guid.NewGuid():N}.db"), Pooling = false }.ToString();

    protected override Task<IMembershipStore> CreateMembershipStoreAsync() => Task.FromResult<IMembershipStore>(new SqliteMembershipStore(Database()));

    protected override Task<IConsumerStore> CreateConsumerStoreAsync() => Task.FromResult<IConsumerStore>(new SqliteConsumerStore(Database()));

    protected override Task<IReportStore> CreateReportStoreAsync() => Task.FromResult<IReportStore>(new SqliteReportStore(Database()));

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

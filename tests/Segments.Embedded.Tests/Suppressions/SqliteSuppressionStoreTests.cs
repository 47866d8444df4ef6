using Microsoft.Data.Sqlite;
using Segments.Core.Ports;
using Segments.Embedded.Suppressions;
using Segments.TestSupport.Contracts;

namespace Segments.Embedded.Tests.Suppressions;

public sealed class SqliteSuppressionStoreTests : SuppressionStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segments-suppressions-").FullName;

    public SqliteSuppressionStoreTests() =>
        Store = new SqliteSuppressionStore(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "s.db"), Pooling = false }.ToString());

    protected override ISuppressionStore Store { get; }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

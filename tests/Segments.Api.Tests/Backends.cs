using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Segments.Azure;
using Segments.Core.Ports;
using Segments.Embedded.Catalog;
using Segments.Embedded.Suppressions;
using Segments.TestSupport.Emulators;
using Segments.TestSupport.Stores;

namespace Segments.Api.Tests;

/// <summary>
/// The stores a test host runs on: the catalog and suppressions in memory, on Azurite's Table service or in
/// SQLite; contacts always in memory (the contact stores are tested with their adapters).
/// </summary>
public static class Backends
{
    public static void InMemory(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ICatalogStore, InMemoryCatalogStore>();
        builder.Services.AddSingleton<ISuppressionStore, InMemorySuppressionStore>();
        Contacts(builder);
    }

    /// <summary>Through the production registration, with fresh tables so hosts never share a catalog.</summary>
    public static Action<WebApplicationBuilder> Tables(LocalEmulators emulators) => builder =>
    {
        var suffix = Guid.NewGuid().ToString("N");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{StorageOptions.Section}:ConnectionString"] = emulators.StorageConnectionString,
            [$"{StorageOptions.Section}:CatalogTable"] = $"catalog{suffix}",
            [$"{StorageOptions.Section}:SuppressionTable"] = $"suppressions{suffix}",
        });
        builder.Services.AddTableStorageCatalog(builder.Configuration);
        Contacts(builder);
    };

    /// <summary>A fresh SQLite database file, deleted with the folder <paramref name="folder"/> by the caller.</summary>
    public static Action<WebApplicationBuilder> Sqlite(string folder) => builder =>
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "segments.db"), Pooling = false }.ToString();
        builder.Services.AddSingleton<ICatalogStore>(new SqliteCatalogStore(connection));
        builder.Services.AddSingleton<ISuppressionStore>(new SqliteSuppressionStore(connection));
        Contacts(builder);
    };

    private static void Contacts(WebApplicationBuilder builder) => builder.Services.AddSingleton<IContactStore>(new InMemoryContactStore());
}

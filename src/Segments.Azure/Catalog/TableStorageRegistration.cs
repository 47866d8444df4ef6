using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Azure.Suppressions;
using Segments.Core.Catalog;
using Segments.Core.Suppressions;

namespace Segments.Azure.Catalog;

public static class TableStorageRegistration
{
    /// <summary>
    /// The segment catalog and the suppressions on Table storage, configured from <c>Segments:Storage</c>;
    /// the endpoint is reached with the registered <see cref="TokenCredential"/> (by default
    /// <see cref="DefaultAzureCredential"/>, the app's managed identity).
    /// </summary>
    public static IServiceCollection AddTableStorageCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TableStorageOptions>()
            .Bind(configuration.GetSection(TableStorageOptions.Section))
            .Validate(o => o.TableServiceUri is not null || !string.IsNullOrEmpty(o.ConnectionString),
                $"{TableStorageOptions.Section}:TableServiceUri is required")
            .ValidateOnStart();
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<TableStorageOptions>>().Value;
            return string.IsNullOrEmpty(options.ConnectionString)
                ? new TableServiceClient(options.TableServiceUri, provider.GetRequiredService<TokenCredential>())
                : new TableServiceClient(options.ConnectionString);
        });
        services.AddSingleton<ICatalogStore>(provider => new TableCatalogStore(Table(provider, o => o.CatalogTable)));
        services.AddSingleton<ISuppressionStore>(provider => new TableSuppressionStore(Table(provider, o => o.SuppressionTable)));
        return services;
    }

    private static TableClient Table(IServiceProvider provider, Func<TableStorageOptions, string> name) =>
        provider.GetRequiredService<TableServiceClient>().GetTableClient(name(provider.GetRequiredService<IOptions<TableStorageOptions>>().Value));
}

using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Segments.Azure.Cosmos;
using Segments.Core.Ports;

namespace Segments.Azure;

public static class CosmosRegistration
{
    /// <summary>
    /// The <see cref="IContactStore"/> on Cosmos DB (<see cref="CosmosOptions"/>, validated at start-up), on the app's
    /// <see cref="CosmosClient"/> (<see cref="AzureClients.AddCosmosClient"/>).
    /// </summary>
    public static IServiceCollection AddCosmosContactStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCosmosClient(configuration);
        services.AddSingleton<IContactStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CosmosOptions>>().Value;
            var container = provider.GetRequiredService<CosmosClient>().GetContainer(options.Database, options.ContactsContainer);
            return new CosmosContactStore(container, options.ScanRangesPerFeedRange);
        });
        return services;
    }
}

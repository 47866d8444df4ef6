using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Core.Ports;

namespace Segments.Azure.Cosmos;

public static class CosmosRegistration
{
    /// <summary>
    /// The <see cref="IContactStore"/> on Cosmos DB, configured from <c>Segments:Cosmos</c> (validated at start-up);
    /// the endpoint is reached with the registered <see cref="TokenCredential"/> (by default
    /// <see cref="DefaultAzureCredential"/>, the app's managed identity).
    /// </summary>
    public static IServiceCollection AddCosmosContactStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CosmosOptions>()
            .Bind(configuration.GetSection(CosmosOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton(provider => new CosmosClient(
            provider.GetRequiredService<IOptions<CosmosOptions>>().Value.Endpoint!.ToString(),
            provider.GetRequiredService<TokenCredential>(),
            new CosmosClientOptions { UseSystemTextJsonSerializerWithOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web) }));
        services.AddSingleton<IContactStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CosmosOptions>>().Value;
            var container = provider.GetRequiredService<CosmosClient>().GetContainer(options.Database, options.ContactsContainer);
            return new CosmosContactStore(container, options.ScanRangesPerFeedRange);
        });
        return services;
    }
}

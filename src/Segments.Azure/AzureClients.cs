using System.Text.Json;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.EventHubs.Producer;
using Azure.Storage.Blobs;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Azure.Cosmos;
using Segments.Azure.EventHubs;

namespace Segments.Azure;

/// <summary>
/// The Azure SDK clients of the app, each registered with Microsoft.Extensions.Azure (<c>AddAzureClients</c>) over
/// one <see cref="TokenCredential"/>: <see cref="DefaultAzureCredential"/> (the app's managed identity) unless the host
/// registered another. A connection string is used only for the storage emulator: deployed apps hold no keys. Each
/// service's settings are validated at start-up. The stores' registrations call these: a second call for a client already
/// registered registers the same factory under the same name again, so each client is still made once.
/// </summary>
public static class AzureClients
{
    /// <summary>The named <see cref="EventHubProducerClient"/> of the membership-changes hub (the default one is the contact events').</summary>
    public const string ChangesProducer = "membership-changes";

    /// <summary>The <see cref="TableServiceClient"/>, from <c>Segments:Storage</c> (<c>TableServiceUri</c>, or the emulator's <c>ConnectionString</c>).</summary>
    public static IServiceCollection AddTableServiceClient(this IServiceCollection services, IConfiguration configuration)
    {
        AddStorageOptions(services, configuration)
            .Validate(o => o.HasTables(), $"{StorageOptions.Section}:TableServiceUri is required");
        return AddClients(services, clients => clients.AddClient<TableServiceClient, TableClientOptions>((options, credential, provider) =>
            Storage(provider) is { ConnectionString: { Length: > 0 } emulator } ? new TableServiceClient(emulator, options)
                : new TableServiceClient(Storage(provider).TableServiceUri, credential, options)));
    }

    /// <summary>The <see cref="BlobServiceClient"/>, from <c>Segments:Storage</c> (<c>BlobServiceUri</c>, or the emulator's <c>ConnectionString</c>).</summary>
    public static IServiceCollection AddBlobServiceClient(this IServiceCollection services, IConfiguration configuration)
    {
        AddStorageOptions(services, configuration)
            .Validate(o => o.HasBlobs(), $"{StorageOptions.Section}:BlobServiceUri is required");
        return AddClients(services, clients => clients.AddClient<BlobServiceClient, BlobClientOptions>((options, credential, provider) =>
            Storage(provider) is { ConnectionString: { Length: > 0 } emulator } ? new BlobServiceClient(emulator, options)
                : new BlobServiceClient(Storage(provider).BlobServiceUri, credential, options)));
    }

    /// <summary>The <see cref="CosmosClient"/>, from <c>Segments:Cosmos</c> (access by Entra ID).</summary>
    public static IServiceCollection AddCosmosClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CosmosOptions>()
            .Bind(configuration.GetSection(CosmosOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return AddClients(services, clients => clients.AddClient<CosmosClient, CosmosClientOptions>((options, credential, provider) =>
        {
            options.UseSystemTextJsonSerializerWithOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            return new CosmosClient(provider.GetRequiredService<IOptions<CosmosOptions>>().Value.Endpoint!.ToString(), credential, options);
        }));
    }

    /// <summary>
    /// The <see cref="EventHubProducerClient"/> of the contact events' hub, from <c>Segments:EventHubs</c>, and, when
    /// <paramref name="changes"/>, the one named <see cref="ChangesProducer"/> of the membership-changes hub (<c>ChangesHubName</c>, then required).
    /// </summary>
    public static IServiceCollection AddEventHubsProducers(this IServiceCollection services, IConfiguration configuration, bool changes)
    {
        var options = services.AddOptions<EventHubsOptions>()
            .Bind(configuration.GetSection(EventHubsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        AddClients(services, clients => clients.AddClient<EventHubProducerClient, EventHubProducerClientOptions>((o, credential, provider) =>
            Hub(provider, h => h.HubName, credential, o)));
        if (changes)
        {
            options.Validate(o => !string.IsNullOrEmpty(o.ChangesHubName), $"{EventHubsOptions.Section}:ChangesHubName is required");
            AddClients(services, clients => clients.AddClient<EventHubProducerClient, EventHubProducerClientOptions>((o, credential, provider) =>
                Hub(provider, h => h.ChangesHubName, credential, o)).WithName(ChangesProducer));
        }
        return services;
    }

    /// <summary>The one credential of every client (and of the Event Hubs processor, which makes its own connection).</summary>
    public static IServiceCollection AddAzureCredential(this IServiceCollection services)
    {
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        return services;
    }

    private static IServiceCollection AddClients(IServiceCollection services, Action<AzureClientFactoryBuilder> clients)
    {
        services.AddAzureCredential().AddAzureClients(builder =>
        {
            builder.UseCredential(provider => provider.GetRequiredService<TokenCredential>());
            clients(builder);
        });
        return services;
    }

    /// <summary>The storage settings; binding and validating them again (a second store on the same client) changes nothing.</summary>
    public static OptionsBuilder<StorageOptions> AddStorageOptions(IServiceCollection services, IConfiguration configuration) =>
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

    private static StorageOptions Storage(IServiceProvider provider) => provider.GetRequiredService<IOptions<StorageOptions>>().Value;

    private static EventHubProducerClient Hub(IServiceProvider provider, Func<EventHubsOptions, string?> hub, TokenCredential credential,
        EventHubProducerClientOptions options)
    {
        var settings = provider.GetRequiredService<IOptions<EventHubsOptions>>().Value;
        return new EventHubProducerClient(settings.FullyQualifiedNamespace, hub(settings), credential, options);
    }
}

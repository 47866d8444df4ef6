using Azure.Core;
using Azure.Messaging.EventHubs.Primitives;
using Azure.Messaging.EventHubs.Producer;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Azure.EventHubs;
using Segments.Core.Ports;
using Segments.Core.Streaming;

namespace Segments.Azure;

public static class EventHubsRegistration
{
    /// <summary>
    /// The event stream on Event Hubs: the <see cref="IEventPublisher"/>, the dead-letter store on Blob storage, and
    /// the <see cref="ContactEventProcessor"/> run as a hosted service, which hands batches to the registered
    /// <see cref="IStreamBatchHandler"/> (the stream fold). Configured from <c>Segments:EventHubs</c> and <c>Segments:Storage</c>
    /// (<see cref="StorageOptions.CheckpointContainer"/>, <see cref="StorageOptions.DeadLetterContainer"/>), validated at start-up, on the
    /// app's clients (<see cref="AzureClients"/>); the processor connects with the same <see cref="TokenCredential"/>.
    /// </summary>
    public static IServiceCollection AddEventHubsStream(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEventHubsProducers(configuration, changes: false).AddBlobServiceClient(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEventPublisher>(provider => new EventHubsPublisher(provider.GetRequiredService<EventHubProducerClient>()));
        services.TryAddSingleton<CheckpointStore>(provider => new BlobCheckpointStore(BlobAudienceRegistration.Container(provider, o => o.CheckpointContainer)));
        services.TryAddSingleton<IDeadLetterStore>(provider => new BlobDeadLetterStore(BlobAudienceRegistration.Container(provider, o => o.DeadLetterContainer)));
        services.TryAddSingleton(provider => new ContactEventProcessor(
            provider.GetRequiredService<CheckpointStore>(),
            provider.GetRequiredService<IOptions<EventHubsOptions>>().Value,
            provider.GetRequiredService<TokenCredential>(),
            provider.GetRequiredService<IStreamBatchHandler>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<ContactEventProcessor>>()));
        services.AddHostedService<ProcessorService>();
        return services;
    }

    /// <summary>
    /// Membership changes published to their own hub (<c>Segments:EventHubs:ChangesHubName</c>, required, validated at
    /// start-up), on the producer named <see cref="AzureClients.ChangesProducer"/>. Call before the membership tracking registration.
    /// </summary>
    public static IServiceCollection AddEventHubsChangePublisher(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEventHubsProducers(configuration, changes: true);
        services.TryAddSingleton<IMembershipChangePublisher>(provider => new EventHubsChangePublisher(
            provider.GetRequiredService<IAzureClientFactory<EventHubProducerClient>>().CreateClient(AzureClients.ChangesProducer)));
        return services;
    }

    /// <summary>Starts the processor with the host and stops it (releasing its partitions) when the host stops.</summary>
    private sealed class ProcessorService(ContactEventProcessor processor) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => processor.StartProcessingAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => processor.StopProcessingAsync(cancellationToken);
    }
}

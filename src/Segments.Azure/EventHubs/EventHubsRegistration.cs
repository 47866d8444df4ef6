using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Identity;
using Azure.Messaging.EventHubs.Primitives;
using Azure.Messaging.EventHubs.Producer;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Core.Streaming;

namespace Segments.Azure.EventHubs;

/// <summary>
/// Where the stream keeps ownership, checkpoints and dead letters (section <c>Segments:Storage</c>, shared with the
/// other blob users).
/// </summary>
public sealed class StreamStorageOptions
{
    public const string Section = "Segments:Storage";

    public Uri? BlobServiceUri { get; set; }

    /// <summary>Azurite only: deployed apps hold no storage keys.</summary>
    public string? ConnectionString { get; set; }

    [Required]
    public string CheckpointContainer { get; set; } = "checkpoints";

    [Required]
    public string DeadLetterContainer { get; set; } = "deadletters";
}

public static class EventHubsRegistration
{
    /// <summary>
    /// The event stream on Event Hubs: the <see cref="IEventPublisher"/>, the dead-letter store on Blob storage, and
    /// the <see cref="ContactEventProcessor"/> run as a hosted service, which hands batches to the registered
    /// <see cref="IStreamBatchHandler"/> (the stream fold). Configured from <c>Segments:EventHubs</c> and <c>Segments:Storage</c>, validated at start-up;
    /// both services are reached with the registered <see cref="TokenCredential"/>.
    /// </summary>
    public static IServiceCollection AddEventHubsStream(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EventHubsOptions>()
            .Bind(configuration.GetSection(EventHubsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<StreamStorageOptions>()
            .Bind(configuration.GetSection(StreamStorageOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.BlobServiceUri is not null || !string.IsNullOrEmpty(o.ConnectionString),
                $"{StreamStorageOptions.Section}:BlobServiceUri is required")
            .ValidateOnStart();
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<EventHubsOptions>>().Value;
            return new EventHubProducerClient(options.FullyQualifiedNamespace, options.HubName, provider.GetRequiredService<TokenCredential>());
        });
        services.TryAddSingleton<IEventPublisher>(provider => new EventHubsPublisher(provider.GetRequiredService<EventHubProducerClient>()));
        services.TryAddSingleton<CheckpointStore>(provider => new BlobCheckpointStore(Container(provider, o => o.CheckpointContainer)));
        services.TryAddSingleton<IDeadLetterStore>(provider => new BlobDeadLetterStore(Container(provider, o => o.DeadLetterContainer)));
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
    /// start-up) with the registered <see cref="TokenCredential"/>. Call before the membership tracking registration.
    /// </summary>
    public static IServiceCollection AddEventHubsChangePublisher(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EventHubsOptions>()
            .Bind(configuration.GetSection(EventHubsOptions.Section))
            .Validate(o => !string.IsNullOrEmpty(o.ChangesHubName), $"{EventHubsOptions.Section}:ChangesHubName is required")
            .ValidateOnStart();
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton<IMembershipChangePublisher>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<EventHubsOptions>>().Value;
            // Its own client: the registered producer is the contact-events hub's.
            return new EventHubsChangePublisher(
                new EventHubProducerClient(options.FullyQualifiedNamespace, options.ChangesHubName, provider.GetRequiredService<TokenCredential>()));
        });
        return services;
    }

    private static BlobContainerClient Container(IServiceProvider provider, Func<StreamStorageOptions, string> name)
    {
        var options = provider.GetRequiredService<IOptions<StreamStorageOptions>>().Value;
        var service = string.IsNullOrEmpty(options.ConnectionString)
            ? new BlobServiceClient(options.BlobServiceUri, provider.GetRequiredService<TokenCredential>())
            : new BlobServiceClient(options.ConnectionString);
        return service.GetBlobContainerClient(name(options));
    }

    /// <summary>Starts the processor with the host and stops it (releasing its partitions) when the host stops.</summary>
    private sealed class ProcessorService(ContactEventProcessor processor) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => processor.StartProcessingAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => processor.StopProcessingAsync(cancellationToken);
    }
}

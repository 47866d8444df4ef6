using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Core.Audience;

namespace Segments.Azure.Audiences;

/// <summary>
/// Where audience files go (section <c>Segments:Storage</c>, shared with the tables): the blob endpoint, reached
/// with the app's identity, or a connection string, for the local emulator only.
/// </summary>
public sealed class BlobAudienceOptions
{
    public const string Section = "Segments:Storage";

    public Uri? BlobServiceUri { get; set; }

    /// <summary>Azurite only: deployed apps hold no storage keys.</summary>
    public string? ConnectionString { get; set; }

    public string AudienceContainer { get; set; } = "audiences";
}

public static class BlobAudienceRegistration
{
    /// <summary>
    /// The <see cref="IAudienceSink"/> on Blob storage, configured from <c>Segments:Storage</c>; the endpoint is reached
    /// with the registered <see cref="TokenCredential"/> (by default <see cref="DefaultAzureCredential"/>).
    /// </summary>
    public static IServiceCollection AddBlobAudienceSink(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BlobAudienceOptions>()
            .Bind(configuration.GetSection(BlobAudienceOptions.Section))
            .Validate(o => o.BlobServiceUri is not null || !string.IsNullOrEmpty(o.ConnectionString),
                $"{BlobAudienceOptions.Section}:BlobServiceUri is required")
            .ValidateOnStart();
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton<IAudienceSink>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<BlobAudienceOptions>>().Value;
            var service = string.IsNullOrEmpty(options.ConnectionString)
                ? new BlobServiceClient(options.BlobServiceUri, provider.GetRequiredService<TokenCredential>())
                : new BlobServiceClient(options.ConnectionString);
            return new BlobAudienceSink(service.GetBlobContainerClient(options.AudienceContainer));
        });
        return services;
    }
}

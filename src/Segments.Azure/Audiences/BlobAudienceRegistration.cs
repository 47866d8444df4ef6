using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Azure.Jobs;
using Segments.Core.Audience;
using Segments.Core.Contacts.Import;

namespace Segments.Azure.Audiences;

/// <summary>
/// Where audience files and import uploads go (section <c>Segments:Storage</c>, shared with the tables): the blob
/// endpoint, reached with the app's identity, or a connection string, for the local emulator only.
/// </summary>
public sealed class BlobAudienceOptions
{
    public const string Section = "Segments:Storage";

    public Uri? BlobServiceUri { get; set; }

    /// <summary>Azurite only: deployed apps hold no storage keys.</summary>
    public string? ConnectionString { get; set; }

    public string AudienceContainer { get; set; } = "audiences";

    /// <summary>Import uploads waiting for their jobs (deleted when each job ends).</summary>
    public string ImportContainer { get; set; } = "imports";
}

public static class BlobAudienceRegistration
{
    /// <summary>
    /// The <see cref="IAudienceSink"/> and the <see cref="IImportSpool"/> on Blob storage, configured from
    /// <c>Segments:Storage</c>; the endpoint is reached with the registered <see cref="TokenCredential"/> (by default
    /// <see cref="DefaultAzureCredential"/>).
    /// </summary>
    public static IServiceCollection AddBlobAudienceSink(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BlobAudienceOptions>()
            .Bind(configuration.GetSection(BlobAudienceOptions.Section))
            .Validate(o => o.BlobServiceUri is not null || !string.IsNullOrEmpty(o.ConnectionString),
                $"{BlobAudienceOptions.Section}:BlobServiceUri is required")
            .ValidateOnStart();
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<BlobAudienceOptions>>().Value;
            return string.IsNullOrEmpty(options.ConnectionString)
                ? new BlobServiceClient(options.BlobServiceUri, provider.GetRequiredService<TokenCredential>())
                : new BlobServiceClient(options.ConnectionString);
        });
        services.TryAddSingleton<IAudienceSink>(provider => new BlobAudienceSink(provider.GetRequiredService<BlobServiceClient>()
            .GetBlobContainerClient(provider.GetRequiredService<IOptions<BlobAudienceOptions>>().Value.AudienceContainer)));
        services.TryAddSingleton<IImportSpool>(provider => new BlobImportSpool(provider.GetRequiredService<BlobServiceClient>()
            .GetBlobContainerClient(provider.GetRequiredService<IOptions<BlobAudienceOptions>>().Value.ImportContainer)));
        return services;
    }
}

using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Azure.Audiences;
using Segments.Azure.Jobs;
using Segments.Core.Ports;

namespace Segments.Azure;

public static class BlobAudienceRegistration
{
    /// <summary>
    /// The <see cref="IAudienceSink"/> and the <see cref="IImportSpool"/> on Blob storage (<see cref="StorageOptions.AudienceContainer"/>,
    /// <see cref="StorageOptions.ImportContainer"/>), on the app's <see cref="BlobServiceClient"/> (<see cref="AzureClients.AddBlobServiceClient"/>).
    /// </summary>
    public static IServiceCollection AddBlobAudienceSink(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddBlobServiceClient(configuration);
        services.TryAddSingleton<IAudienceSink>(provider => new BlobAudienceSink(Container(provider, o => o.AudienceContainer)));
        services.TryAddSingleton<IImportSpool>(provider => new BlobImportSpool(Container(provider, o => o.ImportContainer)));
        return services;
    }

    /// <summary>A container of the app's blob service, named by the storage settings.</summary>
    internal static BlobContainerClient Container(IServiceProvider provider, Func<StorageOptions, string> name) =>
        provider.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(name(provider.GetRequiredService<IOptions<StorageOptions>>().Value));
}

using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Segments.Core.Ports;
using Segments.Engine.Language;

namespace Segments.Azure.Jobs;

/// <summary>An import's chunks as blobs <c>{tenant}/{job}/chunk-NNNNN.ndjson</c> of one container (created on first use).</summary>
public sealed class BlobImportSpool(BlobContainerClient container) : IImportSpool
{
    private volatile bool _exists;

    public async Task WriteChunkAsync(string tenant, string job, int index, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        if (!_exists)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _exists = true;
        }
        await container.GetBlobClient(Name(tenant, job, index)).UploadAsync(new BinaryData(content), overwrite: true, cancellationToken);
    }

    public async Task<Stream> OpenChunkAsync(string tenant, string job, int index, CancellationToken cancellationToken = default) =>
        await container.GetBlobClient(Name(tenant, job, index)).OpenReadAsync(cancellationToken: cancellationToken);

    public async Task DeleteAsync(string tenant, string job, CancellationToken cancellationToken = default)
    {
        if (!await container.ExistsAsync(cancellationToken))
        {
            return;
        }
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"{Folder(tenant, job)}/", cancellationToken))
        {
            await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
        }
    }

    private static string Name(string tenant, string job, int index) => $"{Folder(tenant, job)}/chunk-{index:D5}.ndjson";

    private static string Folder(string tenant, string job) =>
        DefinitionParser.IdShape().IsMatch(tenant) && DefinitionParser.IdShape().IsMatch(job)
            ? $"{tenant}/{job}"
            : throw new ArgumentException($"'{tenant}/{job}' is not a tenant and a job id");
}

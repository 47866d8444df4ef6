using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Segments.Core.Audience;
using Segments.Core.Ports;

namespace Segments.Azure.Audiences;

/// <summary>
/// Audiences in a blob container (<c>audiences</c>): <c>{tenant}/{broadcast}/part-NNNNN.ndjson</c> and
/// <c>manifest.json</c>. Each blob is uploaded whole and replaces what was there (a block blob is committed at the
/// end of its upload, so a reader never sees half of one); an activity that runs again writes the same bytes.
/// </summary>
public sealed class BlobAudienceSink(BlobContainerClient container) : IAudienceSink
{
    private const string NdjsonType = "application/x-ndjson";
    private const string JsonType = "application/json";

    private volatile bool _exists;

    public async Task WritePartAsync(AudienceAddress address, string part, IReadOnlyList<Recipient> recipients,
        CancellationToken cancellationToken = default)
    {
        using var content = new MemoryStream();
        AudienceFormat.Write(content, recipients);
        content.Position = 0;
        await UploadAsync(address, part, content, NdjsonType, cancellationToken);
    }

    public async Task WriteManifestAsync(AudienceAddress address, AudienceManifest manifest, CancellationToken cancellationToken = default)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, AudienceManifest.Json));
        await UploadAsync(address, AudienceAddress.ManifestName, content, JsonType, cancellationToken);
    }

    public async Task<AudienceManifest?> ReadManifestAsync(AudienceAddress address, CancellationToken cancellationToken = default)
    {
        try
        {
            var download = await Blob(address, AudienceAddress.ManifestName).DownloadContentAsync(cancellationToken);
            return download.Value.Content.ToObjectFromJson<AudienceManifest>(AudienceManifest.Json);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<Stream> OpenPartAsync(AudienceAddress address, string part, CancellationToken cancellationToken = default) =>
        await Blob(address, part).OpenReadAsync(cancellationToken: cancellationToken);

    /// <summary>Every blob under the audience's prefix (an upload a crash interrupted was never committed, so leaves none).</summary>
    public async Task ClearAsync(AudienceAddress address, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{address.Tenant}/{address.Broadcast}/" }, cancellationToken))
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No container yet: no audience was ever written.
        }
    }

    private async Task UploadAsync(AudienceAddress address, string name, Stream content, string contentType, CancellationToken cancellationToken)
    {
        if (!_exists)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _exists = true;
        }
        await Blob(address, name).UploadAsync(content,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);
    }

    private BlobClient Blob(AudienceAddress address, string name) =>
        AudienceAddress.IsFileName(name)
            ? container.GetBlobClient($"{address.Folder}/{name}")
            : throw new ArgumentException($"'{name}' is neither a part nor the manifest", nameof(name));
}

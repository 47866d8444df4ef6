using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Segments.Core.Ports;

namespace Segments.Azure.EventHubs;

/// <summary>
/// Dead letters of the stream fold in a Blob container, one small JSON blob per letter under
/// <c>t-{tenant}/{source}.json</c> (both escaped). Created only if absent, so a replayed batch keeps the first letter
/// of each delivery. The container must exist.
/// </summary>
public sealed class BlobDeadLetterStore(BlobContainerClient container) : IDeadLetterStore
{
    private sealed record Stored(string Tenant, string Source, string Reason, string Payload, DateTimeOffset At);

    public async Task AddAsync(DeadLetter letter, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(Name(letter.Tenant, letter.Source));
        var body = BinaryData.FromObjectAsJson(new Stored(letter.Tenant, letter.Source, letter.Reason, letter.Payload, letter.At));
        try
        {
            await blob.UploadAsync(body, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobAlreadyExists || e.Status == 409)
        {
            // Already dead-lettered by an earlier delivery of the same batch.
        }
    }

    public async Task RemoveAsync(string tenant, string source, CancellationToken cancellationToken = default) =>
        await container.DeleteBlobIfExistsAsync(Name(tenant, source), cancellationToken: cancellationToken);

    private static string Name(string tenant, string source) => $"{Prefix(tenant)}{Uri.EscapeDataString(source)}.json";

    /// <summary>By blob name (the escaped source); the cursor is the listing's continuation token.</summary>
    public async Task<DeadLetterPage> PageAsync(string tenant, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadPageAsync(tenant, cursor, limit, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 400 && cursor is not null)
        {
            throw new ArgumentException("not a cursor of this store", nameof(cursor), e);
        }
    }

    private async Task<DeadLetterPage> ReadPageAsync(string tenant, string? cursor, int limit, CancellationToken cancellationToken)
    {
        await foreach (var page in container.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix(tenant) }, cancellationToken)
            .AsPages(cursor, limit))
        {
            var letters = new List<DeadLetter>(page.Values.Count);
            foreach (var item in page.Values)
            {
                var content = await container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken);
                var stored = content.Value.Content.ToObjectFromJson<Stored>()!;
                letters.Add(new DeadLetter(stored.Tenant, stored.Source, stored.Reason, stored.Payload, stored.At));
            }
            return new DeadLetterPage(letters, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
        }
        return new DeadLetterPage([], null);
    }

    // "t-" keeps the name of a letter without a tenant from starting with "/".
    private static string Prefix(string tenant) => $"t-{Uri.EscapeDataString(tenant)}/";
}

using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Segments.TestSupport.Emulators;

namespace Segments.Azure.Tests;

/// <summary>Proves the Blob and Table SDKs work against Azurite through the fixture's connection string.</summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed class StorageEmulatorTests(EmulatorFixture fixture)
{
    [Fact]
    public async Task Blob_uploads_and_downloads()
    {
        var container = new BlobServiceClient(fixture.Emulators.StorageConnectionString)
            .GetBlobContainerClient($"audiences-{Guid.NewGuid():N}");
        await container.CreateAsync();

        await container.GetBlobClient("b1/manifest.json").UploadAsync(BinaryData.FromString("""{"count":2}"""));
        var downloaded = await container.GetBlobClient("b1/manifest.json").DownloadContentAsync();

        Assert.Equal("""{"count":2}""", downloaded.Value.Content.ToString());
    }

    [Fact]
    public async Task Table_entity_is_added_and_read()
    {
        var table = new TableServiceClient(fixture.Emulators.StorageConnectionString)
            .GetTableClient($"segments{Guid.NewGuid():N}");
        await table.CreateAsync();

        await table.AddEntityAsync(new TableEntity("t1", "s1") { ["Name"] = "Engaged" });
        var entity = await table.GetEntityAsync<TableEntity>("t1", "s1");

        Assert.Equal("Engaged", entity.Value.GetString("Name"));
    }
}

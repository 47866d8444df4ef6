using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.Engine.PushDown;

namespace Segments.Azure.Cosmos;

/// <summary>
/// Contact documents in the Cosmos DB container <c>contacts</c>, partitioned by the hierarchical key
/// [/tenantId, /contactId]: one item per contact, <c>{"id","tenantId","contactId","doc":{...}}</c> with the document
/// in <see cref="ContactDocumentJson"/> form, read and written as streams with System.Text.Json. Reads are point
/// reads; writes are conditional (create only if absent, replace only If-Match the version read), a lost race
/// surfacing as <see cref="ConcurrencyConflictException"/> for the caller to read, fold and write again. A tenant's
/// partitions are the container's feed ranges, each cut to the tenant's slice of effective partition keys and
/// then into even sub-ranges by contact; every query also filters on the tenant.
/// </summary>
public sealed class CosmosContactStore(Container container, int scanRangesPerFeedRange = 8) : IContactStore
{
    private const string ScanQuery = "SELECT * FROM c WHERE c.tenantId = @tenant";

    public async Task<StoredContact?> ReadAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
    {
        using var response = await container.ReadItemStreamAsync(ItemId(contactId), Key(tenant, contactId), cancellationToken: cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
        return new StoredContact(ReadItem(json.RootElement), response.Headers.ETag);
    }

    /// <summary>
    /// One ReadMany call: the SDK groups the keys by physical partition and reads each group in one query. One contact is a
    /// point read (a profile's <c>PUT</c>), which costs less than a query.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, StoredContact>> ReadManyAsync(string tenant, IReadOnlyCollection<string> contactIds,
        CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, StoredContact>(contactIds.Count, StringComparer.Ordinal);
        var ids = contactIds.Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count <= 1)
        {
            if (ids.Count == 1 && await ReadAsync(tenant, ids[0], cancellationToken) is { } one)
            {
                found[ids[0]] = one;
            }
            return found;
        }
        var keys = ids.Select(id => (ItemId(id), Key(tenant, id))).ToList();
        using var response = await container.ReadManyItemsStreamAsync(keys, cancellationToken: cancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
        foreach (var item in json.RootElement.GetProperty("Documents").EnumerateArray())
        {
            var document = ReadItem(item);
            found[document.Id] = new StoredContact(document, item.GetProperty("_etag").GetString()!);
        }
        return found;
    }

    public async Task<string> WriteAsync(string tenant, ContactDocument document, string? ifMatch, CancellationToken cancellationToken = default)
    {
        using var body = new MemoryStream(Item(tenant, document));
        var key = Key(tenant, document.Id);
        // Only the new version is read from the answer, not the item it would echo back.
        using var response = ifMatch is null
            ? await container.CreateItemStreamAsync(body, key, new ItemRequestOptions { EnableContentResponseOnWrite = false }, cancellationToken)
            : await container.ReplaceItemStreamAsync(body, ItemId(document.Id), key,
                new ItemRequestOptions { IfMatchEtag = ifMatch, EnableContentResponseOnWrite = false }, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw new ConcurrencyConflictException(tenant, document.Id);
        }
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag;
    }

    public async Task<IReadOnlyList<string>> ListPartitionsAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var tenantStart = EffectivePartitionKey.Of(tenant);
        var tenantEnd = tenantStart + EffectivePartitionKey.Max;
        // Contact-level hashes start with 00..3F (the top two bits are cleared), so cuts at the first byte spread evenly.
        var cuts = Enumerable.Range(0, scanRangesPerFeedRange + 1)
            .Select(i => i == 0 ? tenantStart : i == scanRangesPerFeedRange ? tenantEnd : tenantStart + (i * 0x40 / scanRangesPerFeedRange).ToString("X2", CultureInfo.InvariantCulture))
            .ToArray();
        var partitions = new List<string>();
        foreach (var range in await container.GetFeedRangesAsync(cancellationToken))
        {
            var (min, max) = EpkRange.Parse(range.ToJsonString());
            for (var i = 0; i < scanRangesPerFeedRange; i++)
            {
                var from = Later(min, cuts[i]);
                var to = Earlier(max, cuts[i + 1]);
                if (string.CompareOrdinal(from, to) < 0)
                {
                    partitions.Add(new EpkRange(from, to).ToJson());
                }
            }
        }
        return partitions;
    }

    /// <summary>
    /// With a push-down, the query also carries its filter (<see cref="CosmosPushDown"/>): a superset of the members,
    /// so the server leaves out contacts that cannot match and the caller still checks the rest exactly.
    /// </summary>
    public async IAsyncEnumerable<ContactDocument> ScanAsync(string tenant, string partition, PushDownCondition? pushDown = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = Scan(tenant, pushDown);
        using var pages = container.GetItemQueryStreamIterator(FeedRange.FromJsonString(partition), query, continuationToken: null);
        while (pages.HasMoreResults)
        {
            using var page = await pages.ReadNextAsync(cancellationToken);
            page.EnsureSuccessStatusCode();
            using var json = await JsonDocument.ParseAsync(page.Content, cancellationToken: cancellationToken);
            foreach (var item in json.RootElement.GetProperty("Documents").EnumerateArray())
            {
                yield return ReadItem(item);
            }
        }
    }

    /// <summary>The items marked <c>sample</c> when written (see <see cref="EstimationSample"/>), across the tenant's partitions.</summary>
    public async IAsyncEnumerable<ContactDocument> ScanSampleAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = new QueryDefinition($"{ScanQuery} AND c.sample = true").WithParameter("@tenant", tenant);
        using var pages = container.GetItemQueryStreamIterator(query);
        while (pages.HasMoreResults)
        {
            using var page = await pages.ReadNextAsync(cancellationToken);
            page.EnsureSuccessStatusCode();
            using var json = await JsonDocument.ParseAsync(page.Content, cancellationToken: cancellationToken);
            foreach (var item in json.RootElement.GetProperty("Documents").EnumerateArray())
            {
                yield return ReadItem(item);
            }
        }
    }

    public async Task<bool> DeleteAsync(string tenant, string contactId, CancellationToken cancellationToken = default)
    {
        using var response = await container.DeleteItemStreamAsync(ItemId(contactId), Key(tenant, contactId), cancellationToken: cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        response.EnsureSuccessStatusCode();
        return true;
    }

    private static QueryDefinition Scan(string tenant, PushDownCondition? pushDown)
    {
        var filter = pushDown is null ? null : CosmosPushDown.Compile(pushDown, "c.doc");
        var query = new QueryDefinition(filter is { IsEverything: false } ? $"{ScanQuery} AND {filter.Sql}" : ScanQuery)
            .WithParameter("@tenant", tenant);
        foreach (var (name, value) in filter?.Parameters ?? [])
        {
            query = query.WithParameter(name, value);
        }
        return query;
    }

    /// <summary>Creates the container with its hierarchical key if it is missing (local runs and tests; Bicep does it in Azure).</summary>
    public static async Task<Container> CreateContainerIfNotExistsAsync(Database database, string name, CancellationToken cancellationToken = default) =>
        (await database.CreateContainerIfNotExistsAsync(new ContainerProperties(name, ["/tenantId", "/contactId"]), cancellationToken: cancellationToken))
        .Container;

    private static PartitionKey Key(string tenant, string contactId) => new PartitionKeyBuilder().Add(tenant).Add(contactId).Build();

    /// <summary>
    /// The item id. Ids are unique per full partition key, which here holds one item, so any stable mapping works:
    /// the contact id itself unless Cosmos DB would refuse it as an id (<c>/ \ ? #</c>, over 255 characters).
    /// </summary>
    private static string ItemId(string contactId) =>
        contactId.Length <= 255 && contactId.IndexOfAny(['/', '\\', '?', '#']) < 0
            ? contactId
            : "~" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(contactId)));

    private static byte[] Item(string tenant, ContactDocument document)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", ItemId(document.Id));
            writer.WriteString("tenantId", tenant);
            writer.WriteString("contactId", document.Id);
            if (EstimationSample.Contains(document.Id))
            {
                writer.WriteBoolean("sample", true);
            }
            writer.WritePropertyName("doc");
            ContactDocumentJson.Write(writer, document);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static ContactDocument ReadItem(JsonElement item) => ContactDocumentJson.Deserialize(JsonMarshal.GetRawUtf8Value(item.GetProperty("doc")));

    private static string Later(string a, string b) => string.CompareOrdinal(a, b) >= 0 ? a : b;

    private static string Earlier(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? a : b;
}

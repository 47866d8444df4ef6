using System.Text;
using Azure;
using Azure.Data.Tables;
using Segments.Azure.Tables;
using Segments.Core.Catalog;
using Segments.Core.Ports;
using Segments.Engine.Model;

namespace Segments.Azure.Catalog;

/// <summary>
/// The catalog in Table storage, one partition per tenant (PartitionKey = tenant id), so every query is scoped
/// to the tenant and a commit is one entity-group transaction: the changed entry together with the tenant's
/// head row (revision and schema), the head conditional on the ETag it had when its revision was checked.
/// Row keys: <c>head</c>, and <c>{kind}:{id}</c> for users (<c>segment:win-back</c>, <c>drip:welcome</c>).
/// </summary>
public sealed class TableCatalogStore(TableClient table) : ICatalogStore
{
    private const string HeadKey = "head";

    // A string property holds at most 64 KiB (32 Ki UTF-16 code units): longer definitions are split.
    private const int ChunkLength = 30_000;

    private readonly LazyTable _table = new(table);

    public async Task<CatalogSnapshot> ReadAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        // The head first: a commit landing during the query moves the revision past the one returned, so a
        // change planned on a torn read fails its commit and is planned again.
        var head = await ReadHeadAsync(client, tenant, cancellationToken);
        var entries = new List<CatalogEntry>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and RowKey ne {HeadKey}");
        await foreach (var entity in client.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entries.Add(ToEntry(entity));
        }
        return new CatalogSnapshot(head.Revision, head.Schema, entries);
    }

    public async Task<long> RevisionAsync(string tenant, CancellationToken cancellationToken = default) =>
        (await ReadHeadAsync(await _table.GetAsync(cancellationToken), tenant, cancellationToken)).Revision;

    public async Task<CatalogEntry?> ReadEntryAsync(string tenant, CatalogUser user, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var found = await client.GetEntityIfExistsAsync<TableEntity>(tenant, RowKey(user), cancellationToken: cancellationToken);
        return found.HasValue ? ToEntry(found.Value!) : null;
    }

    public async Task CommitAsync(string tenant, long expectedRevision, CatalogChange change, CancellationToken cancellationToken = default)
    {
        var client = await _table.GetAsync(cancellationToken);
        var head = await ReadHeadAsync(client, tenant, cancellationToken);
        if (head.Revision != expectedRevision)
        {
            throw new CatalogConflictException(tenant, expectedRevision);
        }
        var next = new TableEntity(tenant, HeadKey) { ["Revision"] = expectedRevision + 1 };
        if (change is PutSchema schema)
        {
            next["Schema"] = CatalogEncoding.Schema(schema.Schema);
        }
        var actions = new List<TableTransactionAction>
        {
            head.ETag is { } etag
                ? new TableTransactionAction(TableTransactionActionType.UpdateMerge, next, etag)
                : new TableTransactionAction(TableTransactionActionType.Add, next),
        };
        switch (change)
        {
            case PutEntry put:
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(tenant, put.Entry)));
                break;
            case RemoveEntry remove:
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(tenant, RowKey(remove.User)), ETag.All));
                break;
        }
        try
        {
            await client.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            // 412: the head moved since it was read; 409: another first commit created it.
            throw new CatalogConflictException(tenant, expectedRevision);
        }
    }

    private static async Task<(long Revision, FieldSchema Schema, ETag? ETag)> ReadHeadAsync(TableClient client, string tenant,
        CancellationToken cancellationToken)
    {
        var found = await client.GetEntityIfExistsAsync<TableEntity>(tenant, HeadKey, cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return (0, FieldSchema.Empty, null);
        }
        var head = found.Value!;
        var schema = head.GetString("Schema") is { } json ? CatalogEncoding.ParseSchema(json) : FieldSchema.Empty;
        return (head.GetInt64("Revision") ?? 0, schema, head.ETag);
    }

    private static string RowKey(CatalogUser user) => $"{CatalogUser.Word(user.Kind)}:{user.Id}";

    private static TableEntity ToEntity(string tenant, CatalogEntry entry)
    {
        var entity = new TableEntity(tenant, RowKey(entry.User))
        {
            ["Segments"] = CatalogEncoding.Names(entry.Segments),
            ["Fields"] = CatalogEncoding.Names(entry.Fields),
            ["Baseline"] = entry.Baseline,
        };
        if (entry.Definition is { } definition)
        {
            entity["Version"] = definition.Version;
            entity["Revision"] = definition.Revision;
            var chunks = definition.Json.Chunk(ChunkLength).Select(c => new string(c)).ToArray();
            entity["JsonChunks"] = chunks.Length;
            for (var i = 0; i < chunks.Length; i++)
            {
                entity[$"Json{i}"] = chunks[i];
            }
        }
        return entity;
    }

    private static CatalogEntry ToEntry(TableEntity entity)
    {
        var separator = entity.RowKey.IndexOf(':');
        if (separator < 0 || !CatalogUser.TryParseKind(entity.RowKey[..separator], out var kind))
        {
            throw new InvalidDataException($"catalog row '{entity.RowKey}' of tenant '{entity.PartitionKey}' is not a user");
        }
        StoredDefinition? definition = null;
        if (entity.GetInt32("JsonChunks") is { } chunks)
        {
            var json = new StringBuilder();
            for (var i = 0; i < chunks; i++)
            {
                json.Append(entity.GetString($"Json{i}"));
            }
            definition = new StoredDefinition(json.ToString(), entity.GetInt32("Version")!.Value, entity.GetInt64("Revision")!.Value);
        }
        return new CatalogEntry(new CatalogUser(kind, entity.RowKey[(separator + 1)..]),
            CatalogEncoding.ParseNames(entity.GetString("Segments")), CatalogEncoding.ParseNames(entity.GetString("Fields")), definition)
        {
            Baseline = entity.GetString("Baseline"),
        };
    }
}

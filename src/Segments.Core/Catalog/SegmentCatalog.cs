using System.Text.Json;
using Segments.Core.Ports;
using Segments.Engine.Evaluation;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Core.Catalog;

/// <summary>
/// The rules of a tenant's catalog over an <see cref="ICatalogStore"/>: a definition is saved only when it is
/// valid in the language and against the tenant's schema, its references exist, it makes no cycle and no chain
/// of references (its own or of a segment that uses it) gets too deep; a segment is deleted only while nothing
/// uses it; a field's type changes (or the field goes) only while nothing uses it. Every change is planned on a
/// snapshot and committed against that snapshot's revision, and planned again when another change came first.
/// </summary>
public sealed class SegmentCatalog(ICatalogStore store)
{
    /// <summary>How often a change is planned again when other changes of the same tenant keep landing first.</summary>
    public const int MaxAttempts = 8;

    /// <summary>The longest definition text kept (characters): every store can hold it in one row.</summary>
    public const int MaxDefinitionLength = 256 * 1024;

    /// <summary>The longest name (characters): a label in lists and reports; the description holds the prose.</summary>
    public const int MaxNameLength = 256;

    public Task<CatalogEntry?> GetSegmentAsync(string tenant, string id, CancellationToken cancellationToken = default) =>
        store.ReadEntryAsync(tenant, CatalogUser.Segment(id), cancellationToken);

    /// <summary>A drip's or trigger's entry (the segments it uses, its pending baseline), or null.</summary>
    public Task<CatalogEntry?> GetUserAsync(string tenant, CatalogUser user, CancellationToken cancellationToken = default) =>
        store.ReadEntryAsync(tenant, user, cancellationToken);

    /// <summary>The tenant's segments, by id (ordinal).</summary>
    public async Task<IReadOnlyList<CatalogEntry>> ListSegmentsAsync(string tenant, CancellationToken cancellationToken = default) =>
        [.. (await store.ReadAsync(tenant, cancellationToken)).Segments.OrderBy(e => e.User.Id, StringComparer.Ordinal)];

    public async Task<FieldSchema> GetSchemaAsync(string tenant, CancellationToken cancellationToken = default) =>
        (await store.ReadAsync(tenant, cancellationToken)).Schema;

    /// <summary>Checks a definition as if it were saved now, without saving it.</summary>
    public async Task<CatalogResult<SegmentDefinition>> ValidateAsync(string tenant, JsonElement definition, CancellationToken cancellationToken = default)
    {
        var (parsed, errors) = Check(await store.ReadAsync(tenant, cancellationToken), definition);
        return parsed is null
            ? CatalogResult<SegmentDefinition>.Refused(CatalogStatus.Invalid, errors)
            : CatalogResult<SegmentDefinition>.Success(parsed);
    }

    /// <summary>Creates or replaces the definition (its <c>id</c> names the segment); the JSON text is kept as given.</summary>
    public Task<CatalogResult<CatalogEntry>> SaveSegmentAsync(string tenant, JsonElement definition, IfMatch? ifMatch,
        CancellationToken cancellationToken = default) =>
        MutateAsync<CatalogEntry>(tenant, snapshot =>
        {
            var (parsed, errors) = Check(snapshot, definition);
            if (parsed is null)
            {
                return (null, CatalogResult<CatalogEntry>.Refused(CatalogStatus.Invalid, errors));
            }
            var user = CatalogUser.Segment(parsed.Id);
            var current = snapshot.Find(user)?.Definition;
            if (ifMatch is not null && !ifMatch.Accepts(current?.ETag))
            {
                return (null, PreconditionFailed<CatalogEntry>(user, current));
            }
            var entry = new CatalogEntry(user, [.. parsed.References.Select(r => r.Id)], parsed.Fields,
                new StoredDefinition(definition.GetRawText(), (current?.Version ?? 0) + 1, snapshot.Revision + 1));
            return (new PutEntry(entry), CatalogResult<CatalogEntry>.Success(entry, created: current is null));
        }, cancellationToken);

    /// <summary>Deletes the segment unless another segment, a drip or a trigger uses it.</summary>
    public Task<CatalogResult<CatalogEntry>> DeleteSegmentAsync(string tenant, string id, IfMatch? ifMatch,
        CancellationToken cancellationToken = default) =>
        MutateAsync<CatalogEntry>(tenant, snapshot =>
        {
            var user = CatalogUser.Segment(id);
            if (snapshot.Find(user) is not { } current)
            {
                return (null, NotFound<CatalogEntry>(user));
            }
            if (ifMatch is not null && !ifMatch.Accepts(current.Definition?.ETag))
            {
                return (null, PreconditionFailed<CatalogEntry>(user, current.Definition));
            }
            var users = snapshot.UsersOfSegment(id);
            if (users.Count > 0)
            {
                var errors = users.Select(u => new ValidationError("$", $"{user} is used by {u}; change or remove that first")).ToArray();
                return (null, CatalogResult<CatalogEntry>.Refused(CatalogStatus.Conflict, errors) with { UsedBy = users });
            }
            return (new RemoveEntry(user), CatalogResult<CatalogEntry>.Success(current));
        }, cancellationToken);

    /// <summary>
    /// Replaces the field schema. Fields can be added, and unused ones changed or removed; a field that a
    /// segment uses keeps its type and stays, since the segment would otherwise no longer mean what it said.
    /// </summary>
    public Task<CatalogResult<FieldSchema>> SetSchemaAsync(string tenant, FieldSchema schema, CancellationToken cancellationToken = default) =>
        MutateAsync<FieldSchema>(tenant, snapshot =>
        {
            var errors = new List<ValidationError>();
            var holders = new List<CatalogUser>();
            foreach (var (field, type) in snapshot.Schema.Custom.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var users = snapshot.UsersOfField(field);
                if (users.Count == 0 || (schema.Custom.TryGetValue(field, out var next) && next == type))
                {
                    continue;
                }
                var who = string.Join(", ", users);
                errors.Add(schema.Custom.ContainsKey(field)
                    ? new ValidationError($"$.fields.{field}",
                        $"field '{field}' is {FieldSchema.ToWord(type)} and used by {who}; its type cannot change while they use it")
                    : new ValidationError("$.fields", $"field '{field}' is used by {who}; it cannot be removed while they use it"));
                holders.AddRange(users);
            }
            return errors.Count > 0
                ? (null, CatalogResult<FieldSchema>.Refused(CatalogStatus.Conflict, errors) with { UsedBy = [.. holders.Distinct()] })
                : (new PutSchema(schema), CatalogResult<FieldSchema>.Success(schema));
        }, cancellationToken);

    /// <summary>
    /// Records that a drip or a trigger uses these segments (they must exist), replacing what it used before; while it
    /// does, they cannot be deleted. When a segment is not tracked yet (or its baseline is still being recorded), the entry
    /// carries <paramref name="baseline"/>, the job that records it, in the same commit that starts tracking it.
    /// </summary>
    public Task<CatalogResult<CatalogEntry>> SetUserAsync(string tenant, CatalogUser user, IReadOnlyList<SegmentReference> segments,
        string? baseline = null, CancellationToken cancellationToken = default)
    {
        RequireNonSegment(user);
        return MutateAsync<CatalogEntry>(tenant, snapshot =>
        {
            var missing = segments.Where(r => snapshot.Find(CatalogUser.Segment(r.Id)) is null)
                .Select(r => new ValidationError(r.Path, $"segment '{r.Id}' does not exist; create it first"))
                .ToArray();
            if (missing.Length > 0)
            {
                return (null, CatalogResult<CatalogEntry>.Refused(CatalogStatus.Invalid, missing));
            }
            var used = segments.Select(r => r.Id).Distinct(StringComparer.Ordinal).ToList();
            var entry = new CatalogEntry(user, used, [])
            {
                Baseline = used.All(snapshot.IsTrackedWithBaseline) ? null : baseline,
            };
            return (new PutEntry(entry), CatalogResult<CatalogEntry>.Success(entry, created: snapshot.Find(user) is null));
        }, cancellationToken);
    }

    /// <summary>The baseline job of a drip or trigger is done: unless a later save set another one, the entry is tracked in full.</summary>
    public Task<CatalogResult<CatalogEntry>> FinishBaselineAsync(string tenant, CatalogUser user, string baseline,
        CancellationToken cancellationToken = default) =>
        MutateAsync<CatalogEntry>(tenant, snapshot => snapshot.Find(user) is { } current && current.Baseline == baseline
            ? (new PutEntry(current with { Baseline = null }), CatalogResult<CatalogEntry>.Success(current with { Baseline = null }))
            : (null, NotFound<CatalogEntry>(user)), cancellationToken);

    /// <summary>Forgets a drip or a trigger, releasing the segments it used.</summary>
    public Task<CatalogResult<CatalogEntry>> RemoveUserAsync(string tenant, CatalogUser user, CancellationToken cancellationToken = default)
    {
        RequireNonSegment(user);
        return MutateAsync<CatalogEntry>(tenant, snapshot => snapshot.Find(user) is { } current
            ? (new RemoveEntry(user), CatalogResult<CatalogEntry>.Success(current))
            : (null, NotFound<CatalogEntry>(user)), cancellationToken);
    }

    /// <summary>The segment compiled together with everything it references, or null when the tenant has no such segment.</summary>
    public async Task<CompiledSegment?> CompileAsync(string tenant, string id, CancellationToken cancellationToken = default) =>
        Compile(await store.ReadAsync(tenant, cancellationToken), id, draft: null)?[id];

    /// <summary>
    /// The saved segment with everything it references compiled into one set (null when there is no such segment), for
    /// passes that look into references (explanations).
    /// </summary>
    public async Task<SegmentSet?> CompileWithReferencesAsync(string tenant, string id, CancellationToken cancellationToken = default) =>
        Compile(await store.ReadAsync(tenant, cancellationToken), id, draft: null);

    /// <summary>
    /// A definition that is not saved (a new one, or an edit of a saved one of the same id), checked as if it were saved
    /// now and compiled with the saved segments it references.
    /// </summary>
    public async Task<CatalogResult<CompiledSegment>> CompileDraftAsync(string tenant, JsonElement definition, CancellationToken cancellationToken = default)
    {
        var snapshot = await store.ReadAsync(tenant, cancellationToken);
        var (parsed, errors) = Check(snapshot, definition);
        return parsed is null
            ? CatalogResult<CompiledSegment>.Refused(CatalogStatus.Invalid, errors)
            : CatalogResult<CompiledSegment>.Success(Compile(snapshot, parsed.Id, parsed)![parsed.Id]);
    }

    /// <summary>The segment <paramref name="id"/> (the draft when given, else the saved one) and the saved segments it reaches.</summary>
    private static SegmentSet? Compile(CatalogSnapshot snapshot, string id, SegmentDefinition? draft)
    {
        var closure = new Dictionary<string, SegmentDefinition>(StringComparer.Ordinal);
        void Add(SegmentDefinition definition)
        {
            closure[definition.Id] = definition;
            foreach (var reference in definition.References)
            {
                if (!closure.ContainsKey(reference.Id) && snapshot.Find(CatalogUser.Segment(reference.Id)) is { } entry)
                {
                    Add(Parse(entry, snapshot.Schema));
                }
            }
        }
        if ((draft ?? (snapshot.Find(CatalogUser.Segment(id)) is { } saved ? Parse(saved, snapshot.Schema) : null)) is not { } root)
        {
            return null;
        }
        Add(root);
        return new SegmentSet(closure.Values);
    }

    private static (SegmentDefinition? Definition, IReadOnlyList<ValidationError> Errors) Check(CatalogSnapshot snapshot, JsonElement json)
    {
        if (json.GetRawText().Length is var length and > MaxDefinitionLength)
        {
            return (null, [new ValidationError("$", $"the definition is {length} characters long; at most {MaxDefinitionLength} are kept")]);
        }
        // A reference to an unknown segment is reported with the definition's other problems; the segment itself
        // (the id it names) counts as known, so a self-reference is found to be a cycle below.
        var ownId = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
        var (candidate, errors) = DefinitionParser.Parse(json, snapshot.Schema, segment => segment == ownId || snapshot.Find(CatalogUser.Segment(segment)) is not null);
        if (candidate is null)
        {
            return (null, errors);
        }
        if (candidate.Name.Length > MaxNameLength)
        {
            return (null, [new ValidationError("$.name", $"the name is {candidate.Name.Length} characters long; at most {MaxNameLength}")]);
        }
        var all = snapshot.Segments.ToDictionary(e => e.User.Id, e => Parse(e, snapshot.Schema), StringComparer.Ordinal);
        all[candidate.Id] = candidate;
        var graph = SegmentGraph.Check(candidate, all.Values);
        if (graph.Count > 0)
        {
            return (null, graph);
        }
        // SegmentGraph measures depth from the candidate down; a replaced segment also deepens those that use it.
        var deep = UsersOf(all, candidate.Id)
            .Where(user => SegmentGraph.Check(all[user], all.Values).Count > 0)
            .Select(user => new ValidationError("$.match",
                $"segment '{user}' uses this one, and its references would then nest more than {SegmentGraph.MaxReferenceDepth} deep"))
            .ToArray();
        return deep.Length > 0 ? (null, deep) : (candidate, []);
    }

    /// <summary>The segments that reach <paramref name="id"/> through references, directly or not, by id.</summary>
    private static IEnumerable<string> UsersOf(Dictionary<string, SegmentDefinition> all, string id)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([id]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var definition in all.Values)
            {
                if (definition.References.Any(r => r.Id == current) && found.Add(definition.Id))
                {
                    queue.Enqueue(definition.Id);
                }
            }
        }
        return found.Order(StringComparer.Ordinal);
    }

    private static SegmentDefinition Parse(CatalogEntry entry, FieldSchema schema)
    {
        var (definition, errors) = DefinitionParser.Parse(entry.Definition!.Json, schema);
        // The catalog refuses every change that would invalidate a saved definition, so this is a broken store.
        return definition ?? throw new InvalidDataException($"the stored {entry.User} no longer validates: {string.Join("; ", errors)}");
    }

    private async Task<CatalogResult<T>> MutateAsync<T>(string tenant, Func<CatalogSnapshot, (CatalogChange? Change, CatalogResult<T> Result)> plan,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await store.ReadAsync(tenant, cancellationToken);
            var (change, result) = plan(snapshot);
            if (change is null)
            {
                return result;
            }
            try
            {
                await store.CommitAsync(tenant, snapshot.Revision, change, cancellationToken);
                return result;
            }
            catch (CatalogConflictException) when (attempt < MaxAttempts)
            {
                // Another change of this tenant landed first: plan again on the catalog as it is now.
            }
            catch (CatalogConflictException)
            {
                return CatalogResult<T>.Refused(CatalogStatus.Conflict, "$", "the catalog kept changing while this change was being made; try again");
            }
        }
    }

    private static CatalogResult<T> NotFound<T>(CatalogUser user) => CatalogResult<T>.Refused(CatalogStatus.NotFound, "$", $"there is no {user}");

    private static CatalogResult<T> PreconditionFailed<T>(CatalogUser user, StoredDefinition? current) =>
        CatalogResult<T>.Refused(CatalogStatus.PreconditionFailed, "$", current is null
            ? $"If-Match names a version of {user}, which does not exist"
            : $"{user} changed since it was read (its ETag is now {current.ETag}); read it again and reapply the change");

    private static void RequireNonSegment(CatalogUser user)
    {
        if (user.Kind == CatalogUserKind.Segment)
        {
            throw new ArgumentException("a segment uses others through its definition: save or delete the definition", nameof(user));
        }
    }
}

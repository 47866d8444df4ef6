using System.Text.Json;
using Segments.Core.Documents;
using Segments.Core.Input;
using Segments.Core.Language;
using Segments.Core.Model;

namespace Segments.Core.Offline;

/// <summary>A problem in an offline data set: the file, the line (for JSON lines files) and the JSON path.</summary>
public sealed record DataSetError(string File, int? Line, string Path, string Message)
{
    public override string ToString() => Line is { } line ? $"{File}:{line}: {Path}: {Message}" : $"{File}: {Path}: {Message}";
}

public sealed class DataSetException(IReadOnlyList<DataSetError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<DataSetError> Errors => errors;
}

/// <summary>
/// An offline data set folder (schema.json, contacts.jsonl, events.jsonl, segments.json, optional
/// suppressions.jsonl), loaded, validated and folded into contact documents.
/// </summary>
public sealed class DataSet
{
    private DataSet(FieldSchema schema, IReadOnlyList<SegmentDefinition> definitions, IReadOnlyList<ContactDocument> contacts,
        ILookup<string, Suppression> suppressions, IReadOnlyList<string> warnings)
    {
        Schema = schema;
        Definitions = definitions;
        Contacts = contacts;
        Suppressions = suppressions;
        Warnings = warnings;
    }

    public FieldSchema Schema { get; }

    /// <summary>Definitions in the order of segments.json.</summary>
    public IReadOnlyList<SegmentDefinition> Definitions { get; }

    /// <summary>Folded contacts in the order of contacts.jsonl.</summary>
    public IReadOnlyList<ContactDocument> Contacts { get; }

    public ILookup<string, Suppression> Suppressions { get; }

    /// <summary>Things worth saying that do not make the data invalid (events of unknown contacts).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Loads the folder; throws <see cref="DataSetException"/> listing every problem found.</summary>
    public static DataSet Load(string folder, FoldOptions? options = null)
    {
        var errors = new List<DataSetError>();
        var schemaFile = Path.Combine(folder, "schema.json");
        var schema = File.Exists(schemaFile) ? ReadDocument(schemaFile, errors, InputReader.ReadSchema) : FieldSchema.Empty;
        var profiles = ReadLines(Path.Combine(folder, "contacts.jsonl"), errors, InputReader.ReadContact, required: true);
        var events = ReadLines(Path.Combine(folder, "events.jsonl"), errors, InputReader.ReadEvent, required: true);
        var suppressions = ReadLines(Path.Combine(folder, "suppressions.jsonl"), errors, InputReader.ReadSuppression, required: false);
        var definitions = schema is null ? [] : ReadDefinitions(Path.Combine(folder, "segments.json"), schema, errors);
        if (errors.Count > 0)
        {
            throw new DataSetException(errors);
        }

        var documents = new Dictionary<string, ContactDocument>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var profile in profiles)
        {
            if (!documents.TryGetValue(profile.Id, out var document))
            {
                document = new ContactDocument(profile.Id);
                order.Add(profile.Id);
            }
            documents[profile.Id] = document.WithProfile(profile);
        }
        var warnings = new List<string>();
        var folder_ = new ContactFolder(options ?? new FoldOptions());
        foreach (var group in events.GroupBy(e => e.ContactId, StringComparer.Ordinal))
        {
            if (!documents.TryGetValue(group.Key, out var document))
            {
                warnings.Add($"events.jsonl: {group.Count()} event(s) of contact '{group.Key}', who is not in contacts.jsonl, were left out");
                continue;
            }
            var outcome = folder_.Fold(document, [.. group]);
            documents[group.Key] = outcome.Document;
            foreach (var (e, reason) in outcome.Refused)
            {
                warnings.Add($"events.jsonl: event '{e.Id}' of contact '{e.ContactId}' was not folded: {reason}");
            }
        }
        return new DataSet(schema!, definitions, [.. order.Select(id => documents[id])], suppressions.ToLookup(s => s.ContactId, StringComparer.Ordinal), warnings);
    }

    private static T? ReadDocument<T>(string file, List<DataSetError> errors, Func<JsonElement, string, (T?, IReadOnlyList<ValidationError>)> read)
        where T : class
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            var (value, problems) = read(json.RootElement, "$");
            errors.AddRange(problems.Select(p => new DataSetError(Path.GetFileName(file), null, p.Path, p.Message)));
            return value;
        }
        catch (JsonException e)
        {
            errors.Add(new DataSetError(Path.GetFileName(file), (int?)e.LineNumber + 1, "$", $"not valid JSON: {e.Message}"));
            return null;
        }
    }

    private static List<T> ReadLines<T>(string file, List<DataSetError> errors,
        Func<JsonElement, string, (T?, IReadOnlyList<ValidationError>)> read, bool required)
        where T : class
    {
        var result = new List<T>();
        var name = Path.GetFileName(file);
        if (!File.Exists(file))
        {
            if (required)
            {
                errors.Add(new DataSetError(name, null, "$", "the file is missing"));
            }
            return result;
        }
        var line = 0;
        foreach (var text in File.ReadLines(file))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            try
            {
                using var json = JsonDocument.Parse(text);
                var (value, problems) = read(json.RootElement, "$");
                errors.AddRange(problems.Select(p => new DataSetError(name, line, p.Path, p.Message)));
                if (value is not null)
                {
                    result.Add(value);
                }
            }
            catch (JsonException e)
            {
                errors.Add(new DataSetError(name, line, "$", $"not valid JSON: {e.Message}"));
            }
        }
        return result;
    }

    private static List<SegmentDefinition> ReadDefinitions(string file, FieldSchema schema, List<DataSetError> errors)
    {
        var name = Path.GetFileName(file);
        var definitions = new List<SegmentDefinition>();
        if (!File.Exists(file))
        {
            errors.Add(new DataSetError(name, null, "$", "the file is missing"));
            return definitions;
        }
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(File.ReadAllBytes(file));
        }
        catch (JsonException e)
        {
            errors.Add(new DataSetError(name, (int?)e.LineNumber + 1, "$", $"not valid JSON: {e.Message}"));
            return definitions;
        }
        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new DataSetError(name, null, "$", "segments.json holds an array of segment definitions"));
                return definitions;
            }
            var index = 0;
            var positions = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var item in json.RootElement.EnumerateArray())
            {
                var prefix = $"$[{index++}]";
                var (definition, problems) = DefinitionParser.Parse(item, schema);
                errors.AddRange(problems.Select(p => new DataSetError(name, null, prefix + p.Path[1..], p.Message)));
                if (definition is null)
                {
                    continue;
                }
                if (!positions.TryAdd(definition.Id, index - 1))
                {
                    errors.Add(new DataSetError(name, null, $"{prefix}.id", $"segment id '{definition.Id}' is used twice"));
                    continue;
                }
                definitions.Add(definition);
            }
            foreach (var (id, error) in SegmentGraph.CheckAll(definitions))
            {
                errors.Add(new DataSetError(name, null, $"$[{positions[id]}]{error.Path[1..]}", error.Message));
            }
        }
        return definitions;
    }
}

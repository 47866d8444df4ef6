using System.Collections.Concurrent;
using System.Text.Json;
using Segments.Engine.Documents;
using Segments.Engine.Input;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Engine.Offline;

/// <summary>
/// An offline data set folder (schema.json, contacts.jsonl, events.jsonl, segments.json, optional
/// suppressions.jsonl) read on every core and checked, every problem reported at once; its events are kept in
/// compact form (<see cref="EventLog"/>, about 30 bytes an event) until <see cref="Fold"/> folds each contact and
/// hands it over, so a caller that does not keep the documents holds the profiles and the compact events only.
/// </summary>
public sealed class DataSetReader
{
    private readonly ContactIndex _contacts;
    private readonly EventLog _events;
    private readonly FoldOptions _options;
    private readonly List<string> _warnings;

    private DataSetReader(FieldSchema schema, IReadOnlyList<SegmentDefinition> definitions, ContactIndex contacts, EventLog events,
        ILookup<string, Suppression> suppressions, List<string> warnings, FoldOptions options)
    {
        Schema = schema;
        Definitions = definitions;
        _contacts = contacts;
        _events = events;
        Suppressions = suppressions;
        _warnings = warnings;
        _options = options;
    }

    public FieldSchema Schema { get; }

    /// <summary>Definitions in the order of segments.json.</summary>
    public IReadOnlyList<SegmentDefinition> Definitions { get; }

    public ILookup<string, Suppression> Suppressions { get; }

    /// <summary>How many contacts contacts.jsonl holds; <see cref="Fold"/> numbers them in its order.</summary>
    public int ContactCount => _contacts.Count;

    /// <summary>The id of the contact <see cref="Fold"/> numbers <paramref name="number"/>, known before the fold.</summary>
    public string ContactId(int number) => _contacts.Id(number);

    /// <summary>Things worth saying that do not make the data invalid (events of unknown contacts, events the fold refused).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Reads and checks the folder; throws <see cref="DataSetException"/> listing every problem found.</summary>
    public static DataSetReader Open(string folder, FoldOptions? options = null) =>
        Open(folder, options, JsonLinesFile.ChunkBytes, EventLog.MaxBucketSize);

    /// <param name="chunkBytes">How much of a file one core reads at a time.</param>
    /// <param name="bucketSize">How many contacts one core folds at a time.</param>
    internal static DataSetReader Open(string folder, FoldOptions? options, int chunkBytes, int bucketSize)
    {
        var errors = new List<DataSetError>();
        var warnings = new List<string>();
        var schemaFile = Path.Combine(folder, "schema.json");
        var schema = File.Exists(schemaFile) ? ReadDocument(schemaFile, errors, InputReader.ReadSchema) : FieldSchema.Empty;
        var contacts = new ContactIndex(ReadContacts(Path.Combine(folder, "contacts.jsonl"), errors, chunkBytes));
        var eventsFile = Path.Combine(folder, "events.jsonl");
        var events = File.Exists(eventsFile) ? EventLog.Read(eventsFile, contacts, errors, warnings, chunkBytes, bucketSize) : null;
        if (events is null)
        {
            errors.Add(new DataSetError("events.jsonl", null, "$", "the file is missing"));
        }
        var suppressions = ReadLines(Path.Combine(folder, "suppressions.jsonl"), errors, InputReader.ReadSuppression, chunkBytes);
        var definitions = schema is null ? [] : ReadDefinitions(Path.Combine(folder, "segments.json"), schema, errors);
        if (errors.Count > 0)
        {
            throw new DataSetException(errors);
        }
        return new DataSetReader(schema!, definitions, contacts, events!, suppressions.ToLookup(s => s.ContactId, StringComparer.Ordinal),
            warnings, options ?? new FoldOptions());
    }

    /// <summary>
    /// Folds every contact's events (all of a contact's events in one fold, as if delivered at once) on every core,
    /// and hands each folded contact with its number to <paramref name="visit"/>, once, from any thread. The reader
    /// keeps no document: what <paramref name="visit"/> does not keep is garbage when it returns. A reader folds once.
    /// </summary>
    public void Fold(Action<int, ContactDocument> visit)
    {
        var folder = new ContactFolder(_options);
        var contents = _events.Contents;
        var refused = new ConcurrentBag<(int Contact, int Order, string Warning)>();
        Parallel.For(0, _events.Buckets, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => new BucketBuffers(),
            (bucket, _, buffers) =>
            {
                var first = bucket * _events.BucketSize;
                var count = Math.Min(_events.BucketSize, _contacts.Count - first);
                var records = buffers.ByContact(_events, bucket, first, count);
                for (var c = 0; c < count; c++)
                {
                    var document = _contacts.Document(first + c, buffers.Texts);
                    var events = buffers.Events;
                    events.Clear();
                    foreach (var record in records[buffers.Starts[c]..buffers.Starts[c + 1]])
                    {
                        events.Add(new FoldedEvent(record.At, _events.Id(record), contents[record.Content]));
                    }
                    if (events.Count > 0)
                    {
                        var order = 0;
                        var outcome = folder.Fold(document, events);
                        document = outcome.Document;
                        foreach (var (e, reason) in outcome.Refused)
                        {
                            refused.Add((first + c, order++, $"events.jsonl: event '{e.Id}' of contact '{e.ContactId}' was not folded: {reason}"));
                        }
                    }
                    visit(first + c, document);
                }
                return buffers;
            }, _ => { });
        _warnings.AddRange(refused.OrderBy(r => r.Contact).ThenBy(r => r.Order).Select(r => r.Warning));
    }

    /// <summary>One worker's reused buffers: a bucket's records ordered by contact, and one contact's events.</summary>
    private sealed class BucketBuffers
    {
        private readonly List<EventRecord> _gathered = [];
        private EventRecord[] _sorted = [];

        public int[] Starts { get; private set; } = [];

        public List<FoldedEvent> Events { get; } = [];

        public TextPool Texts { get; } = new();

        /// <summary>The bucket's records, ordered by contact (stable: file order within a contact); contact c's lie in <see cref="Starts"/>[c..c+1].</summary>
        public ReadOnlySpan<EventRecord> ByContact(EventLog log, int bucket, int first, int count)
        {
            log.Bucket(bucket, _gathered);
            if (Starts.Length < count + 1)
            {
                Starts = new int[count + 1];
            }
            Array.Clear(Starts);
            foreach (var r in _gathered)
            {
                Starts[r.Contact - first + 1]++;
            }
            for (var c = 0; c < count; c++)
            {
                Starts[c + 1] += Starts[c];
            }
            if (_sorted.Length < _gathered.Count)
            {
                _sorted = new EventRecord[_gathered.Count];
            }
            var next = Starts[..count];
            foreach (var r in _gathered)
            {
                _sorted[next[r.Contact - first]++] = r;
            }
            return _sorted.AsSpan(0, _gathered.Count);
        }
    }

    private static T? ReadDocument<T>(string file, List<DataSetError> errors, Func<JsonElement, string, (T?, IReadOnlyList<ValidationError>)> read)
        where T : class
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            if (!AllStringsDecode(json, Path.GetFileName(file), errors))
            {
                return null;
            }
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

    /// <summary>Whether every string of a whole-file document decodes; else the first that does not is an error at its path.</summary>
    private static bool AllStringsDecode(JsonDocument json, string file, List<DataSetError> errors)
    {
        if (JsonFields.UndecodablePath(json.RootElement, "$") is not { } path)
        {
            return true;
        }
        errors.Add(new DataSetError(file, null, path, JsonFields.NotUnicodeText));
        return false;
    }

    /// <summary>contacts.jsonl read and checked on every core; the valid lines kept as they are, chunk by chunk.</summary>
    private static List<ContactLines> ReadContacts(string file, List<DataSetError> errors, int chunkBytes)
    {
        if (!File.Exists(file))
        {
            errors.Add(new DataSetError(Path.GetFileName(file), null, "$", "the file is missing"));
            return [];
        }
        return ReadChunks(file, errors, chunkBytes, (reader, problems) =>
        {
            var lines = new ContactLines.Builder(reader.Bytes);
            reader.ForEachLine((line, number) =>
            {
                // Only checked: the fold reads the line again into the contact's document.
                if (ContactLine.TryCheck(line) is { } id)
                {
                    lines.Add(id, line);
                }
                else if (ExactLine.Read(line, number, Path.GetFileName(file), problems, InputReader.ReadContact) is { } profile)
                {
                    lines.Add(profile.Id, line);
                }
            });
            return lines.Build();
        });
    }

    /// <summary>An optional JSON Lines file read with the exact reader; the values in file order.</summary>
    private static List<T> ReadLines<T>(string file, List<DataSetError> errors,
        Func<JsonElement, string, (T?, IReadOnlyList<ValidationError>)> read, int chunkBytes)
        where T : class
    {
        if (!File.Exists(file))
        {
            return [];
        }
        return [.. ReadChunks(file, errors, chunkBytes, (reader, problems) =>
        {
            var values = new List<T>();
            reader.ForEachLine((line, number) =>
            {
                if (ExactLine.Read(line, number, Path.GetFileName(file), problems, read) is { } value)
                {
                    values.Add(value);
                }
            });
            return values;
        }).SelectMany(values => values)];
    }

    /// <summary>A JSON Lines file read on every core: each chunk's result in file order, the problems in line order.</summary>
    private static List<T> ReadChunks<T>(string file, List<DataSetError> errors, int chunkBytes, Func<ChunkReader, List<DataSetError>, T> read)
    {
        var chunks = JsonLinesFile.Parse(file, reader =>
        {
            var problems = new List<DataSetError>();
            return (Result: read(reader, problems), Problems: problems);
        }, chunkBytes);
        foreach (var (chunk, before) in chunks)
        {
            errors.AddRange(chunk.Problems.Select(p => p with { Line = p.Line + before }));
        }
        return [.. chunks.Select(c => c.Result.Result)];
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
            if (!AllStringsDecode(json, name, errors))
            {
                return definitions;
            }
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

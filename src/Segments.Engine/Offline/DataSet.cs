using Segments.Engine.Documents;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Engine.Offline;

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
/// suppressions.jsonl), loaded, validated and folded into contact documents, all held in memory (see
/// <see cref="DataSetReader"/> to fold one contact at a time instead).
/// </summary>
public sealed class DataSet
{
    private DataSet(DataSetReader reader, IReadOnlyList<ContactDocument> contacts)
    {
        Schema = reader.Schema;
        Definitions = reader.Definitions;
        Contacts = contacts;
        Suppressions = reader.Suppressions;
        Warnings = reader.Warnings;
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
        var reader = DataSetReader.Open(folder, options);
        var contacts = new ContactDocument[reader.ContactCount];
        reader.Fold((number, contact) => contacts[number] = contact);
        return new DataSet(reader, contacts);
    }
}

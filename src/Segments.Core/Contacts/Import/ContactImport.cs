using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Segments.Core.Jobs;
using Segments.Core.Ports;
using Segments.Engine.Input;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Core.Contacts.Import;

/// <summary>
/// Imports one spooled chunk: each record read as a contact (NDJSON as is; a CSV record by its columns, custom fields typed
/// by the tenant's schema), checked as <c>PUT /api/contacts/{id}</c> checks it, and upserted through the same
/// <see cref="ProfileWriter"/>. A bad record is rejected with its line and JSON path; its neighbours go on. A contact named
/// on several lines of a chunk is written once, with its last line's profile (a profile replaces the one before whole).
/// The contacts are written in pages of <see cref="Page"/>, each page's read together and written together, a page's worth
/// of round trips being what a remote store's import costs. Running a chunk again writes the same profiles again, which
/// changes nothing.
/// </summary>
public sealed class ContactImport(ProfileWriter profiles)
{
    public const int Page = 500;

    public async Task<JobPart> ImportChunkAsync(string tenant, int index, Stream chunk, ImportInput input, FieldSchema schema,
        CancellationToken cancellationToken)
    {
        var errors = new List<JobError>();
        var rejected = 0L;
        var read = new List<(long Line, ContactProfile Profile)>();
        using (var reader = new StreamReader(chunk))
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } envelope)
            {
                using var json = JsonDocument.Parse(envelope);
                var line = json.RootElement.GetProperty("line").GetInt64();
                var (profile, problems) = json.RootElement.TryGetProperty("error", out var error)
                    ? (null, [new ValidationError("$", error.GetString()!)])
                    : Read(json.RootElement.GetProperty("text").GetString()!, input, schema);
                if (profile is null)
                {
                    rejected++;
                    errors.AddRange(problems.Select(p => new JobError(line, p.Path, p.Message)));
                    continue;
                }
                read.Add((line, profile));
            }
        }
        var failed = 0;
        var contacts = read.GroupBy(r => r.Profile.Id, StringComparer.Ordinal).ToList();
        foreach (var page in contacts.Chunk(Page))
        {
            var written = await profiles.WriteManyAsync(tenant, [.. page.Select(c => c.Last().Profile)], cancellationToken);
            foreach (var contact in page.Where((_, i) => written[i] is null))
            {
                failed += contact.Count();
                errors.AddRange(contact.Select(r =>
                    new JobError(r.Line, "$", $"contact '{contact.Key}' kept changing while its profile was being written; import it again")));
            }
        }
        rejected += failed;
        return new JobPart(index, read.Count - failed, rejected, [.. errors.OrderBy(e => e.Line).Take(JobPart.MaxErrors)]);
    }

    private static (ContactProfile? Profile, IReadOnlyList<ValidationError> Errors) Read(string text, ImportInput input, FieldSchema schema)
    {
        if (input.Format == ImportFormat.Csv)
        {
            var (fields, error) = CsvRecord.Parse(text);
            if (fields is null)
            {
                return (null, [new ValidationError("$", error!)]);
            }
            var (json, errors) = ToJson(fields, input.Columns, schema);
            if (json is not { } contact)
            {
                return (null, errors);
            }
            return InputReader.ReadContact(contact);
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return InputReader.ReadContact(document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            return (null, [new ValidationError("$", $"the line is not valid JSON (position {e.BytePositionInLine + 1})")]);
        }
    }

    /// <summary>
    /// A CSV record as the contact JSON it stands for: profile columns as text, <c>fields.NAME</c> by the schema's type
    /// (a number, <c>true</c>/<c>false</c>, text for dates and text and fields the schema does not name), <c>lists.ID</c>
    /// as statuses; an empty cell is left out.
    /// </summary>
    private static (JsonElement? Json, IReadOnlyList<ValidationError> Errors) ToJson(IReadOnlyList<string> fields, IReadOnlyList<string> columns,
        FieldSchema schema)
    {
        if (fields.Count != columns.Count)
        {
            return (null, [new ValidationError("$", $"the record has {fields.Count} fields but the header names {columns.Count} columns")]);
        }
        var errors = new List<ValidationError>();
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var group in new[] { "", "fields.", "lists." })
            {
                var cells = columns.Select((c, i) => (Column: c, Value: fields[i]))
                    .Where(c => c.Value.Length > 0 && (group.Length == 0 ? !c.Column.Contains('.') : c.Column.StartsWith(group, StringComparison.Ordinal)))
                    .ToList();
                if (group.Length > 0)
                {
                    if (cells.Count == 0)
                    {
                        continue;
                    }
                    writer.WriteStartObject(group.TrimEnd('.'));
                }
                foreach (var (column, value) in cells)
                {
                    var name = column[group.Length..];
                    writer.WritePropertyName(name);
                    if (group == "fields." && schema.Custom.TryGetValue(name, out var type) && type is FieldType.Number or FieldType.Boolean)
                    {
                        WriteTyped(writer, name, type, value, errors);
                    }
                    else
                    {
                        writer.WriteStringValue(value);
                    }
                }
                if (group.Length > 0)
                {
                    writer.WriteEndObject();
                }
            }
            writer.WriteEndObject();
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (document.RootElement.Clone(), []);
    }

    private static void WriteTyped(Utf8JsonWriter writer, string name, FieldType type, string value, List<ValidationError> errors)
    {
        if (type == FieldType.Number && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else if (type == FieldType.Boolean && bool.TryParse(value, out var flag))
        {
            writer.WriteBooleanValue(flag);
        }
        else
        {
            writer.WriteNullValue();
            errors.Add(new ValidationError($"$.fields.{name}",
                $"'{value}' is not {(type == FieldType.Number ? "a number" : "true or false")}, as the schema's {FieldSchema.ToWord(type)} field '{name}' needs"));
        }
    }
}

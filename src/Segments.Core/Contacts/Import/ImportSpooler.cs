using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Segments.Core.Ports;
using Segments.Engine.Language;

namespace Segments.Core.Contacts.Import;

/// <summary>
/// Cuts an upload into chunks of <see cref="ChunkRecords"/> records and writes them to the spool as it streams in, so an
/// upload of any size is held on disk (or Blob storage), never in memory. A chunk is NDJSON: one
/// <c>{"line", "text"}</c> (or <c>{"line", "error"}</c>) per record. A CSV upload's first record names the columns, which
/// are checked before anything is spooled.
/// </summary>
public static class ImportSpooler
{
    public const int ChunkRecords = 5000;

    /// <summary>The columns a CSV upload may have besides <c>fields.NAME</c> and <c>lists.ID</c>.</summary>
    public static readonly IReadOnlyList<string> ProfileColumns = ["id", "email", "firstName", "lastName", "createdAt"];

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The input of the import job, or the problems of a CSV header (nothing is spooled then).</summary>
    public static async Task<(ImportInput? Input, IReadOnlyList<ValidationError> Errors)> SpoolAsync(Stream upload, ImportFormat format,
        IImportSpool spool, string tenant, string job, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> columns = [];
        var chunk = new ArrayBufferWriter<byte>();
        var inChunk = 0;
        var chunks = 0;
        var records = 0L;
        await foreach (var record in UploadRecords.ReadAsync(upload, format, cancellationToken))
        {
            if (format == ImportFormat.Csv && columns.Count == 0)
            {
                var (header, errors) = Header(record);
                if (header is null)
                {
                    return (null, errors);
                }
                columns = header;
                continue;
            }
            using (var writer = new Utf8JsonWriter(chunk, Compact))
            {
                writer.WriteStartObject();
                writer.WriteNumber("line", record.Line);
                writer.WriteString(record.Error is null ? "text" : "error", record.Error ?? record.Text);
                writer.WriteEndObject();
            }
            chunk.Write("\n"u8);
            records++;
            if (++inChunk == ChunkRecords)
            {
                await spool.WriteChunkAsync(tenant, job, chunks++, chunk.WrittenMemory, cancellationToken);
                chunk.ResetWrittenCount();
                inChunk = 0;
            }
        }
        if (format == ImportFormat.Csv && columns.Count == 0)
        {
            return (null, [new ValidationError("$", "the CSV upload is empty: its first line names the columns, with id among them")]);
        }
        if (inChunk > 0)
        {
            await spool.WriteChunkAsync(tenant, job, chunks++, chunk.WrittenMemory, cancellationToken);
        }
        return (new ImportInput(format, columns, chunks, records), []);
    }

    private static (IReadOnlyList<string>? Columns, IReadOnlyList<ValidationError> Errors) Header(UploadRecord record)
    {
        if (record.Error is not null)
        {
            return (null, [new ValidationError("$", $"line {record.Line}, the header: {record.Error}")]);
        }
        var (fields, error) = CsvRecord.Parse(record.Text!);
        if (fields is null)
        {
            return (null, [new ValidationError("$", $"line {record.Line}, the header: {error}")]);
        }
        var errors = new List<ValidationError>();
        for (var i = 0; i < fields.Count; i++)
        {
            var name = fields[i];
            if (!ProfileColumns.Contains(name) && !(name.Length > 7 && name.StartsWith("fields.", StringComparison.Ordinal))
                && !(name.Length > 6 && name.StartsWith("lists.", StringComparison.Ordinal)))
            {
                errors.Add(new ValidationError($"$.columns[{i}]",
                    $"unknown column '{name}'; use {string.Join(", ", ProfileColumns)}, fields.NAME or lists.ID"));
            }
            else if (fields.Take(i).Contains(name))
            {
                errors.Add(new ValidationError($"$.columns[{i}]", $"the column '{name}' is named twice"));
            }
        }
        if (!fields.Contains("id"))
        {
            errors.Add(new ValidationError("$.columns", "the column 'id' is required"));
        }
        return errors.Count > 0 ? (null, errors) : (fields, []);
    }
}

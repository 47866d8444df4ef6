using System.Text;
using Segments.Engine.Documents;
using Segments.Engine.Input;

namespace Segments.Engine.Offline;

/// <summary>One event as the offline read keeps it until its contact is folded: 24 bytes and its id's bytes.</summary>
internal readonly record struct EventRecord(long At, long Id, int Contact, int Content);

/// <summary>
/// The valid events of <c>events.jsonl</c> in compact form, read on every core in independent chunks and grouped by
/// contact bucket (a range of contact numbers), so that the fold can take one bucket at a time from every chunk.
/// Each event is a record (time, content number, contact number, where its id lies) and its id's UTF-8 bytes;
/// the parsed lines are not kept.
/// </summary>
internal sealed class EventLog
{
    private const string FileName = "events.jsonl";

    /// <summary>Buckets of a few thousand contacts: a bucket's events fit a core's cache while it folds them.</summary>
    public const int MaxBucketSize = 4096;

    private readonly Chunk[] _chunks;

    private EventLog(Chunk[] chunks, int bucketSize, int contactCount, EventInfo[] contents)
    {
        _chunks = chunks;
        BucketSize = bucketSize;
        ContactCount = contactCount;
        Contents = contents;
    }

    public int BucketSize { get; }

    public int ContactCount { get; }

    public int Buckets => (ContactCount + BucketSize - 1) / BucketSize;

    public EventInfo[] Contents { get; }

    /// <summary>Reads the file; problems go to <paramref name="errors"/> in line order, events of unknown contacts to <paramref name="warnings"/>.</summary>
    public static EventLog Read(string path, ContactIndex contacts, List<DataSetError> errors, List<string> warnings, int chunkBytes, int maxBucketSize)
    {
        var bucketSize = Math.Max(1, Math.Min(maxBucketSize, contacts.Count));
        var contents = new EventContents();
        var workers = new ThreadLocal<Worker>(() => new Worker());
        var chunks = JsonLinesFile.Parse(path, reader =>
        {
            var chunk = new ChunkParser(reader.Index, contacts, contents, workers.Value!, bucketSize);
            reader.ForEachLine(chunk.Add);
            return chunk.Finish();
        }, chunkBytes);
        var unknown = new List<(int Line, string Contact, int Count)>();
        for (var i = 0; i < chunks.Count; i++)
        {
            var (chunk, before) = chunks[i];
            errors.AddRange(chunk.Errors.Select(e => e with { Line = e.Line + before }));
            unknown.AddRange(chunk.Unknown.Select(u => (u.Value.FirstLine + before, u.Key, u.Value.Count)));
        }
        // Merged over the chunks, in the order the contacts first appear in the file.
        foreach (var group in unknown.GroupBy(u => u.Contact, StringComparer.Ordinal).OrderBy(g => g.Min(u => u.Line)))
        {
            warnings.Add($"{FileName}: {group.Sum(u => u.Count)} event(s) of contact '{group.Key}', who is not in contacts.jsonl, were left out");
        }
        return new EventLog([.. chunks.Select(c => c.Result)], bucketSize, contacts.Count, contents.ToArray());
    }

    /// <summary>The events of the contacts of one bucket, as folded events ordered by contact (a reused buffer).</summary>
    public void Bucket(int bucket, List<EventRecord> records)
    {
        records.Clear();
        foreach (var chunk in _chunks)
        {
            records.AddRange(chunk.Records.AsSpan(chunk.BucketStarts[bucket]..chunk.BucketStarts[bucket + 1]));
        }
    }

    /// <summary>A record's event id: its bytes lie in its chunk's id arena (upper half of the reference), after their length.</summary>
    public string Id(in EventRecord record)
    {
        var ids = _chunks[(int)(record.Id >> 32)].Ids;
        var offset = (int)record.Id;
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ids[offset++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }
        return Encoding.UTF8.GetString(ids, offset, length);
    }

    private sealed class Chunk
    {
        public required EventRecord[] Records { get; init; }
        public required int[] BucketStarts { get; init; }
        public required byte[] Ids { get; init; }
        public required List<DataSetError> Errors { get; init; }
        public required Dictionary<string, (int Count, int FirstLine)> Unknown { get; init; }
    }

    /// <summary>What a core keeps from chunk to chunk: the line shapes it learnt, and buffers that grow to a chunk's size once.</summary>
    private sealed class Worker
    {
        public LineShapes Shapes { get; } = new();
        public EventRecord[] Records = new EventRecord[1 << 16];
        public byte[] Ids = new byte[1 << 20];
    }

    /// <summary>Reads the lines of one chunk: the fast path when it can, the exact reader otherwise.</summary>
    private sealed class ChunkParser(int index, ContactIndex contacts, EventContents contents, Worker worker, int bucketSize)
    {
        private readonly LineShapes shapes = worker.Shapes;
        private int _records;
        private int _ids;
        private readonly List<DataSetError> _errors = [];
        private readonly Dictionary<string, (int Count, int FirstLine)> _unknown = new(StringComparer.Ordinal);
        private byte[] _lastId = new byte[64];
        private int _lastIdLength; // Nothing found yet: no contact id is empty.
        private int _lastContact;

        public void Add(ReadOnlySpan<byte> line, int number)
        {
            if (line.IsEmpty)
            {
                return;
            }
            if (shapes.TryMatch(line, out var matched, out var content))
            {
                Record(line, matched, content, number);
                return;
            }
            if (EventLine.TryScan(line, out var scanned))
            {
                if (ExactLine.Read(line, number, FileName, _errors, InputReader.ReadEvent) is not { } e)
                {
                    return;
                }
                content = contents.Number(EventInfo.From(e));
                shapes.Learn(line, scanned, content);
                Record(line, scanned, content, number);
                return;
            }
            if (ExactLine.Read(line, number, FileName, _errors, InputReader.ReadEvent) is not { } exact)
            {
                return;
            }
            var known = contacts.Find(exact.ContactId);
            if (known < 0)
            {
                Unknown(exact.ContactId, number);
                return;
            }
            Record(known, exact.At.UtcTicks, Encoding.UTF8.GetBytes(exact.Id), contents.Number(EventInfo.From(exact)));
        }

        private void Record(ReadOnlySpan<byte> line, in EventLine e, int content, int number)
        {
            var contact = Find(line[e.ContactId]);
            if (contact < 0)
            {
                Unknown(Encoding.UTF8.GetString(line[e.ContactId]), number);
                return;
            }
            Record(contact, e.AtTicks, line[e.Id], content);
        }

        /// <summary>A contact's events mostly come one after the other, so the last contact found is asked first.</summary>
        private int Find(ReadOnlySpan<byte> id)
        {
            if (id.SequenceEqual(_lastId.AsSpan(0, _lastIdLength)))
            {
                return _lastContact;
            }
            _lastContact = contacts.Find(id);
            if (id.Length > _lastId.Length)
            {
                _lastId = new byte[id.Length * 2];
            }
            id.CopyTo(_lastId);
            _lastIdLength = id.Length;
            return _lastContact;
        }

        private void Unknown(string contact, int line) =>
            _unknown[contact] = _unknown.TryGetValue(contact, out var seen) ? (seen.Count + 1, seen.FirstLine) : (1, line);

        private void Record(int contact, long at, ReadOnlySpan<byte> id, int content)
        {
            if (_ids + id.Length + 5 > worker.Ids.Length)
            {
                Array.Resize(ref worker.Ids, Math.Max(worker.Ids.Length * 2, _ids + id.Length + 5));
            }
            var reference = ((long)index << 32) | (uint)_ids;
            for (var length = (uint)id.Length; ; length >>= 7)
            {
                worker.Ids[_ids++] = (byte)(length < 0x80 ? length : (length & 0x7F) | 0x80);
                if (length < 0x80)
                {
                    break;
                }
            }
            id.CopyTo(worker.Ids.AsSpan(_ids));
            _ids += id.Length;
            if (_records == worker.Records.Length)
            {
                Array.Resize(ref worker.Records, _records * 2);
            }
            worker.Records[_records++] = new EventRecord(at, reference, contact, content);
        }

        /// <summary>The records ordered by bucket (a counting sort: stable, so file order holds within a bucket).</summary>
        public Chunk Finish()
        {
            var buckets = (contacts.Count + bucketSize - 1) / bucketSize;
            var starts = new int[buckets + 1];
            var records = worker.Records.AsSpan(0, _records);
            foreach (var r in records)
            {
                starts[(r.Contact / bucketSize) + 1]++;
            }
            for (var b = 0; b < buckets; b++)
            {
                starts[b + 1] += starts[b];
            }
            var next = starts[..^1];
            var ordered = GC.AllocateUninitializedArray<EventRecord>(_records);
            foreach (var r in records)
            {
                ordered[next[r.Contact / bucketSize]++] = r;
            }
            return new Chunk { Records = ordered, BucketStarts = starts, Ids = worker.Ids[.._ids], Errors = _errors, Unknown = _unknown };
        }
    }
}

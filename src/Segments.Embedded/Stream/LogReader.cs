using Microsoft.Win32.SafeHandles;
using Segments.Core.Streaming;

namespace Segments.Embedded.Streaming;

/// <summary>
/// Reads the log in order from a sequence number on, in batches, going from segment to segment, and only what is
/// committed (fsynced): of the segment being appended to, its committed length. Positional reads of a megabyte at a time,
/// so catching up after a restart costs few system calls. One reader is used by one loop at a time.
/// </summary>
public sealed class LogReader : IDisposable
{
    private const int ChunkBytes = 1 << 20;

    private readonly EventLog _log;
    private byte[] _chunk = new byte[ChunkBytes];
    private SafeFileHandle? _file;
    private long _fileFirst;
    private long _offset;

    internal LogReader(EventLog log, long from)
    {
        _log = log;
        Next = from;
    }

    /// <summary>The sequence of the next event this reader returns.</summary>
    public long Next { get; private set; }

    /// <summary>
    /// Up to <paramref name="max"/> events from <see cref="Next"/> on; when there are none yet, waits for some if
    /// <paramref name="wait"/>, else returns none. Once some are there but fewer than <paramref name="max"/>, waits up to
    /// <paramref name="gather"/> for the batch to fill (the fold's cost is mostly per batch: a transaction, each page of
    /// the contacts it writes), then returns what is there.
    /// </summary>
    public async Task<IReadOnlyList<StreamMessage>> ReadAsync(int max, bool wait, CancellationToken cancellationToken, TimeSpan gather = default)
    {
        while (Next >= _log.Current.Next)
        {
            if (!wait)
            {
                return [];
            }
            await _log.WaitForAsync(Next, cancellationToken);
        }
        if (wait && gather > TimeSpan.Zero && _log.Current.Next - Next < max)
        {
            using var gathering = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            gathering.CancelAfter(gather);
            try
            {
                while (_log.Current.Next - Next < max)
                {
                    await _log.WaitForAsync(Next + max - 1, gathering.Token);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Not full within the wait: what is there is read.
            }
        }
        return ReadCommitted(max);
    }

    private List<StreamMessage> ReadCommitted(int max)
    {
        var committed = _log.Current;
        var batch = new List<StreamMessage>(Math.Min(max, (int)Math.Min(int.MaxValue, committed.Next - Next)));
        while (batch.Count < max && Next < committed.Next)
        {
            if (_file is null)
            {
                var (first, path) = _log.SegmentOf(Next);
                _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                _fileFirst = first;
                _offset = 0;
            }
            var end = _fileFirst == committed.TailFirst ? committed.TailLength : RandomAccess.GetLength(_file);
            if (_offset >= end)
            {
                // Read to its end: the next event starts the next segment.
                _file.Dispose();
                _file = null;
                continue;
            }
            var read = RandomAccess.Read(_file, _chunk.AsSpan(0, (int)Math.Min(_chunk.Length, end - _offset)), _offset);
            _offset += Parse(_chunk.AsMemory(0, read), batch, max);
        }
        return batch;
    }

    /// <summary>Adds the chunk's whole records to the batch (skipping those before <see cref="Next"/>); returns the bytes used.</summary>
    private int Parse(ReadOnlyMemory<byte> chunk, List<StreamMessage> batch, int max)
    {
        var used = 0;
        while (batch.Count < max && chunk.Length - used >= LogRecord.HeaderBytes)
        {
            var header = chunk.Span.Slice(used, LogRecord.HeaderBytes);
            var length = LogRecord.PayloadLength(header);
            if (length < 0)
            {
                throw Corrupt();
            }
            if (chunk.Length - used - LogRecord.HeaderBytes < length)
            {
                if (used == 0 && LogRecord.HeaderBytes + length > _chunk.Length)
                {
                    // A record larger than the buffer: grow it and read again from this record.
                    _chunk = new byte[LogRecord.HeaderBytes + length];
                }
                break;
            }
            var record = LogRecord.Read(header, chunk.Slice(used + LogRecord.HeaderBytes, length)) ?? throw Corrupt();
            if (record.Sequence >= Next)
            {
                if (record.Sequence != Next)
                {
                    throw Corrupt();
                }
                batch.Add(LogRecord.Message(record.Sequence, record.Tenant, record.Json.ToArray()));
                Next++;
            }
            used += LogRecord.HeaderBytes + length;
        }
        return used;
    }

    private InvalidDataException Corrupt() =>
        new($"the event log is damaged in segment {_fileFirst} at byte {_offset} (reading event {Next}); restore the data folder from a backup");

    public void Dispose() => _file?.Dispose();
}

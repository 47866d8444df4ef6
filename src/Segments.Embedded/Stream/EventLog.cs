using System.Buffers;
using System.Globalization;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Embedded.Durability;

namespace Segments.Embedded.Streaming;

/// <summary>
/// The event stream of the single-machine runtime, in place of Event Hubs: an append-only log of events in files
/// of its own folder (segments named by their first sequence number). <see cref="PublishAsync"/> completes only once
/// its events are written and fsynced, so an acknowledged event survives <c>kill -9</c> and power loss. Appends are
/// committed in groups: whatever arrives while one fsync runs goes into the next, so many requests share one fsync.
/// The fold reads the log with a <see cref="LogReader"/> from the <see cref="Checkpointed"/> sequence, and each
/// <see cref="Checkpoint"/> deletes the segments wholly behind it. When more than <see cref="EventLogOptions.MaxBacklog"/>
/// events wait to be folded, appends are refused with <see cref="StreamFullException"/>.
/// </summary>
public sealed class EventLog : IEventPublisher, IDisposable
{
    private const string Extension = ".log";

    private readonly string _directory;
    private readonly EventLogOptions _options;
    private readonly LogCheckpoint _checkpoint;
    private readonly Lock _gate = new();
    private readonly SortedList<long, string> _segments;
    private readonly FoldRate _rate;
    private readonly GroupCommit<IReadOnlyList<OutgoingEvent>, bool> _appends;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Lock _writing = new();
    private long _queued;
    private bool _closed;
    private Exception? _broken;
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Committed _committed;
    private long _folded;
    private long _checkpointed;

    // The segment appended to: written by one commit at a time, under _writing.
    private FileStream _tail;
    private long _tailFirst;
    private long _tailLength;

    /// <summary>What readers may read: every event before <see cref="Next"/>; of the tail segment, its first <see cref="TailLength"/> bytes.</summary>
    internal sealed record Committed(long Next, long TailFirst, long TailLength);

    private EventLog(string directory, EventLogOptions options, TimeProvider time, SortedList<long, string> segments, long next, long tailLength,
        long checkpointed)
    {
        _directory = directory;
        _options = options;
        _checkpoint = new LogCheckpoint(directory);
        _segments = segments;
        _tailFirst = segments.Keys[^1];
        _tailLength = tailLength;
        _tail = new FileStream(segments.Values[^1], FileMode.Open, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
        _tail.Seek(tailLength, SeekOrigin.Begin);
        _committed = new Committed(next, _tailFirst, tailLength);
        _folded = _checkpointed = checkpointed;
        _rate = new FoldRate(time);
        _appends = new GroupCommit<IReadOnlyList<OutgoingEvent>, bool>(Append);
    }

    /// <summary>
    /// Opens the log in <paramref name="directory"/> (creating it when absent). A record the last run left half written
    /// at the end (never acknowledged) is cut off.
    /// </summary>
    public static EventLog Open(string directory, EventLogOptions options, TimeProvider time)
    {
        Directory.CreateDirectory(directory);
        var segments = new SortedList<long, string>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var first))
            {
                segments.Add(first, path);
            }
        }
        var checkpoint = new LogCheckpoint(directory).Read();
        if (segments.Count == 0)
        {
            var first = checkpoint ?? 0;
            segments.Add(first, CreateSegment(directory, first));
        }
        var (next, length) = Recover(segments.Keys[^1], segments.Values[^1]);
        // No checkpoint (or an unreadable one): fold everything kept; one ahead of the log cannot be, so it is clamped.
        var checkpointed = Math.Clamp(checkpoint ?? segments.Keys[0], segments.Keys[0], next);
        return new EventLog(directory, options, time, segments, next, length, checkpointed);
    }

    /// <summary>The sequence the next appended event gets: how many events the log has ever taken.</summary>
    public long Appended => _committed.Next;

    /// <summary>The first event the persisted checkpoint does not cover: where the fold starts after a restart.</summary>
    public long Checkpointed => Interlocked.Read(ref _checkpointed);

    /// <summary>Acknowledged events the fold has not finished yet.</summary>
    public long Backlog => _committed.Next - Interlocked.Read(ref _folded);

    internal Committed Current => _committed;

    public Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }
        lock (_gate)
        {
            if (_closed || _broken is not null)
            {
                throw new InvalidOperationException(_closed ? "the event log is closed: the service is stopping" : "the event log cannot be written",
                    _broken);
            }
            var backlog = _committed.Next + _queued - Interlocked.Read(ref _folded);
            if (backlog > 0 && backlog + events.Count > _options.MaxBacklog)
            {
                throw new StreamFullException(backlog, _rate.TimeToFold(backlog + events.Count - _options.MaxBacklog));
            }
            _queued += events.Count;
        }
        // Once queued the events are written whatever the caller does meanwhile: no cancellation from here on.
        return _appends.AddAsync(events);
    }

    /// <summary>Refuses every later append (the service is stopping); events already queued are still written.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    /// <summary>The fold has finished every event before <paramref name="next"/> (not yet checkpointed): the backlog shrinks.</summary>
    public void MarkFolded(long next)
    {
        var before = Interlocked.Exchange(ref _folded, next);
        _rate.Add(next - before);
    }

    /// <summary>
    /// Persists that every event before <paramref name="next"/> is folded, and deletes the segments wholly behind it.
    /// The caller makes the fold's own writes durable first.
    /// </summary>
    public void Checkpoint(long next)
    {
        _checkpoint.Write(next);
        Interlocked.Exchange(ref _checkpointed, next);
        var behind = new List<string>();
        lock (_gate)
        {
            // A segment is wholly behind when the one after it starts at or before the checkpoint; the tail never is.
            while (_segments.Count > 1 && _segments.Keys[1] <= next)
            {
                behind.Add(_segments.Values[0]);
                _segments.RemoveAt(0);
            }
        }
        foreach (var path in behind)
        {
            File.Delete(path);
        }
    }

    /// <summary>Waits until every event appended so far is folded (a demo or a test that then reads the store).</summary>
    public async Task WaitUntilFoldedAsync(TimeProvider time, CancellationToken cancellationToken = default)
    {
        var appended = Appended;
        while (Interlocked.Read(ref _folded) < appended)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken);
        }
    }

    /// <summary>A reader of the log from <paramref name="from"/> on (at least the oldest event kept).</summary>
    public LogReader Read(long from) => new(this, from);

    /// <summary>Completes once an event at or after <paramref name="sequence"/> is committed.</summary>
    internal Task WaitForAsync(long sequence, CancellationToken cancellationToken)
    {
        Task appended;
        lock (_gate)
        {
            if (_committed.Next > sequence)
            {
                return Task.CompletedTask;
            }
            appended = _appended.Task;
        }
        return appended.WaitAsync(cancellationToken);
    }

    /// <summary>The segment holding <paramref name="sequence"/>: the last one starting at or before it.</summary>
    internal (long First, string Path) SegmentOf(long sequence)
    {
        lock (_gate)
        {
            for (var i = _segments.Count - 1; i >= 0; i--)
            {
                if (_segments.Keys[i] <= sequence)
                {
                    return (_segments.Keys[i], _segments.Values[i]);
                }
            }
            throw new InvalidOperationException($"event {sequence} is behind the oldest segment kept ({_segments.Keys[0]})");
        }
    }

    public void Dispose()
    {
        Close();
        lock (_writing)
        {
            _tail.Dispose();
        }
    }

    /// <summary>
    /// Writes a group of appends and fsyncs it; only then are they committed (readers see them, callers hear of it).
    /// On failure none of the group is acknowledged, and what of it reached the file is cut, so the next group follows
    /// the last acknowledged record.
    /// </summary>
    private Task<IReadOnlyList<bool>> Append(IReadOnlyList<IReadOnlyList<OutgoingEvent>> group)
    {
        var first = _committed.Next;
        var next = first;
        _buffer.ResetWrittenCount();
        foreach (var events in group)
        {
            foreach (var e in events)
            {
                LogRecord.Write(_buffer, next++, e.Tenant, e.Json.Span);
            }
        }
        lock (_gate)
        {
            _queued -= next - first;
        }
        lock (_writing)
        {
            try
            {
                if (_tailLength > 0 && _tailLength + _buffer.WrittenCount > _options.SegmentBytes)
                {
                    Roll(first);
                }
                _tail.Write(_buffer.WrittenSpan);
                _tail.Flush(flushToDisk: true);
                _tailLength += _buffer.WrittenCount;
            }
            catch (Exception error)
            {
                Cut(error);
                throw;
            }
        }
        Commit(new Committed(next, _tailFirst, _tailLength));
        return Task.FromResult<IReadOnlyList<bool>>([.. group.Select(_ => true)]);
    }

    private void Cut(Exception error)
    {
        try
        {
            _tail.SetLength(_tailLength);
            _tail.Seek(_tailLength, SeekOrigin.Begin);
        }
        catch (Exception cut)
        {
            lock (_gate)
            {
                _broken = new AggregateException(error, cut);
            }
        }
    }

    private void Commit(Committed committed)
    {
        TaskCompletionSource appended;
        lock (_gate)
        {
            _committed = committed;
            appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        appended.TrySetResult();
    }

    /// <summary>Starts a new segment at <paramref name="first"/>; the old one is complete and fsynced.</summary>
    private void Roll(long first)
    {
        var path = CreateSegment(_directory, first);
        var tail = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
        _tail.Dispose();
        _tail = tail;
        _tailFirst = first;
        _tailLength = 0;
        lock (_gate)
        {
            _segments.Add(first, path);
        }
    }

    private static string CreateSegment(string directory, long first)
    {
        var path = Path.Combine(directory, first.ToString("D20", CultureInfo.InvariantCulture) + Extension);
        using (new FileStream(path, FileMode.Create, FileAccess.Write))
        {
        }
        DirectorySync.Flush(directory);
        return path;
    }

    /// <summary>Reads the tail segment to its last whole record, cuts anything after it, and returns the next sequence and the length kept.</summary>
    private static (long Next, long Length) Recover(long first, string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var next = first;
        long offset = 0;
        Span<byte> header = stackalloc byte[LogRecord.HeaderBytes];
        while (true)
        {
            file.Seek(offset, SeekOrigin.Begin);
            if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            {
                break;
            }
            var length = LogRecord.PayloadLength(header);
            if (length < 0)
            {
                break;
            }
            var payload = new byte[length];
            if (file.ReadAtLeast(payload, length, throwOnEndOfStream: false) < length
                || LogRecord.Read(header, payload) is not { } record || record.Sequence != next)
            {
                break;
            }
            next++;
            offset += LogRecord.HeaderBytes + length;
        }
        if (file.Length > offset)
        {
            file.SetLength(offset);
            file.Flush(flushToDisk: true);
        }
        return (next, offset);
    }

    /// <summary>How fast the fold has recently gone (events a second, smoothed), to tell a refused sender when to retry.</summary>
    private sealed class FoldRate(TimeProvider time)
    {
        private readonly Lock _gate = new();
        private long _since = time.GetTimestamp();
        private long _events;
        private double _perSecond;

        public void Add(long events)
        {
            lock (_gate)
            {
                _events += events;
                var elapsed = time.GetElapsedTime(_since);
                if (elapsed >= TimeSpan.FromSeconds(1))
                {
                    var rate = _events / elapsed.TotalSeconds;
                    _perSecond = _perSecond == 0 ? rate : (0.5 * _perSecond) + (0.5 * rate);
                    _events = 0;
                    _since = time.GetTimestamp();
                }
            }
        }

        /// <summary>Between 1 and 60 seconds.</summary>
        public TimeSpan TimeToFold(long events)
        {
            double rate;
            lock (_gate)
            {
                rate = _perSecond;
            }
            return TimeSpan.FromSeconds(rate <= 0 ? 5 : Math.Clamp(Math.Ceiling(events / rate), 1, 60));
        }
    }
}

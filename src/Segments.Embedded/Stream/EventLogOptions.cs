using System.ComponentModel.DataAnnotations;

namespace Segments.Embedded.Streaming;

/// <summary>Settings of the event log of <c>segments serve</c>, section <c>Segments:Stream</c>.</summary>
public sealed class EventLogOptions
{
    public const string Section = "Segments:Stream";

    /// <summary>
    /// Acknowledged events that may wait to be folded; beyond it ingestion answers 503 with <c>Retry-After</c>. About
    /// 300 bytes of disk an event (the log keeps what the fold has not checkpointed), nothing in memory.
    /// </summary>
    [Range(1_000, 100_000_000)]
    public long MaxBacklog { get; set; } = 1_000_000;

    /// <summary>A log file is closed and the next one started past this size; files wholly behind the checkpoint are deleted.</summary>
    [Range(1 << 16, 1L << 32)]
    public long SegmentBytes { get; set; } = 64L << 20;

    /// <summary>Events handed to the fold at once (each contact among them costs one read and one write).</summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>
    /// How long the fold waits for a batch to fill once it has fewer events than <see cref="MaxBatchSize"/>: a batch's
    /// cost is mostly its own (one read of its contacts, one transaction writing each page of them whole), not its events',
    /// so under load a fuller batch folds many times more events a second, at the price of folding this much later.
    /// </summary>
    [Range(0, 10_000)]
    public int GatherMilliseconds { get; set; } = 200;

    /// <summary>On shutdown, how long the fold goes on with what the log holds before it stops and leaves the rest for the next start.</summary>
    [Range(0, 3600)]
    public int ShutdownFoldSeconds { get; set; } = 10;

    /// <summary>How often, at most, the fold's position is persisted (a crash replays at most this much of the stream, harmlessly).</summary>
    [Range(1, 60_000)]
    public int CheckpointMilliseconds { get; set; } = 1000;
}

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

    /// <summary>
    /// Events handed to the fold at once, at most (and never more than <see cref="MaxBacklog"/>, all the log can hold
    /// unfolded). Each contact among them costs one read and one write, whatever its
    /// number of events, and each page of contacts written is written whole: under load a larger batch folds an event for
    /// less. The price is memory: a batch holds its events and each of its contacts' documents, as read and as folded
    /// (under the ingest bench, 10,000 contacts, serve's peak resident memory was about 205 MB with batches of at most
    /// 1,024 events gathered for at most 200 ms, 296 and 427 MB in two runs with these defaults).
    /// </summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 65_536;

    /// <summary>
    /// How long, at least, the fold waits for a batch to fill once it has fewer events than <see cref="MaxBatchSize"/>: a
    /// batch's cost is mostly its own (one read of its contacts, one transaction writing each page of them whole), not its
    /// events', so a fuller batch folds many times more events a second, at the price of folding them later. An idle
    /// service folds an event this much after it was acknowledged.
    /// </summary>
    [Range(0, 10_000)]
    public int GatherMilliseconds { get; set; } = 200;

    /// <summary>
    /// How long, at most, the fold waits for a batch to fill: it waits as long as its last batch took to fold (at least
    /// <see cref="GatherMilliseconds"/>), so under a load that makes folding slow the batches grow until an event costs
    /// the fold little enough for it to keep up while folding about half of the time. Under load an event waits at most
    /// this long for its batch, then the batch's fold. A value below <see cref="GatherMilliseconds"/> is taken as that.
    /// </summary>
    [Range(0, 60_000)]
    public int MaxGatherMilliseconds { get; set; } = 2_000;

    /// <summary>On shutdown, how long the fold goes on with what the log holds before it stops and leaves the rest for the next start.</summary>
    [Range(0, 3600)]
    public int ShutdownFoldSeconds { get; set; } = 10;

    /// <summary>How often, at most, the fold's position is persisted (a crash replays at most this much of the stream, harmlessly).</summary>
    [Range(1, 60_000)]
    public int CheckpointMilliseconds { get; set; } = 1000;
}

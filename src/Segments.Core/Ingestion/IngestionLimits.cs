using System.ComponentModel.DataAnnotations;

namespace Segments.Core.Ingestion;

/// <summary>
/// What ingestion accepts (section <c>Segments:Ingestion:Limits</c>). The defaults keep one event a few hundred
/// bytes, well inside the stream fold's 16 KiB poison limit, and a pixel batch within what
/// <c>navigator.sendBeacon</c> may queue (64 KiB).
/// </summary>
public sealed class IngestionLimits
{
    /// <summary>A pixel batch (<c>POST /api/collect</c>): sendBeacon's own quota.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxCollectBodyBytes { get; set; } = 64 * 1024;

    /// <summary>An event batch from the sending pipeline (<c>POST /api/events</c>).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxEventsBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>One event as the stream carries it: the stream fold dead-letters larger ones (its own limit is 16 KiB).</summary>
    [Range(1024, 16 * 1024)]
    public int MaxEventBytes { get; set; } = 16 * 1024;

    [Range(1, 1000)]
    public int MaxCollectEvents { get; set; } = 50;

    [Range(1, 10_000)]
    public int MaxApiEvents { get; set; } = 1000;

    /// <summary>Top-level properties of an event.</summary>
    [Range(1, 256)]
    public int MaxProperties { get; set; } = 32;

    /// <summary>Values of an event's properties at every depth (a cart's items and their fields; v2 nests up to 8 levels).</summary>
    [Range(1, 4096)]
    public int MaxPropertyValues { get; set; } = 256;

    /// <summary>Event names and property keys.</summary>
    [Range(1, 256)]
    public int MaxNameLength { get; set; } = 64;

    /// <summary>Event ids and campaign ids; contact ids may be as long as a store key (255).</summary>
    [Range(1, 255)]
    public int MaxIdLength { get; set; } = 128;

    /// <summary>The most <see cref="MaxTextLength"/> may be set to: no string of an event body is longer.</summary>
    public const int MaxTextLengthBound = 16 * 1024;

    /// <summary>Text property values (a page URL is the longest in practice).</summary>
    [Range(1, MaxTextLengthBound)]
    public int MaxTextLength { get; set; } = 2048;

    /// <summary>How far ahead of this server's clock an event may be (the sender's clock may run a little fast).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How old a pixel event may be: the snippet sends at once, so older means a wrong clock or a replay.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "400.00:00:00")]
    public TimeSpan MaxPixelEventAge { get; set; } = TimeSpan.FromDays(7);
}

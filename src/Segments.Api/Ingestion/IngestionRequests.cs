using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Segments.Api.Http;

namespace Segments.Api.Ingestion;

/// <summary>One item of <c>POST /api/events</c> as OpenAPI shows it (the <c>events.jsonl</c> shape, read by <c>InputReader.ReadEvent</c>).</summary>
public sealed record EventInput(
    [property: Required, Description("Unique per contact: a repeat is counted once")] string Id,
    [property: Required] string ContactId,
    [property: Required, AllowedValues("email", "pixel", "conversion")] string Kind,
    [property: Required, Description("For email: sent, delivered, open, click, bounce, unsubscribe, subscribe, complaint")] string Name,
    [property: Required, Description("RFC 3339 date-time, from 1970 to 15 minutes ahead of the server's clock")] DateTimeOffset At,
    string? CampaignId,
    [property: Description("Names and values: text, number, boolean or null")] IReadOnlyDictionary<string, JsonElement>? Properties,
    GeoInput? Geo,
    DeviceInput? Device,
    [property: Description("A conversion's value")] double? Value,
    [property: Description("ISO 4217, such as EUR")] string? Currency,
    bool? Bot,
    [property: Description("The reader's User-Agent as the pipeline saw it: gives the device and the bot flag, not kept")] string? UserAgent,
    [property: Description("The reader's address as the pipeline saw it: gives the geography, not kept")] string? Ip) : IRequestShape;

/// <summary>Where the event happened, as the sender knows it (else from <c>ip</c>).</summary>
public sealed record GeoInput([property: Description("ISO 3166-1 alpha-2")] string? Country, string? Region, string? City) : IRequestShape;

/// <summary>What the event happened on, as the sender knows it (else from <c>userAgent</c>).</summary>
public sealed record DeviceInput([property: Description("Such as gmail, outlook, chrome")] string? Client,
    [property: AllowedValues("desktop", "mobile", "tablet", "unknown")] string? Type, string? Os) : IRequestShape;

/// <summary>The body of <c>POST /api/collect</c> as OpenAPI shows it (read by <c>PixelEventReader.ReadBatch</c>).</summary>
public sealed record PixelBatchInput(
    [property: Description("The anonymous visitor id: 16 to 64 letters, digits, '_' or '-'")] string? Visitor,
    [property: Description("The contact token (seg_t) from the landing URL")] string? Token,
    [property: Required] IReadOnlyList<PixelEventInput> Events) : IRequestShape;

/// <summary>One event of a pixel batch: contact, campaign, geography, device and bot flag are the server's to say.</summary>
public sealed record PixelEventInput(
    [property: Required] string Id,
    [property: Required, AllowedValues("pixel", "conversion")] string Kind,
    [property: Required] string Name,
    [property: Required, Description("RFC 3339 date-time, at most 7 days old")] DateTimeOffset At,
    IReadOnlyDictionary<string, JsonElement>? Properties,
    [property: Description("A conversion's value")] double? Value,
    string? Currency) : IRequestShape;

/// <summary>The optional body of <c>POST /api/contacts/{id}/token</c>.</summary>
public sealed record TokenRequest([property: Description("The token's lifetime: a duration such as 30d, at most 365d (default 90d)")] string? ExpiresIn)
    : IRequestShape;

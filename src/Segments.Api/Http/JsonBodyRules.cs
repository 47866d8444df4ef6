namespace Segments.Api.Http;

/// <summary>
/// What a route accepts as its JSON body (see <see cref="JsonBody"/>): at most <see cref="MaxBytes"/> bytes, nested at
/// most <see cref="MaxDepth"/> deep, no string or property name longer than <see cref="MaxStringLength"/> characters.
/// <see cref="BatchPath"/> names the array whose items a route takes or rejects one by one (so a bad string in one
/// item rejects that item, not the request); <see cref="Optional"/> lets a route take no body at all.
/// </summary>
public sealed record JsonBodyRules(int MaxBytes, int MaxDepth, int MaxStringLength)
{
    /// <summary>The management routes (segments, schema, contacts, suppressions, drips, triggers, broadcasts): 1 MiB.</summary>
    public static readonly JsonBodyRules Management = new(1024 * 1024, ManagementDepth, 4096);

    /// <summary>
    /// The routes that take a segment definition: as the management routes, but a string may be as long as a whole
    /// definition (a description is free text; the catalog bounds the definition's length).
    /// </summary>
    public static readonly JsonBodyRules Definition = Management with { MaxStringLength = Core.Catalog.SegmentCatalog.MaxDefinitionLength };

    /// <summary>
    /// A definition nests two JSON levels per condition level (<c>{"and": [ … ]}</c>) and the language allows 32 of
    /// those; anything deeper is refused while parsing, before any reader sees it.
    /// </summary>
    public const int ManagementDepth = 72;

    /// <summary>Property names longer than this are refused wherever they appear (field, list and property names are short).</summary>
    public int MaxNameLength { get; init; } = 256;

    /// <summary>The path (<c>$</c> or <c>$.events</c>) of the array whose items the route judges one by one.</summary>
    public string? BatchPath { get; init; }

    /// <summary>An empty body is taken (as no body) instead of refused.</summary>
    public bool Optional { get; init; }

    /// <summary><c>text/plain</c> is taken as JSON too (the pixel's <c>navigator.sendBeacon</c> sends it, to avoid a CORS preflight).</summary>
    public bool AcceptsTextPlain { get; init; }
}

namespace Segments.Core.Streaming;

public sealed record StreamFoldOptions
{
    /// <summary>An event body larger than this is poison: real events are a few hundred bytes.</summary>
    public int MaxEventBytes { get; init; } = 16 * 1024;

    /// <summary>Longer tenant, contact or event ids are poison (a Cosmos DB id or key holds at most 255 characters).</summary>
    public int MaxIdLength { get; init; } = 255;
}

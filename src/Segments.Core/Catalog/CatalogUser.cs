namespace Segments.Core.Catalog;

/// <summary>What can use segments and fields: a segment (through its definition), a drip or a trigger.</summary>
public enum CatalogUserKind : byte
{
    Segment,
    Drip,
    Trigger,
}

/// <summary>A node of the reference graph that uses segments and fields.</summary>
public sealed record CatalogUser(CatalogUserKind Kind, string Id)
{
    public static CatalogUser Segment(string id) => new(CatalogUserKind.Segment, id);

    /// <summary>The kind as a word of the API and of the stores.</summary>
    public static string Word(CatalogUserKind kind) => kind switch
    {
        CatalogUserKind.Segment => "segment",
        CatalogUserKind.Drip => "drip",
        _ => "trigger",
    };

    public static bool TryParseKind(string? word, out CatalogUserKind kind)
    {
        foreach (var candidate in Enum.GetValues<CatalogUserKind>())
        {
            if (Word(candidate) == word)
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }

    public override string ToString() => $"{Word(Kind)} '{Id}'";
}

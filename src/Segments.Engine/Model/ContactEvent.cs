namespace Segments.Engine.Model;

/// <summary>One event as delivered (at least once) by the sending pipeline, the pixel or a goal.</summary>
public sealed record ContactEvent
{
    public required string Id { get; init; }
    public required string ContactId { get; init; }
    public required EventKind Kind { get; init; }
    public required string Name { get; init; }
    public required DateTimeOffset At { get; init; }
    public string? CampaignId { get; init; }
    public PropertyBag Properties { get; init; } = PropertyBag.Empty;
    public TextBag? Geo { get; init; }
    public TextBag? Device { get; init; }
    public double? Value { get; init; }
    public string? Currency { get; init; }

    /// <summary>Made by a known bot or link scanner (flagged at ingestion): kept, but never counted as engagement.</summary>
    public bool Bot { get; init; }
}

/// <summary>An explicit suppression (the API, the offline <c>suppressions.jsonl</c>).</summary>
public sealed record Suppression(string ContactId, SuppressionReason Reason, DateTimeOffset At);

public enum SuppressionReason : byte
{
    // Declared in alphabetical order: ties between reasons go to the first in that order.
    Complaint,
    HardBounce,
    Manual,
    Unsubscribed,
}

public static class SuppressionReasons
{
    public static string ToWord(this SuppressionReason reason) => reason switch
    {
        SuppressionReason.Complaint => "complaint",
        SuppressionReason.HardBounce => "hard_bounce",
        SuppressionReason.Manual => "manual",
        _ => "unsubscribed",
    };

    public static bool TryParse(string? word, out SuppressionReason reason)
    {
        foreach (var candidate in Enum.GetValues<SuppressionReason>())
        {
            if (candidate.ToWord() == word)
            {
                reason = candidate;
                return true;
            }
        }
        reason = default;
        return false;
    }
}

namespace Segments.Engine.Model;

/// <summary>A contact's profile as upserted: identity, custom fields and recorded list statuses.</summary>
public sealed record ContactProfile
{
    public required string Id { get; init; }
    public string? Email { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public PropertyBag Fields { get; init; } = PropertyBag.Empty;
    public IReadOnlyDictionary<string, string> Lists { get; init; } = new Dictionary<string, string>();
}

/// <summary>List statuses are words of the format.</summary>
public static class ListStatuses
{
    public const string Subscribed = "subscribed";
    public const string Unsubscribed = "unsubscribed";
}

namespace Segments.Engine.Model;

/// <summary>Where an event comes from: the sending pipeline, the website pixel, or a conversion goal.</summary>
public enum EventKind : byte
{
    Email,
    Pixel,
    Conversion,
}

/// <summary>The email events the language knows; anything else an email source sends is <see cref="Other"/>.</summary>
public enum EmailAction : byte
{
    Other,
    Sent,
    Delivered,
    Open,
    Click,
    Bounce,
    Unsubscribe,
    Complaint,
    Subscribe,
}

public static class EventNames
{
    public static string ToWord(this EventKind kind) => kind switch
    {
        EventKind.Email => "email",
        EventKind.Pixel => "pixel",
        _ => "conversion",
    };

    /// <summary>Kinds are words of the format: exact, lower case.</summary>
    public static bool TryParseKind(string? word, out EventKind kind)
    {
        switch (word)
        {
            case "email": kind = EventKind.Email; return true;
            case "pixel": kind = EventKind.Pixel; return true;
            case "conversion": kind = EventKind.Conversion; return true;
            default: kind = default; return false;
        }
    }

    /// <summary>Event names compare case-insensitively, so "Open" is an open.</summary>
    public static EmailAction ParseEmailAction(string name) => name.ToLowerInvariant() switch
    {
        "sent" => EmailAction.Sent,
        "delivered" => EmailAction.Delivered,
        "open" => EmailAction.Open,
        "click" => EmailAction.Click,
        "bounce" => EmailAction.Bounce,
        "unsubscribe" => EmailAction.Unsubscribe,
        "complaint" => EmailAction.Complaint,
        "subscribe" => EmailAction.Subscribe,
        _ => EmailAction.Other,
    };
}

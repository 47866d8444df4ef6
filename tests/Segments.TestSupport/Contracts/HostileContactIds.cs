namespace Segments.TestSupport.Contracts;

/// <summary>
/// Contact ids holding what a store's keys or queries give a meaning to (Table storage refuses '/', '\', '#', '?' and
/// control characters in keys; '%' and '|' are escapes and separators elsewhere): every store keeps them as given.
/// </summary>
public static class HostileContactIds
{
    public static TheoryData<string> All => ["a/b", "a\\b#c?d", "100%|x", "tab\there"];
}

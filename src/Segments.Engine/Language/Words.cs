using System.Collections.Frozen;
using System.Text.Json;

namespace Segments.Engine.Language;

/// <summary>
/// The words of the format for the language's closed sets (condition keys, operators, email events, list statuses):
/// each enum member's name in snake case, so <c>NotExists</c> is <c>not_exists</c> and a member added to an enum has
/// its word without a table to keep in step. The parser turns words into members once; every pass after it switches
/// on the enum, where the compiler checks that each member is handled.
/// </summary>
public static class Words
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => Table<TEnum>.WordOf[value];

    /// <summary>The words of every member, in declaration order (the order error messages list them in).</summary>
    public static IReadOnlyList<string> All<TEnum>() where TEnum : struct, Enum => Table<TEnum>.InOrder;

    /// <summary>The member a word names; words are exact unless <paramref name="ignoreCase"/> (email event names).</summary>
    public static bool TryParse<TEnum>(string? word, out TEnum value, bool ignoreCase = false) where TEnum : struct, Enum
    {
        value = default;
        return word is not null && (ignoreCase ? Table<TEnum>.MemberOfAnyCase : Table<TEnum>.MemberOf).TryGetValue(word, out value);
    }

    /// <summary>The member a word names, for a word already validated against <see cref="All{TEnum}"/>.</summary>
    public static TEnum Parse<TEnum>(string word) where TEnum : struct, Enum =>
        TryParse(word, out TEnum value) ? value : throw new ArgumentException($"'{word}' is not a word of {typeof(TEnum).Name}", nameof(word));

    private static class Table<TEnum> where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> WordOf =
            Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

        public static readonly IReadOnlyList<string> InOrder = [.. Enum.GetValues<TEnum>().Select(v => WordOf[v])];

        public static readonly FrozenDictionary<string, TEnum> MemberOf = WordOf.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

        public static readonly FrozenDictionary<string, TEnum> MemberOfAnyCase =
            WordOf.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);
    }
}

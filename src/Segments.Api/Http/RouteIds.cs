using Microsoft.AspNetCore.Http;
using Segments.Core.Ingestion;
using Segments.Engine.Language;

namespace Segments.Api.Http;

/// <summary>
/// The ids a route takes from its path, checked before any store sees them: segments, drips, triggers and broadcasts
/// have the shape of segment ids, contacts that of event contact ids. An id that cannot name anything is not found
/// (reading) or invalid (writing), never a failure of the store it would have been looked up in.
/// </summary>
public static class RouteIds
{
    public const string IdRule = "1 to 63 lower-case letters, digits and dashes, starting with a letter or digit";

    public static bool IsId(string id) => DefinitionParser.IdShape().IsMatch(id);

    public static bool IsContactId(string id) => EventRules.IsContactId(id);

    /// <summary>404 for a <paramref name="what"/> whose id cannot exist (null when <paramref name="valid"/>).</summary>
    public static IResult? NotFoundUnless(bool valid, string what, string id) => valid ? null : Problems.NotFound($"{what} '{Shown(id)}'");

    /// <summary>400 at <c>$.id</c> for a written resource whose path id breaks its rule (null when <paramref name="valid"/>).</summary>
    public static IResult? InvalidUnless(bool valid, string what, string id, string rule) =>
        valid ? null : Problems.Invalid("$.id", $"'{Shown(id)}' is not a {what} id: {rule}");

    public const string ContactIdRule = "1 to 255 characters, none of them control characters or '|'";

    /// <summary>An id as a message shows it: a hostile one is cut short.</summary>
    private static string Shown(string id) => id.Length <= 80 ? id : $"{id[..80]}…";
}

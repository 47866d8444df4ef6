using System.Text.RegularExpressions;

namespace Segments.Core.Ingestion;

/// <summary>
/// Anonymous website visitors. Until a visitor is identified by a contact token, the pixel folds its events under
/// a pseudo-contact named by the snippet's random visitor id, kept in the tenant's visitor scope
/// <c>{tenant}~visitors</c> of the same contact store. Tenant ids never contain '~' (see the id shape), so the scope
/// is nobody's tenant: segment evaluation and every tenant-scoped scan never see a visitor. When the visitor is
/// identified, <see cref="VisitorJoin"/> republishes its history under the contact.
/// </summary>
public static partial class Visitors
{
    public const string ScopeSuffix = "~visitors";

    public static string ScopeOf(string tenant) => tenant + ScopeSuffix;

    /// <summary>The snippet makes a UUID; anything of 16 to 64 URL-safe characters is taken, nothing else.</summary>
    public static bool IsVisitorId(string? id) => id is not null && Shape().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9_-]{16,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}

using Segments.Core.Catalog;
using Segments.Engine.Language;

namespace Segments.Core.Membership;

internal static class CatalogDefinitions
{
    /// <summary>The snapshot's segment definitions by id.</summary>
    public static Dictionary<string, SegmentDefinition> Of(CatalogSnapshot snapshot) =>
        snapshot.Segments.Select(e => DefinitionParser.Parse(e.Definition!.Json, snapshot.Schema).Definition
                // The catalog refuses every change that would invalidate a saved definition, so this is a broken store.
                ?? throw new InvalidDataException($"the stored {e.User} no longer validates"))
            .ToDictionary(d => d.Id, StringComparer.Ordinal);
}

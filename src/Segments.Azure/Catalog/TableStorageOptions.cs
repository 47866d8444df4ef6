namespace Segments.Azure.Catalog;

/// <summary>
/// Where the catalog and suppression tables are (section <c>Segments:Storage</c>): the table endpoint, reached
/// with the app's identity, or a connection string, for the local emulator only.
/// </summary>
public sealed class TableStorageOptions
{
    public const string Section = "Segments:Storage";

    public Uri? TableServiceUri { get; set; }

    /// <summary>Azurite only: deployed apps hold no storage keys.</summary>
    public string? ConnectionString { get; set; }

    public string CatalogTable { get; set; } = "SegmentCatalog";

    public string SuppressionTable { get; set; } = "Suppressions";
}

namespace Segments.Azure.Catalog;

/// <summary>
/// Where the catalog, suppression, membership and broadcast tables are (section <c>Segments:Storage</c>): the table endpoint,
/// reached with the app's identity, or a connection string, for the local emulator only. The table names have
/// defaults that fit every environment (tests set their own).
/// </summary>
public sealed class TableStorageOptions
{
    public const string Section = "Segments:Storage";

    public Uri? TableServiceUri { get; set; }

    /// <summary>Azurite only: deployed apps hold no storage keys.</summary>
    public string? ConnectionString { get; set; }

    public string CatalogTable { get; set; } = "SegmentCatalog";

    public string SuppressionTable { get; set; } = "Suppressions";

    /// <summary>Memberships, changes and time-index pointers of tracked segments.</summary>
    public string MembershipTable { get; set; } = "Memberships";

    /// <summary>The time index: each contact's next edge per tracked segment, by instant.</summary>
    public string MembershipDueTable { get; set; } = "MembershipDue";

    /// <summary>Drips and triggers with their enrollments and firings.</summary>
    public string ConsumerTable { get; set; } = "Consumers";

    /// <summary>Daily membership counts.</summary>
    public string ReportTable { get; set; } = "MembershipReports";

    /// <summary>Broadcasts: what was asked and where each stands.</summary>
    public string BroadcastTable { get; set; } = "Broadcasts";
    /// <summary>Long jobs (imports, baselines) with their parts.</summary>
    public string JobTable { get; set; } = "Jobs";
    /// <summary>The last pixel hits of each tenant, for the console's pixel setup.</summary>
    public string PixelHitTable { get; set; } = "PixelHits";
}

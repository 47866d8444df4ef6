using System.ComponentModel.DataAnnotations;

namespace Segments.Azure;

/// <summary>
/// Where the app keeps its tables and blobs (section <c>Segments:Storage</c>): the table and blob endpoints, reached with
/// the app's identity, or a connection string, for the local emulator only. The table and container names have defaults
/// that fit every environment (tests set their own).
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Segments:Storage";

    public Uri? TableServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    /// <summary>Azurite only: deployed apps hold no storage keys.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Whether the tables are configured (the endpoint, or the emulator's connection string). A method, not a setting.</summary>
    public bool HasTables() => TableServiceUri is not null || !string.IsNullOrEmpty(ConnectionString);

    /// <summary>Whether the blobs are configured (the endpoint, or the emulator's connection string). A method, not a setting.</summary>
    public bool HasBlobs() => BlobServiceUri is not null || !string.IsNullOrEmpty(ConnectionString);

    [Required]
    public string CatalogTable { get; set; } = "SegmentCatalog";

    [Required]
    public string SuppressionTable { get; set; } = "Suppressions";

    /// <summary>Memberships, changes and time-index pointers of tracked segments.</summary>
    [Required]
    public string MembershipTable { get; set; } = "Memberships";

    /// <summary>The time index: each contact's next edge per tracked segment, by instant.</summary>
    [Required]
    public string MembershipDueTable { get; set; } = "MembershipDue";

    /// <summary>Drips and triggers with their enrollments and firings.</summary>
    [Required]
    public string ConsumerTable { get; set; } = "Consumers";

    /// <summary>Daily membership counts.</summary>
    [Required]
    public string ReportTable { get; set; } = "MembershipReports";

    /// <summary>Broadcasts: what was asked and where each stands.</summary>
    [Required]
    public string BroadcastTable { get; set; } = "Broadcasts";

    /// <summary>Long jobs (imports, baselines) with their parts.</summary>
    [Required]
    public string JobTable { get; set; } = "Jobs";

    /// <summary>The last pixel hits of each tenant, for the console's pixel setup.</summary>
    [Required]
    public string PixelHitTable { get; set; } = "PixelHits";

    /// <summary>Audience files, <c>{tenant}/{broadcast}/…</c>.</summary>
    [Required]
    public string AudienceContainer { get; set; } = "audiences";

    /// <summary>Import uploads waiting for their jobs (deleted when each job ends).</summary>
    [Required]
    public string ImportContainer { get; set; } = "imports";

    /// <summary>The stream's partition ownership and checkpoints.</summary>
    [Required]
    public string CheckpointContainer { get; set; } = "checkpoints";

    /// <summary>Events the fold could not read, kept for the dead-letter routes.</summary>
    [Required]
    public string DeadLetterContainer { get; set; } = "deadletters";
}

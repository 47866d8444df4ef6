using System.ComponentModel.DataAnnotations;

namespace Segments.Azure.Cosmos;

/// <summary>Settings of the Cosmos DB contact store, section <c>Segments:Cosmos</c> (app settings <c>Segments__Cosmos__*</c>).</summary>
public sealed class CosmosOptions
{
    public const string Section = "Segments:Cosmos";

    /// <summary>The account endpoint, <c>https://&lt;account&gt;.documents.azure.com:443/</c>; access is by Entra ID.</summary>
    [Required]
    public Uri? Endpoint { get; set; }

    [Required]
    public string Database { get; set; } = "segments";

    [Required]
    public string ContactsContainer { get; set; } = "contacts";

    /// <summary>
    /// Scan partitions per feed range of a tenant: each physical partition's slice of the tenant is cut into this
    /// many even ranges by contact, so the send-time fan-out has work to spread even for a tenant in one partition.
    /// </summary>
    [Range(1, 64)]
    public int ScanRangesPerFeedRange { get; set; } = 8;
}

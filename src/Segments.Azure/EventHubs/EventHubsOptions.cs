using System.ComponentModel.DataAnnotations;

namespace Segments.Azure.EventHubs;

/// <summary>Settings of the event stream on Event Hubs, section <c>Segments:EventHubs</c> (app settings <c>Segments__EventHubs__*</c>).</summary>
public sealed class EventHubsOptions
{
    public const string Section = "Segments:EventHubs";

    /// <summary>The namespace host name, <c>&lt;namespace&gt;.servicebus.windows.net</c>; access is by Entra ID.</summary>
    [Required]
    public string? FullyQualifiedNamespace { get; set; }

    [Required]
    public string? HubName { get; set; }

    [Required]
    public string? ConsumerGroup { get; set; }

    /// <summary>The hub that membership changes are published to, for consumers outside the app (see <see cref="EventHubsChangePublisher"/>).</summary>
    public string? ChangesHubName { get; set; }

    /// <summary>Events handed to the fold at most at once per partition (one read and one write per contact in it).</summary>
    [Range(1, 1000)]
    public int MaxBatchSize { get; set; } = 256;
}

/// <summary>The application property that carries the tenant of an event: set by the publisher, never read from the body.</summary>
public static class EventProperties
{
    public const string Tenant = "tenantId";
}

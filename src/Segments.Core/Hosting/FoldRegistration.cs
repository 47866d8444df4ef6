using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Engine.Documents;

namespace Segments.Core.Hosting;

/// <summary>The fold's settings: <c>Segments:Attribution:WindowDays</c> (the tenant's attribution window, as in the Bicep app settings).</summary>
public sealed class AttributionOptions
{
    public const string Section = "Segments:Attribution";

    public int WindowDays { get; set; } = 7;
}

public static class FoldRegistration
{
    /// <summary>
    /// The stream fold as the <see cref="IStreamBatchHandler"/> every event source hands its batches to (the
    /// in-process channel, Event Hubs). The host registers the <see cref="IContactStore"/> and
    /// <see cref="IDeadLetterStore"/>.
    /// </summary>
    public static IServiceCollection AddStreamFold(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AttributionOptions>()
            .Bind(configuration.GetSection(AttributionOptions.Section))
            .Validate(o => o.WindowDays is >= 0 and <= 365, $"{AttributionOptions.Section}:WindowDays is a number of days from 0 to 365")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new ContactFolder(new FoldOptions
        {
            AttributionWindow = TimeSpan.FromDays(provider.GetRequiredService<IOptions<AttributionOptions>>().Value.WindowDays),
        }));
        // With membership tracking registered (drips and triggers), every written document is re-evaluated, a batch at a time.
        services.TryAddSingleton<IStreamBatchHandler>(provider =>
        {
            var written = provider.GetService<IContactWritten>();
            var fold = new StreamFolder(
                provider.GetRequiredService<IContactStore>(),
                provider.GetRequiredService<IDeadLetterStore>(),
                provider.GetRequiredService<ContactFolder>(),
                provider.GetRequiredService<TimeProvider>(),
                written: written);
            return written is MembershipTracker tracker ? tracker.Around(fold) : fold;
        });
        return services;
    }
}

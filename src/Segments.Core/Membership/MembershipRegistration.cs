using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Segments.Core.Streaming;

namespace Segments.Core.Membership;

public static class MembershipRegistration
{
    /// <summary>
    /// The tracker (as the fold's <see cref="IContactWritten"/>) and the time sweep. The host registers the
    /// <see cref="IMembershipStore"/>, the <see cref="IConsumerStore"/> and runs the sweep on a schedule.
    /// </summary>
    public static IServiceCollection AddMembershipTracking(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TrackedSegments>();
        services.TryAddSingleton<MembershipTracker>();
        services.TryAddSingleton<IContactWritten>(provider => provider.GetRequiredService<MembershipTracker>());
        services.TryAddSingleton<TimeSweep>();
        return services;
    }
}

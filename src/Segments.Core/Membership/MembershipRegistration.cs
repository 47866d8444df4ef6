using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Segments.Core.Ports;
using Segments.Core.Streaming;

namespace Segments.Core.Membership;

public static class MembershipRegistration
{
    /// <summary>
    /// The tracker (as the fold's <see cref="IContactWritten"/>), the change dispatcher, the time sweep and the daily
    /// report. The host registers the <see cref="IMembershipStore"/>, <see cref="IConsumerStore"/> and
    /// <see cref="IReportStore"/>, optionally an <see cref="IMembershipChangePublisher"/> (without one, changes are not
    /// published to a stream), and runs the sweep and the report on a schedule.
    /// </summary>
    public static IServiceCollection AddMembershipTracking(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TrackedSegments>();
        services.TryAddSingleton<ChangeDispatcher>();
        services.TryAddSingleton<MembershipTracker>();
        services.TryAddSingleton<IContactWritten>(provider => provider.GetRequiredService<MembershipTracker>());
        services.TryAddSingleton<TimeSweep>();
        services.TryAddSingleton<DailyReport>();
        return services;
    }
}

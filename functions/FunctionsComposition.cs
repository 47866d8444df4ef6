using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Segments.Hosting;

namespace Segments.Functions;

/// <summary>
/// The Functions app's services: the parts of <c>segments serve</c>, composed by the same root, with every store on its Azure
/// service (the settings of <c>local.settings.sample.json</c> and <c>infra/app-settings.json</c>, validated at start-up), and
/// the Event Hubs processor hosted in the worker, folding the stream into Cosmos DB (dead letters in Blob storage) and
/// re-evaluating each written contact for the segments drips and triggers use (memberships, drips, triggers and daily
/// reports in Table storage; the time sweep and the daily report run on timers, see <c>Timers/MembershipTimers</c>).
/// Broadcasts and jobs are kept as records in Table storage, as <c>segments serve</c> keeps them in SQLite, and run as the
/// Durable orchestrations of <c>Durable/</c>, started through the Durable client bound to each call.
/// </summary>
public static class FunctionsComposition
{
    public static IServiceCollection AddSegmentsFunctions(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSegments(configuration, SegmentsHost.Functions);
}

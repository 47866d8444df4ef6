using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Segments.Api.Broadcasts;
using Segments.Api.Membership;
using Segments.Azure.Audiences;
using Segments.Azure.Cosmos;
using Segments.Azure.EventHubs;
using Segments.Azure.Membership;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Functions.Timers;
using Segments.TestSupport.Composition;

namespace Segments.Functions.Tests;

/// <summary>The app's services as the worker's host builds them from <c>local.settings.sample.json</c>.</summary>
public sealed class CompositionTests
{
    [Fact]
    public async Task The_sample_settings_pass_start_up_validation_and_the_stream_fold_is_hosted_on_event_hubs()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(FunctionsApp.SampleSettings()).Build();
        var services = FunctionsApp.Host(configuration);
        services.AddSegmentsFunctions(configuration);
        // As the worker's host does in Development: every registration must be constructible.
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Contains(provider.GetServices<IHostedService>(), s => s.GetType().Assembly == typeof(ContactEventProcessor).Assembly);
        Assert.IsType<EventHubsPublisher>(provider.GetRequiredService<IEventPublisher>());
    }

    [Fact]
    public async Task Every_service_the_app_registers_resolves_with_the_broadcast_handlers_among_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(FunctionsApp.SampleSettings()).Build();
        var services = FunctionsApp.Host(configuration);
        var host = services.ToList();
        services.AddSegmentsFunctions(configuration);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var resolved = Registrations.ResolveEach(services.Except(host), provider);

        Assert.Contains(typeof(BroadcastHandlers), resolved);
        Assert.Contains(typeof(BroadcastLifecycleHandlers), resolved);
        Assert.Contains(typeof(IContactStore), resolved);
        Assert.IsType<BlobAudienceSink>(provider.GetRequiredService<IAudienceSink>());
        Assert.IsType<CosmosContactStore>(provider.GetRequiredService<IContactStore>());
        // Every Azure client and the Event Hubs processor share one credential.
        Assert.Single(services, d => d.ServiceType == typeof(TokenCredential));
    }

    [Fact]
    public async Task Membership_is_tracked_on_table_storage_by_the_fold_with_its_sweep_and_report_left_to_the_timers()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(FunctionsApp.SampleSettings()).Build();
        var services = FunctionsApp.Host(configuration);
        services.AddSegmentsFunctions(configuration);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.IsType<TableMembershipStore>(provider.GetRequiredService<IMembershipStore>());
        Assert.IsType<TableConsumerStore>(provider.GetRequiredService<IConsumerStore>());
        Assert.IsType<TableReportStore>(provider.GetRequiredService<IReportStore>());
        Assert.IsType<MembershipTracker>(provider.GetRequiredService<IContactWritten>());
        Assert.IsType<EventHubsChangePublisher>(provider.GetRequiredService<IMembershipChangePublisher>());
        Assert.NotNull(ActivatorUtilities.CreateInstance<MembershipTimers>(provider));
        // A hosted loop would run on every instance; the timers run once across them.
        Assert.DoesNotContain(provider.GetServices<IHostedService>(), s => s.GetType().Assembly == typeof(TenantReports).Assembly);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Segments.Azure.EventHubs;
using Segments.Core.Streaming;

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
}

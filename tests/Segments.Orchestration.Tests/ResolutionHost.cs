using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Segments.Core.Audience;
using Segments.Core.Broadcasts;
using Segments.Core.Ports;

namespace Segments.Orchestration.Tests;

/// <summary>The resolution's orchestrator and activities on the in-process Durable Task host, over the stores a test chooses.</summary>
public sealed class ResolutionHost : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly DurableTaskTestHost _host;

    private ResolutionHost(DurableTaskTestHost host) => _host = host;

    public DurableTaskClient Client => _host.Client;

    public static async Task<ResolutionHost> StartAsync(IContactStore contacts, ISuppressionStore suppressions, ICatalogStore catalog,
        IAudienceSink sink, IBroadcastStore broadcasts) =>
        new(await DurableTaskTestHost.StartAsync(tasks => tasks.AddAudienceResolution(), new DurableTaskTestHostOptions
        {
            // Its own random default can collide with another test process.
            Port = Segments.TestSupport.LoopbackPorts.Free(),
            ConfigureServices = services => services
                .AddSingleton(contacts)
                .AddSingleton(suppressions)
                .AddSingleton(catalog)
                .AddSingleton(sink)
                .AddSingleton(broadcasts)
                .AddSingleton(TimeProvider.System)
                .AddLogging(),
        }));

    /// <summary>Runs a resolution to its end; the instance's state (failed ones included).</summary>
    public async Task<OrchestrationMetadata> RunAsync(ResolveAudienceInput input)
    {
        var id = BroadcastInstance.Id(input.Tenant, input.Broadcast);
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ResolveAudienceOrchestrator), input, new StartOrchestrationOptions(id));
        using var timeout = new CancellationTokenSource(Patience);
        return await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
    }

    public async Task<AudienceManifest> ResolveAsync(ResolveAudienceInput input)
    {
        var state = await RunAsync(input);
        Assert.True(state.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{state.RuntimeStatus}: {state.FailureDetails}");
        return state.ReadOutputAs<AudienceManifest>()!;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Segments.Cli.Serve;

namespace Segments.Cli.Tests.Serve;

/// <summary>
/// serve's in-process Durable Task backend hands the worker every activity an orchestration fans out, not a processor
/// count of them with a 500 ms pause before the next (which made a warm 16-partition send take 4 s, bench/README.md).
/// </summary>
public sealed class InProcessDurableTaskTests
{
    [Fact]
    public async Task Activities_fanned_out_all_run_at_once_beyond_the_processor_count()
    {
        var count = (2 * Environment.ProcessorCount) + 2;
        var arrived = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = new HostBuilder().ConfigureServices(services => services.AddLogging().AddInProcessDurableTask(tasks => tasks
            .AddOrchestratorFunc<int, bool[]>("FanOut", (context, n) =>
                Task.WhenAll(Enumerable.Range(0, n).Select(i => context.CallActivityAsync<bool>("Meet", i))))
            .AddActivityFunc<int, bool>("Meet", async (_, _) =>
            {
                // Each waits for all the others: only activities running at the same time can meet.
                if (Interlocked.Increment(ref arrived) == count)
                {
                    all.SetResult();
                }
                return await Task.WhenAny(all.Task, Task.Delay(TimeSpan.FromSeconds(10))) == all.Task;
            }))).Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<DurableTaskClient>();

        var id = await client.ScheduleNewOrchestrationInstanceAsync("FanOut", count);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var state = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        await host.StopAsync();

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(Enumerable.Repeat(true, count), state.ReadOutputAs<bool[]>());
    }
}

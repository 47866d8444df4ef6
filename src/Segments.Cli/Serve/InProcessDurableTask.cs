using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Segments.Cli.Serve;

/// <summary>
/// The Durable Task backend of <c>segments serve</c>, reachable from this process only. The Durable Task worker and
/// client speak gRPC to a sidecar; here the sidecar is the gRPC service of Microsoft.DurableTask.InProcessTestHost
/// (<see cref="TaskHubGrpcServer"/>) over its in-memory orchestration service, hosted on ASP.NET Core's in-memory
/// server (<see cref="TestServer"/>): requests pass from the channel's message handler to the service as objects in
/// memory, with no socket, so nothing outside the process can list or terminate a tenant's orchestrations. (The
/// package's own <c>AddInMemoryDurableTask</c> listens on a loopback TCP port with no credential.) Its state lives as
/// long as the process: broadcasts are kept as records and resumed at start-up (<see cref="Orchestration.BroadcastResumer"/>).
/// </summary>
internal static class InProcessDurableTask
{
    public static IServiceCollection AddInProcessDurableTask(this IServiceCollection services, Action<DurableTaskRegistry> tasks)
    {
        var worker = Options.DefaultName;
        // Registered before the worker's hosted service, so it is stopped after it.
        services.AddSingleton(provider => new Sidecar(provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<IOptionsMonitor<DurableTaskWorkerOptions>>().Get(worker).Concurrency));
        services.AddHostedService(provider => provider.GetRequiredService<Sidecar>());
        services.AddDurableTaskWorker(builder =>
        {
            worker = builder.Name;
            builder.AddTasks(tasks);
            builder.UseGrpc(_ => { });
            builder.Services.AddOptions<GrpcDurableTaskWorkerOptions>(builder.Name).Configure<Sidecar>((o, sidecar) => o.Channel = sidecar.Channel);
        });
        services.AddDurableTaskClient(builder =>
        {
            builder.UseGrpc(_ => { });
            builder.Services.AddOptions<GrpcDurableTaskClientOptions>(builder.Name).Configure<Sidecar>((o, sidecar) => o.Channel = sidecar.Channel);
            builder.RegisterDirectly();
        });
        return services;
    }

    /// <summary>
    /// The sidecar's own small host, started the first time its channel is asked for (when the worker and client are
    /// made, before the outer host starts them) and stopped with the outer host. It dispatches as many work items at once
    /// as the worker takes (<see cref="WorkerLimitedOrchestrationService"/>).
    /// </summary>
    private sealed class Sidecar(ILoggerFactory loggers, DurableTaskWorkerOptions.ConcurrencyOptions limits) : IHostedService, IAsyncDisposable
    {
        private readonly Lazy<(IHost Host, GrpcChannel Channel)> _started = new(() => Start(loggers, limits));

        public GrpcChannel Channel => _started.Value.Channel;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = _started.Value;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) =>
            _started.IsValueCreated ? _started.Value.Host.StopAsync(cancellationToken) : Task.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            if (_started.IsValueCreated)
            {
                _started.Value.Channel.Dispose();
                await DisposeAsync(_started.Value.Host);
            }
        }

        private static async ValueTask DisposeAsync(IHost host)
        {
            if (host is IAsyncDisposable asynchronous)
            {
                await asynchronous.DisposeAsync();
            }
            else
            {
                host.Dispose();
            }
        }

        private static (IHost, GrpcChannel) Start(ILoggerFactory loggers, DurableTaskWorkerOptions.ConcurrencyOptions limits)
        {
            var orchestrations = new InMemoryOrchestrationService(loggers);
            var host = new HostBuilder()
                .ConfigureServices(services => services.AddSingleton(loggers).AddSingleton(typeof(ILogger<>), typeof(Logger<>)))
                .ConfigureWebHost(web => web
                    .UseTestServer()
                    .ConfigureServices(services => services
                        .AddGrpc().Services
                        .AddRouting()
                        .AddSingleton<IOrchestrationService>(new WorkerLimitedOrchestrationService(orchestrations, limits))
                        .AddSingleton<IOrchestrationServiceClient>(orchestrations)
                        .AddSingleton<TaskHubGrpcServer>())
                    .Configure(app => app.UseRouting().UseEndpoints(endpoints => endpoints.MapGrpcService<TaskHubGrpcServer>())))
                .Build();
            host.Start();
            var server = host.GetTestServer();
            return (host, GrpcChannel.ForAddress(server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.CreateHandler(), LoggerFactory = loggers }));
        }
    }
}

using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Segments.TestSupport.Emulators;

/// <summary>
/// Azurite (Blob, Queue, Table) and the patched Cosmos DB server (tests/emulators/cosmos-server.js)
/// as child processes on loopback ports chosen by the OS. Independent of any test framework;
/// <see cref="EmulatorFixture"/> adapts it to xunit.
/// </summary>
public sealed partial class LocalEmulators : IAsyncDisposable, IDisposable
{
    /// <summary>The well-known Azurite account, the same in every Azurite.</summary>
    public const string StorageAccountName = "devstoreaccount1";

    public const string StorageAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The well-known Cosmos DB emulator key (the server accepts any key; the SDK needs a valid base64 one).</summary>
    public const string CosmosKey =
        "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly EmulatorProcess _azurite;
    private readonly EmulatorProcess _cosmos;
    private int _disposed;

    private LocalEmulators(EmulatorProcess azurite, EmulatorProcess cosmos, TimeSpan azuriteStartup, TimeSpan cosmosStartup)
    {
        _azurite = azurite;
        _cosmos = cosmos;
        AzuriteStartup = azuriteStartup;
        CosmosStartup = cosmosStartup;

        var ports = azurite.ReadyMatches.ToDictionary(m => m.Groups["service"].Value, m => m.Groups["port"].Value);
        BlobEndpoint = new Uri($"http://127.0.0.1:{ports["Blob"]}/{StorageAccountName}");
        QueueEndpoint = new Uri($"http://127.0.0.1:{ports["Queue"]}/{StorageAccountName}");
        TableEndpoint = new Uri($"http://127.0.0.1:{ports["Table"]}/{StorageAccountName}");
        CosmosEndpoint = new Uri($"https://127.0.0.1:{cosmos.ReadyMatches[0].Groups["port"].Value}/");

        // A test host that ends without disposing its fixtures must not leave the emulators running.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public Uri BlobEndpoint { get; }
    public Uri QueueEndpoint { get; }
    public Uri TableEndpoint { get; }

    /// <summary>For BlobServiceClient, QueueServiceClient and TableServiceClient alike.</summary>
    public string StorageConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={StorageAccountName};AccountKey={StorageAccountKey};" +
        $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    /// <summary>Use with <see cref="CosmosKey"/>, Gateway mode and <see cref="CreateCosmosHttpClient"/>.</summary>
    public Uri CosmosEndpoint { get; }

    public string CosmosConnectionString => $"AccountEndpoint={CosmosEndpoint};AccountKey={CosmosKey};";

    public TimeSpan AzuriteStartup { get; }
    public TimeSpan CosmosStartup { get; }

    /// <summary>
    /// Starts both emulators, running `npm ci --prefix tests/emulators` first if needed.
    /// Sets AZURE_COSMOS_USE_QUERY_PLAN_INTEROP_LINUX=true for this process, since the Cosmos SDK
    /// reads it once: the query plan must come from the SDK's native library, as the server
    /// serves none.
    /// </summary>
    public static async Task<LocalEmulators> StartAsync(CancellationToken cancellationToken = default)
    {
        Environment.SetEnvironmentVariable("AZURE_COSMOS_USE_QUERY_PLAN_INTEROP_LINUX", "true");
        var directory = await EmulatorInstall.EnsureInstalledAsync(cancellationToken);

        // Port 0 everywhere: the OS picks free ports and the emulators print them, so two test
        // processes can never race for the same port.
        var clock = Stopwatch.StartNew();
        var azurite = EmulatorProcess.Start(
            "Azurite",
            directory,
            Path.Combine("node_modules", "azurite", "dist", "src", "azurite.js"),
            [
                "--silent", "--inMemoryPersistence", "--skipApiVersionCheck",
                "--disableTelemetry", // it would otherwise try to reach Application Insights
                "--blobHost", "127.0.0.1", "--blobPort", "0",
                "--queueHost", "127.0.0.1", "--queuePort", "0",
                "--tableHost", "127.0.0.1", "--tablePort", "0",
            ],
            AzuriteListening(),
            readyCount: 3);
        var cosmos = EmulatorProcess.Start("Cosmos server", directory, "cosmos-server.js", ["--port", "0"], CosmosReady());
        try
        {
            var azuriteStartup = WaitAsync(azurite, clock);
            var cosmosStartup = WaitAsync(cosmos, clock);
            return new LocalEmulators(azurite, cosmos, await azuriteStartup, await cosmosStartup);
        }
        catch
        {
            azurite.Dispose();
            cosmos.Dispose();
            throw;
        }
    }

    private static async Task<TimeSpan> WaitAsync(EmulatorProcess emulator, Stopwatch clock)
    {
        await emulator.WaitReadyAsync(ReadyTimeout);
        return clock.Elapsed;
    }

    /// <summary>
    /// An HttpClient for CosmosClientOptions.HttpClientFactory: it trusts the server's self-signed
    /// certificate, and only for this server.
    /// </summary>
    public HttpClient CreateCosmosHttpClient()
    {
        var authority = CosmosEndpoint.Authority;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (request, _, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None || request.RequestUri?.Authority == authority,
        };
        return new HttpClient(handler);
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex AzuriteListening();

    [GeneratedRegex(@"^cosmos ready on https://127\.0\.0\.1:(?<port>\d+)$")]
    private static partial Regex CosmosReady();

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _azurite.Dispose();
        _cosmos.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}

using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Segments.TestSupport.Emulators;

namespace Segments.Azure.Tests.Cosmos;

/// <summary>A client of the local Cosmos server: Gateway mode, its endpoint only, its self-signed certificate.</summary>
internal static class LocalCosmos
{
    public static CosmosClient CreateClient(LocalEmulators emulators) =>
        new(emulators.CosmosEndpoint.ToString(), LocalEmulators.CosmosKey, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            HttpClientFactory = emulators.CreateCosmosHttpClient,
            UseSystemTextJsonSerializerWithOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web),
        });
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Segments.Functions.Tests;

/// <summary>The settings the app binds are the settings the sample and the Bicep provide.</summary>
public sealed class SettingsTests
{
    /// <summary>Read by the app but with a default that fits every environment: neither file needs to set them.</summary>
    private static readonly string[] Tuning =
    [
        "Segments:Ingestion",
        "Segments:Authentication",
        "Segments:Cosmos:ScanRangesPerFeedRange",
        "Segments:EventHubs:MaxBatchSize",
        "Segments:Storage:CatalogTable",
        "Segments:Storage:SuppressionTable",
        "Segments:Storage:MembershipTable",
        "Segments:Storage:MembershipDueTable",
        "Segments:Storage:ConsumerTable",
        "Segments:Storage:ReportTable",
        "Segments:Storage:BroadcastTable",
        "Segments:Storage:JobTable",
        "Segments:Storage:PixelHitTable",
    ];

    /// <summary>Local only: the emulators' connection string (deployed apps use their identity).</summary>
    private const string EmulatorOnly = "Segments:Storage:ConnectionString";

    [Fact]
    public void Every_setting_the_app_binds_is_in_the_local_sample_and_in_the_app_settings_of_the_bicep()
    {
        var read = SettingsRead();
        var sample = FunctionsApp.SampleSettings().Keys.ToHashSet();
        var deployed = DeployedSettings();
        var settings = read.Where(k => !Tuning.Any(k.StartsWith)).ToList();

        Assert.Contains("Segments:Cosmos:Endpoint", settings);
        Assert.Contains("Segments:Tenants:0:ApiKey", settings);
        var notInSample = settings.Where(k => !sample.Contains(k)).ToList();
        // A list is deployed under its own name (infra/app-settings.json), as item settings <name>__0, <name>__1...
        var notDeployed = settings.Where(k => k != EmulatorOnly && !deployed.Contains(ListOf(k))).ToList();
        Assert.Empty(notInSample);
        Assert.Empty(notDeployed);
    }

    [Fact]
    public void Every_segments_setting_of_the_local_sample_and_of_the_bicep_is_read_by_the_app()
    {
        var read = SettingsRead().Select(ListOf).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sample = FunctionsApp.SampleSettings().Keys.Where(k => k.StartsWith("Segments:", StringComparison.Ordinal)).Select(ListOf);
        var deployed = DeployedSettings().Where(k => k.StartsWith("Segments:", StringComparison.Ordinal));

        var unreadInSample = sample.Where(k => !read.Contains(k)).ToList();
        var unreadDeployed = deployed.Where(k => !read.Contains(k)).ToList();
        Assert.Empty(unreadInSample);
        Assert.Empty(unreadDeployed);
    }

    /// <summary>The names of infra/app-settings.json, with ':' for '__' as the app reads them.</summary>
    private static HashSet<string> DeployedSettings() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra", "app-settings.json")))!.AsArray()
            .Select(n => ((string)n!).Replace("__", ":", StringComparison.Ordinal)).ToHashSet();

    /// <summary>The list an item setting belongs to (<c>a:b:0</c> is item 0 of <c>a:b</c>), or the setting itself.</summary>
    private static string ListOf(string key) =>
        key.LastIndexOf(':') is var colon and > 0 && key[(colon + 1)..].All(char.IsAsciiDigit) ? key[..colon] : key;

    /// <summary>Every key the app's options read while they are bound and validated as at start-up, over the sample's values.</summary>
    private static HashSet<string> SettingsRead()
    {
        var recording = new RecordingProvider(FunctionsApp.SampleSettings());
        IConfiguration configuration = new ConfigurationBuilder().Add(new RecordingSource(recording)).Build();
        var services = FunctionsApp.Host(configuration);
        services.AddSegmentsFunctions(configuration);
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        // A section is read as a value too; only its leaves are settings.
        var read = recording.Read.Where(k => k.StartsWith("Segments:", StringComparison.Ordinal)).ToList();
        return [.. read.Where(k => !read.Any(other => other.StartsWith(k + ":", StringComparison.OrdinalIgnoreCase)))];
    }

    private sealed class RecordingSource(RecordingProvider provider) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => provider;
    }

    private sealed class RecordingProvider : ConfigurationProvider
    {
        public RecordingProvider(IDictionary<string, string?> values)
        {
            foreach (var (key, value) in values)
            {
                Data[key] = value;
            }
        }

        public HashSet<string> Read { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override bool TryGet(string key, out string? value)
        {
            Read.Add(key);
            return base.TryGet(key, out value);
        }
    }
}

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
        "Segments:Cosmos:ScanRangesPerFeedRange",
        "Segments:EventHubs:MaxBatchSize",
        "Segments:Storage:CatalogTable",
        "Segments:Storage:SuppressionTable",
        "Segments:Storage:MembershipTable",
        "Segments:Storage:MembershipDueTable",
        "Segments:Storage:ConsumerTable",
        "Segments:Storage:ReportTable",
        "Segments:Storage:DeadLetterContainer",
    ];

    /// <summary>Local only: the emulators' connection string (deployed apps use their identity).</summary>
    private const string EmulatorOnly = "Segments:Storage:ConnectionString";

    /// <summary>Not in the Bicep yet: the deployed app has no tenant until the environment provides one (see the report of issue 9).</summary>
    private const string NotDeployedYet = "Segments:Tenants:";

    [Fact]
    public void Every_setting_the_app_binds_is_in_the_local_sample_and_in_the_app_settings_of_the_bicep()
    {
        var read = SettingsRead();
        var sample = FunctionsApp.SampleSettings().Keys.ToHashSet();
        var deployed = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra", "app-settings.json")))!.AsArray()
            .Select(n => ((string)n!).Replace("__", ":", StringComparison.Ordinal)).ToHashSet();
        var settings = read.Where(k => !Tuning.Any(k.StartsWith)).ToList();

        Assert.Contains("Segments:Cosmos:Endpoint", settings);
        var notInSample = settings.Where(k => !sample.Contains(k)).ToList();
        var notDeployed = settings.Where(k => k != EmulatorOnly && !k.StartsWith(NotDeployedYet, StringComparison.Ordinal) && !deployed.Contains(k)).ToList();
        Assert.Empty(notInSample);
        Assert.Empty(notDeployed);
    }

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

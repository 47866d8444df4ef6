using System.Text.Json;
using System.Text.Json.Nodes;

namespace Segments.Infra.Tests;

/// <summary>
/// Compiles infra/ once for all tests (each bicep run takes seconds): the main template, its lint,
/// and the example parameters.
/// </summary>
public sealed class InfraFixture
{
    /// <summary>The environment variables the tenant parameter files read the tenant's secrets from, by parameter.</summary>
    public static readonly IReadOnlyDictionary<string, string> SecretVariables = new Dictionary<string, string>
    {
        ["apiKey"] = "SEGMENTS_API_KEY",
        ["tokenSecret"] = "SEGMENTS_TOKEN_SECRET",
    };

    /// <summary>
    /// Stand-in secrets for building parameter files, of the shape main.bicep asks for: an API key of at least 24
    /// characters, a token secret in base64 of at least 32 bytes (44 characters).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> StandInSecrets = new Dictionary<string, string?>
    {
        ["SEGMENTS_API_KEY"] = "stand-in-api-key-for-tests-0123456789abcdef",
        ["SEGMENTS_TOKEN_SECRET"] = Convert.ToBase64String("stand-in-token-secret-for-tests-0123456789abcdef"u8),
    };

    private readonly Lazy<BicepRun> build = new(() => BicepCli.Run(["build", "infra/main.bicep", "--stdout"]));
    private readonly Lazy<BicepRun> lint = new(() => BicepCli.Run(["lint", "infra/main.bicep"]));
    private readonly Lazy<JsonObject> template;
    private readonly Lazy<IReadOnlyList<string>> settingNames = new(ReadSettingNames);

    public InfraFixture()
    {
        template = new(() =>
        {
            Assert.True(Build.ExitCode == 0, string.Join('\n', Build.Problems()));
            return JsonNode.Parse(Build.StdOut) as JsonObject
                ?? throw new InvalidOperationException("bicep build printed no JSON object.");
        });
    }

    public BicepRun Build => build.Value;

    public BicepRun Lint => lint.Value;

    /// <summary>The compiled ARM template of infra/main.bicep. Clone it before changing it.</summary>
    public JsonObject Template => template.Value;

    /// <summary>The canonical app setting names, infra/app-settings.json.</summary>
    public IReadOnlyList<string> SettingNames => settingNames.Value;

    public JsonObject TemplateCopy() => (JsonObject)Template.DeepClone();

    private static IReadOnlyList<string> ReadSettingNames()
    {
        using var stream = File.OpenRead(TestEnvironment.InfraPath("app-settings.json"));
        return JsonSerializer.Deserialize<string[]>(stream)
            ?? throw new InvalidOperationException("infra/app-settings.json is not a JSON array of names.");
    }
}

[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraFixture>
{
    public const string Name = "infra";
}

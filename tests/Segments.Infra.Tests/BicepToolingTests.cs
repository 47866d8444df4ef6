using System.Text.Json.Nodes;

namespace Segments.Infra.Tests;

/// <summary>The Bicep sources compile, lint and format clean with the pinned bicep CLI: no error and no warning.</summary>
[Collection(InfraCollection.Name)]
public sealed class BicepToolingTests(InfraFixture infra)
{
    public static TheoryData<string> TenantParameterFiles() =>
        new(Directory.EnumerateFiles(TestEnvironment.InfraPath("tenants"), "*.bicepparam")
            .Select(f => Path.GetRelativePath(TestEnvironment.RepositoryRoot, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal));

    public static TheoryData<string> BicepSources() =>
        new(Directory.EnumerateFiles(TestEnvironment.InfraDirectory, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".bicep", StringComparison.Ordinal) || f.EndsWith(".bicepparam", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(TestEnvironment.RepositoryRoot, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal));

    [Fact]
    public void Bicep_cli_is_the_version_pinned_in_Directory_Packages_props()
    {
        var run = BicepCli.Run(["--version"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"Bicep CLI version {TestEnvironment.BicepPackageVersion} ", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Main_template_builds_without_errors_or_warnings()
    {
        Assert.Empty(infra.Build.Problems());
        Assert.StartsWith("{", infra.Build.StdOut.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public void Main_template_and_its_modules_lint_without_findings()
    {
        Assert.Empty(infra.Lint.Problems(stdoutIsDiagnostics: true));
    }

    [Theory]
    [MemberData(nameof(TenantParameterFiles))]
    public void Tenant_parameters_build_and_lint_without_errors_or_warnings(string file)
    {
        var build = BicepCli.Run(["build-params", file, "--stdout"], InfraFixture.StandInSecrets);
        var lint = BicepCli.Run(["lint", file], InfraFixture.StandInSecrets);

        Assert.Empty(build.Problems());
        Assert.Empty(lint.Problems(stdoutIsDiagnostics: true));
        var parameters = ParametersOf(build);
        Assert.NotNull(parameters["tenantName"]?["value"]);
    }

    public static TheoryData<string, string> TenantParameterFilesAndSecrets()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in TenantParameterFiles())
        {
            foreach (var parameter in InfraFixture.SecretVariables.Keys)
            {
                data.Add(file, parameter);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TenantParameterFilesAndSecrets))]
    public void Tenant_parameters_take_the_secrets_from_outside_the_repository(string file, string parameter)
    {
        var build = BicepCli.Run(["build-params", file, "--stdout"], InfraFixture.StandInSecrets);
        Assert.Empty(build.Problems());

        // The secret is either the environment's (the stand-in here) or a Key Vault reference:
        // never a value written in the committed file.
        var variable = InfraFixture.SecretVariables[parameter];
        var secret = ParametersOf(build)[parameter] as JsonObject;
        Assert.NotNull(secret);
        Assert.True(
            secret["reference"] is not null
                || secret["value"]?.GetValue<string>() == InfraFixture.StandInSecrets[variable],
            $"{file} sets {parameter} to a value of its own: read it with readEnvironmentVariable('{variable}') or az.getSecret.");
    }

    [Theory]
    [InlineData("SEGMENTS_API_KEY")]
    [InlineData("SEGMENTS_TOKEN_SECRET")]
    public void Example_parameters_fail_to_build_when_a_secret_is_not_given(string variable)
    {
        var environment = new Dictionary<string, string?>(InfraFixture.StandInSecrets) { [variable] = null };
        var build = BicepCli.Run(["build-params", "infra/tenants/example.bicepparam", "--stdout"], environment);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("BCP427", BicepCli.DiagnosticCodes(build.StdErr)); // environment variable does not exist
    }

    [Theory]
    [InlineData("SEGMENTS_API_KEY", "short-key")]
    [InlineData("SEGMENTS_TOKEN_SECRET", "c2hvcnQgc2VjcmV0")] // base64 of 12 bytes
    public void Example_parameters_fail_to_build_with_a_secret_too_short_for_the_app(string variable, string value)
    {
        var environment = new Dictionary<string, string?>(InfraFixture.StandInSecrets) { [variable] = value };
        var build = BicepCli.Run(["build-params", "infra/tenants/example.bicepparam", "--stdout"], environment);

        Assert.NotEqual(0, build.ExitCode);
    }

    [Fact]
    public void List_settings_expand_to_one_setting_per_item_as_the_configuration_binder_reads_a_list()
    {
        var folder = Directory.CreateTempSubdirectory("segments-infra-tests-");
        try
        {
            // The function main.bicep's settings go through, evaluated by bicep itself on known lists.
            var module = Path.GetRelativePath(folder.FullName, TestEnvironment.InfraPath("modules", "settinglists.bicep")).Replace('\\', '/');
            var file = Path.Combine(folder.FullName, "lists.bicepparam");
            File.WriteAllText(file, $$"""
                using none

                import { expandLists } from '{{module}}'

                param expanded = expandLists({
                  Segments__Tenants__0__AllowedOrigins: ['https://www.contoso.example', 'https://shop.contoso.example']
                  Segments__Empty: []
                })
                """);

            var run = BicepCli.Run(["build-params", file, "--stdout"]);

            Assert.Empty(run.Problems());
            var expanded = ParametersOf(run)["expanded"]?["value"];
            var expected = JsonNode.Parse("""
                {
                  "Segments__Tenants__0__AllowedOrigins__0": "https://www.contoso.example",
                  "Segments__Tenants__0__AllowedOrigins__1": "https://shop.contoso.example"
                }
                """);
            Assert.True(JsonNode.DeepEquals(expected, expanded), expanded?.ToJsonString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_settings_module_expands_the_lists_with_the_function_of_settinglists_bicep()
    {
        // The app settings: the one sites/config named appsettings (authsettingsV2 is the other, with Entra ID).
        var config = Assert.Single(ArmTemplate.Resources(infra.Template, "Microsoft.Web/sites/config"), r => r.Name.Contains("appsettings", StringComparison.Ordinal));
        var function = config.Scope.Template["functions"]?.AsArray()
            .SelectMany(n => n?["members"]?["expandLists"] is { } member && ArmTemplate.Text(n["namespace"]) == "__bicep" ? [member] : Array.Empty<JsonNode>())
            .SingleOrDefault();

        Assert.NotNull(function);
        Assert.Equal("settinglists.bicep", ArmTemplate.Text(function["metadata"]?["__bicep_imported_from!"]?["sourceTemplate"]));
        Assert.NotEmpty(InfraChecks.ListSettings(infra.Template));
    }

    [Theory]
    [MemberData(nameof(BicepSources))]
    public void Bicep_sources_are_formatted(string file)
    {
        var run = BicepCli.Run(["format", file, "--stdout"]);

        Assert.Empty(run.Problems());
        var expected = run.StdOut.ReplaceLineEndings("\n");
        var actual = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, file)).ReplaceLineEndings("\n");
        Assert.True(expected == actual, $"{file} is not formatted: run `bicep format {file}`.");
    }

    [Fact]
    public void A_misspelled_property_or_unknown_api_version_is_a_failure_even_though_bicep_exits_0()
    {
        var folder = Directory.CreateTempSubdirectory("segments-infra-tests-");
        try
        {
            var file = Path.Combine(folder.FullName, "broken.bicep");
            File.WriteAllText(file, """
                param location string = resourceGroup().location

                resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
                  name: 'stbrokenexample'
                  location: location
                  kind: 'StorageV2'
                  sku: {
                    name: 'Standard_LRS'
                  }
                  properties: {
                    allowSharedKeyAcess: false
                  }
                }

                resource vault 'Microsoft.KeyVault/vaults@2099-01-01' existing = {
                  name: 'kv-broken-example'
                }

                output vaultUri string = vault.properties.vaultUri
                output accountId string = account.id
                """);

            var run = BicepCli.Run(["build", file, "--stdout"]);

            Assert.Equal(0, run.ExitCode);
            Assert.Contains("BCP089", BicepCli.DiagnosticCodes(run.StdErr)); // property not allowed: allowSharedKeyAcess
            Assert.Contains("BCP081", BicepCli.DiagnosticCodes(run.StdErr)); // no type for the API version
            Assert.NotEmpty(run.Problems());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static JsonObject ParametersOf(BicepRun buildParams)
    {
        var output = JsonNode.Parse(buildParams.StdOut)!;
        var parametersJson = JsonNode.Parse(output["parametersJson"]!.GetValue<string>())!;
        return parametersJson["parameters"]!.AsObject();
    }
}

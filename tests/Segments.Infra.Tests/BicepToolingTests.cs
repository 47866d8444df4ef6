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
        var build = BicepCli.Run(["build-params", file, "--stdout"], InfraFixture.StandInSecret);
        var lint = BicepCli.Run(["lint", file], InfraFixture.StandInSecret);

        Assert.Empty(build.Problems());
        Assert.Empty(lint.Problems(stdoutIsDiagnostics: true));
        var parameters = ParametersOf(build);
        Assert.NotNull(parameters["tenantName"]?["value"]);
    }

    [Theory]
    [MemberData(nameof(TenantParameterFiles))]
    public void Tenant_parameters_take_the_token_secret_from_outside_the_repository(string file)
    {
        var build = BicepCli.Run(["build-params", file, "--stdout"], InfraFixture.StandInSecret);
        Assert.Empty(build.Problems());

        // The secret is either the environment's (the stand-in here) or a Key Vault reference:
        // never a value written in the committed file.
        var tokenSecret = ParametersOf(build)["tokenSecret"] as JsonObject;
        Assert.NotNull(tokenSecret);
        Assert.True(
            tokenSecret["reference"] is not null
                || tokenSecret["value"]?.GetValue<string>() == InfraFixture.StandInSecret[InfraFixture.TokenSecretVariable],
            $"{file} sets tokenSecret to a value of its own: read it with readEnvironmentVariable('{InfraFixture.TokenSecretVariable}') or az.getSecret.");
    }

    [Fact]
    public void Example_parameters_fail_to_build_when_no_token_secret_is_given()
    {
        var build = BicepCli.Run(
            ["build-params", "infra/tenants/example.bicepparam", "--stdout"],
            new Dictionary<string, string?> { [InfraFixture.TokenSecretVariable] = null });

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("BCP427", BicepCli.DiagnosticCodes(build.StdErr)); // environment variable does not exist
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

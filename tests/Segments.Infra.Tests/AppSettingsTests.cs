using System.Text.RegularExpressions;

namespace Segments.Infra.Tests;

/// <summary>The Function App's settings match the canonical list in infra/app-settings.json and name endpoints.</summary>
[Collection(InfraCollection.Name)]
public sealed partial class AppSettingsTests(InfraFixture infra)
{
    [Fact]
    public void Canonical_list_is_a_set_of_setting_names()
    {
        Assert.NotEmpty(infra.SettingNames);
        Assert.Equal(infra.SettingNames.Count, infra.SettingNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(infra.SettingNames, n => Assert.Matches(SettingName(), n));
    }

    [Fact]
    public void Function_app_defines_every_canonical_setting()
    {
        Assert.Empty(InfraChecks.MissingSettings(infra.Template, infra.SettingNames));
    }

    [Fact]
    public void Every_segments_setting_of_the_function_app_is_in_the_canonical_list()
    {
        Assert.Empty(InfraChecks.UnlistedSettings(infra.Template, infra.SettingNames));
    }

    [Fact]
    public void Main_template_outputs_every_canonical_setting()
    {
        var output = InfraChecks.SettingsObject(infra.Template["outputs"]?["appSettings"]?["value"], TemplateScope.Root(infra.Template));

        Assert.NotNull(output);
        var outputNames = output.Keys.ToHashSet();
        Assert.All(infra.SettingNames, n => Assert.Contains(n, outputNames));
        Assert.Equal(InfraChecks.AppSettings(infra.Template).Keys.Order(), outputNames.Order());
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION", "~4")]
    [InlineData("AzureWebJobsStorage__credential", "managedidentity")]
    [InlineData("Segments__Cosmos__Database", "segments")]
    [InlineData("Segments__Cosmos__ContactsContainer", "contacts")]
    [InlineData("Segments__Storage__AudienceContainer", "audiences")]
    [InlineData("Segments__Storage__CheckpointContainer", "checkpoints")]
    [InlineData("Segments__Storage__DeadLetterContainer", "deadletters")]
    [InlineData("Segments__EventHubs__HubName", "contact-events")]
    [InlineData("Segments__EventHubs__ConsumerGroup", "fold")]
    public void Setting_has_its_fixed_value(string name, string expected)
    {
        Assert.Equal(expected, Setting(name));
    }

    [Theory]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "Microsoft.Insights/components", ".ConnectionString")]
    [InlineData("Segments__Cosmos__Endpoint", "Microsoft.DocumentDB/databaseAccounts", ".documentEndpoint")]
    [InlineData("Segments__Storage__BlobServiceUri", "Microsoft.Storage/storageAccounts", ".primaryEndpoints.blob")]
    [InlineData("Segments__Storage__TableServiceUri", "Microsoft.Storage/storageAccounts", ".primaryEndpoints.table")]
    [InlineData("Segments__EventHubs__FullyQualifiedNamespace", "Microsoft.EventHub/namespaces", ".serviceBusEndpoint")]
    public void Setting_names_an_endpoint_of_the_resource(string name, string resourceType, string property)
    {
        var expression = Setting(name);

        Assert.Contains(resourceType, expression, StringComparison.Ordinal);
        Assert.Contains(property, expression, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_storage_is_the_tenant_storage_account_by_identity()
    {
        var account = Assert.Single(ArmTemplate.Resources(infra.Template, "Microsoft.Storage/storageAccounts"));
        var accountName = ArmTemplate.Resolve(account.Node["name"], account.Scope).Expression;

        Assert.Equal(accountName, Setting("AzureWebJobsStorage__accountName"));
        Assert.Equal("managedidentity", Setting("AzureWebJobsStorage__credential"));
        Assert.DoesNotContain("AzureWebJobsStorage", InfraChecks.AppSettings(infra.Template).Keys); // no connection string
    }

    [Theory]
    [InlineData("Segments__Tenants__0__ApiKey", "apiKey")]
    [InlineData("Segments__Tenants__0__TokenSecret", "tokenSecret")]
    public void Tenant_secret_setting_is_a_key_vault_reference_to_the_latest_version_of_its_secret(string setting, string secureParameter)
    {
        Assert.Empty(InfraChecks.KeyVaultReferenceProblems(infra.Template, setting, secureParameter));
    }

    [Fact]
    public void Settings_are_deployed_after_the_identity_may_read_the_secrets()
    {
        Assert.Empty(InfraChecks.SettingsBeforeSecretsRoleProblems(infra.Template));
    }

    [Fact]
    public void Tenant_id_is_the_tenant_name_in_lower_case()
    {
        Assert.Equal("[toLower(parameters('tenantName'))]", Setting("Segments__Tenants__0__Id"));
    }

    [Fact]
    public void Pixel_key_is_a_plain_parameter_that_may_be_empty()
    {
        Assert.Equal("[parameters('pixelKey')]", Setting("Segments__Tenants__0__PixelKey"));
        Assert.Equal("string", ArmTemplate.Text(infra.Template["parameters"]?["pixelKey"]?["type"]));
        Assert.Equal("", infra.Template["parameters"]?["pixelKey"]?["defaultValue"]?.GetValue<string>());
    }

    [Fact]
    public void Allowed_origins_are_a_list_setting_from_the_array_parameter()
    {
        var lists = InfraChecks.ListSettings(infra.Template);

        var origins = Assert.Single(lists);
        Assert.Equal("Segments__Tenants__0__AllowedOrigins", origins.Key);
        var resolved = ArmTemplate.Resolve(origins.Value.Node, origins.Value.Scope);
        Assert.Null(resolved.Scope.Parent);
        Assert.Equal("[parameters('allowedOrigins')]", resolved.Expression);
        Assert.Equal("array", ArmTemplate.Text(infra.Template["parameters"]?["allowedOrigins"]?["type"]));
        Assert.Equal("string", ArmTemplate.Text(infra.Template["parameters"]?["allowedOrigins"]?["items"]?["type"]));
    }

    [Fact]
    public void Attribution_window_defaults_to_7_days()
    {
        var expression = Setting("Segments__Attribution__WindowDays");

        var parameter = Assert.Single(ArmTemplate.ParametersRead(expression));
        Assert.Equal(7, infra.Template["parameters"]?[parameter]?["defaultValue"]?.GetValue<int>());
        Assert.Equal("int", infra.Template["parameters"]?[parameter]?["type"]?.GetValue<string>());
    }

    /// <summary>The setting's value, followed back to where it is defined.</summary>
    private string Setting(string name)
    {
        var settings = InfraChecks.AppSettings(infra.Template);
        Assert.True(settings.ContainsKey(name), $"No app setting {name}.");
        var resolved = ArmTemplate.Resolve(settings[name].Node, settings[name].Scope);
        return ArmTemplate.Inline(resolved.Expression ?? resolved.Node?.ToJsonString() ?? "", resolved.Scope);
    }

    // Environment-variable names: letters, digits, underscores; sections joined by "__".
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(?:_{1,2}[A-Za-z0-9]+)*$")]
    private static partial Regex SettingName();
}

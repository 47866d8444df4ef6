using System.Text.Json.Nodes;

namespace Segments.Infra.Tests;

/// <summary>
/// The checks catch what they are for: each test breaks a copy of the compiled template in memory
/// (the files are not touched) and expects the check that passes on the real template to fail.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class CheckSelfTests(InfraFixture infra)
{
    public static TheoryData<string> Roles() => new(InfraChecks.AppRoles.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Roles))]
    public void Removing_a_role_assignment_is_detected(string role)
    {
        var template = infra.TemplateCopy();
        var expected = InfraChecks.AppRoles.Single(r => r.Name == role);
        var grants = InfraChecks.RoleGrants(template, InfraChecks.RoleAssignmentType)
            .Where(g => g.RoleDefinition.Contains(expected.RoleDefinitionId, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(grants);

        grants.ForEach(g => Remove(g.Resource.Node));

        var problems = InfraChecks.MissingRoles(template, InfraChecks.AppRoles);
        var problem = Assert.Single(problems);
        Assert.Contains(role, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Granting_a_role_to_another_principal_is_detected()
    {
        var template = infra.TemplateCopy();
        var grant = InfraChecks.RoleGrants(template, InfraChecks.RoleAssignmentType)[0];

        grant.Resource.Node["properties"]!["principalId"] = "00000000-0000-0000-0000-00000000beef";

        Assert.Single(InfraChecks.MissingRoles(template, InfraChecks.AppRoles));
    }

    [Fact]
    public void Granting_a_role_on_the_resource_group_instead_of_the_resource_is_detected()
    {
        var template = infra.TemplateCopy();
        var grant = InfraChecks.RoleGrants(template, InfraChecks.RoleAssignmentType)[0];

        grant.Resource.Node.Remove("scope");

        Assert.Single(InfraChecks.MissingRoles(template, InfraChecks.AppRoles));
    }

    [Fact]
    public void Removing_the_cosmos_sql_role_assignment_is_detected()
    {
        var template = infra.TemplateCopy();
        var grant = Assert.Single(InfraChecks.RoleGrants(template, InfraChecks.CosmosRoleAssignmentType));

        Remove(grant.Resource.Node);

        Assert.NotEmpty(InfraChecks.CosmosDataRoleProblems(template));
    }

    [Fact]
    public void A_cosmos_reader_role_instead_of_the_contributor_is_detected()
    {
        var template = infra.TemplateCopy();
        var grant = Assert.Single(InfraChecks.RoleGrants(template, InfraChecks.CosmosRoleAssignmentType));
        var access = grant.Resource.Scope.Template;

        access["variables"]!["cosmosDataContributor"] = "00000000-0000-0000-0000-000000000001";

        Assert.NotEmpty(InfraChecks.CosmosDataRoleProblems(template));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(null)] // absent: the service default allows shared keys
    public void Allowing_shared_key_access_is_detected(bool? allowSharedKeyAccess)
    {
        var template = infra.TemplateCopy();
        var account = Assert.Single(ArmTemplate.Resources(template, "Microsoft.Storage/storageAccounts"));
        var properties = account.Node["properties"]!.AsObject();

        properties.Remove("allowSharedKeyAccess");
        if (allowSharedKeyAccess is { } value)
        {
            properties["allowSharedKeyAccess"] = value;
        }

        var problem = Assert.Single(InfraChecks.StorageProblems(template));
        Assert.Contains("allowSharedKeyAccess", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Microsoft.DocumentDB/databaseAccounts")]
    [InlineData("Microsoft.EventHub/namespaces")]
    public void Enabling_local_auth_is_detected(string type)
    {
        var template = infra.TemplateCopy();
        var resource = Assert.Single(ArmTemplate.Resources(template, type));

        resource.Node["properties"]!["disableLocalAuth"] = false;

        Assert.NotEmpty(InfraChecks.CosmosProblems(template).Concat(InfraChecks.EventHubsProblems(template)));
    }

    [Fact]
    public void Key_vault_access_policies_instead_of_rbac_are_detected()
    {
        var template = infra.TemplateCopy();
        var vault = Assert.Single(ArmTemplate.Resources(template, "Microsoft.KeyVault/vaults"));

        vault.Node["properties"]!.AsObject().Remove("enableRbacAuthorization");

        Assert.NotEmpty(InfraChecks.KeyVaultProblems(template));
    }

    [Fact]
    public void A_list_keys_call_in_an_app_setting_is_detected()
    {
        var template = infra.TemplateCopy();

        Settings(template)["Segments__Storage__BlobServiceUri"] =
            "[listKeys(resourceId('Microsoft.Storage/storageAccounts', variables('names').storage), '2025-01-01').keys[0].value]";

        Assert.NotEmpty(InfraChecks.KeyReadingProblems(template));
        Assert.NotEmpty(InfraChecks.CredentialSettingProblems(template));
    }

    [Fact]
    public void A_list_connection_strings_call_anywhere_is_detected()
    {
        var template = infra.TemplateCopy();

        template["outputs"]!["leak"] = new JsonObject
        {
            ["type"] = "string",
            ["value"] = "[listConnectionStrings(resourceId('Microsoft.DocumentDB/databaseAccounts', 'x'), '2025-04-15').connectionStrings[0].connectionString]",
        };

        Assert.Equal(2, InfraChecks.KeyReadingProblems(template).Count); // the name, and a list* call
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=st;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net")]
    [InlineData("Endpoint=sb://evhns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0")]
    public void A_connection_string_in_an_app_setting_is_detected(string connectionString)
    {
        var template = infra.TemplateCopy();

        Settings(template)["AzureWebJobsStorage"] = connectionString;

        Assert.NotEmpty(InfraChecks.CredentialSettingProblems(template));
    }

    [Fact]
    public void A_module_output_carrying_a_key_into_an_app_setting_is_detected()
    {
        var template = infra.TemplateCopy();
        var storage = ArmTemplate.Resources(TemplateScope.Root(template))
            .Single(r => r.Type == ArmTemplate.DeploymentType && r.Name == "storage");

        storage.Node["properties"]!["template"]!["outputs"]!["blobServiceUri"]!["value"] =
            "[format('BlobEndpoint={0};AccountKey={1}', 'https://st.blob.core.windows.net/', 'c2VjcmV0')]";

        var problem = Assert.Single(InfraChecks.CredentialSettingProblems(template));
        Assert.Contains("Segments__Storage__BlobServiceUri", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_token_secret_in_an_app_setting_is_detected()
    {
        var template = infra.TemplateCopy();

        Settings(template)["Segments__Tokens__Secret"] = "[parameters('tokenSecret')]";

        Assert.Contains(InfraChecks.CredentialSettingProblems(template), p => p.Contains("tokenSecret", StringComparison.Ordinal));
    }

    [Fact]
    public void A_secret_reaching_a_setting_through_a_module_output_is_detected()
    {
        var template = infra.TemplateCopy();

        // The setting stays format('@Microsoft.KeyVault(SecretUri={0}/)', <output>): only the output changes.
        Output(template, "keyvault", "apiKeySecretUri")["value"] = "[parameters('apiKey')]";

        Assert.Contains(InfraChecks.CredentialSettingProblems(template), p => p.Contains("Segments__Tenants__0__ApiKey", StringComparison.Ordinal));
        Assert.Contains(InfraChecks.SecretOutputProblems(template), p => p.Contains("apiKey", StringComparison.Ordinal));
    }

    [Fact]
    public void An_output_computed_from_a_secret_is_detected()
    {
        var template = infra.TemplateCopy();

        template["outputs"]!["leak"] = new JsonObject
        {
            ["type"] = "string",
            ["value"] = "[format('{0}-{1}', variables('tenant'), parameters('tokenSecret'))]",
        };

        Assert.Contains(InfraChecks.SecretOutputProblems(template), p => p.Contains("tokenSecret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[parameters('pixelKey')]")] // a plain value
    [InlineData("[format('@Microsoft.KeyVault(SecretUri={0}/)', 'https://kv-other.vault.azure.net/secrets/tenant-api-key')]")] // a vault of someone else
    public void A_tenant_secret_setting_that_is_not_a_reference_to_its_secret_is_detected(string value)
    {
        var template = infra.TemplateCopy();

        Settings(template)["Segments__Tenants__0__ApiKey"] = value;

        Assert.NotEmpty(InfraChecks.KeyVaultReferenceProblems(template, "Segments__Tenants__0__ApiKey", "apiKey"));
    }

    [Fact]
    public void A_reference_pinned_to_one_secret_version_is_detected()
    {
        var template = infra.TemplateCopy();
        var output = Output(template, "keyvault", "tokenSecretUri");

        output["value"] = ArmTemplate.Text(output["value"]).Replace(".secretUri]", ".secretUriWithVersion]", StringComparison.Ordinal);

        Assert.NotEmpty(InfraChecks.KeyVaultReferenceProblems(template, "Segments__Tenants__0__TokenSecret", "tokenSecret"));
    }

    [Fact]
    public void A_reference_to_the_secret_of_the_other_parameter_is_detected()
    {
        Assert.NotEmpty(InfraChecks.KeyVaultReferenceProblems(infra.Template, "Segments__Tenants__0__ApiKey", "tokenSecret"));
    }

    [Fact]
    public void Settings_deployed_without_waiting_for_the_secrets_role_are_detected()
    {
        var template = infra.TemplateCopy();
        var settings = Assert.Single(ArmTemplate.Resources(template, ArmTemplate.DeploymentType), r => r.Name == "appsettings");

        settings.Node["dependsOn"] = new JsonArray("functionApp", "keyVault");

        Assert.NotEmpty(InfraChecks.SettingsBeforeSecretsRoleProblems(template));
    }

    [Fact]
    public void A_list_setting_not_expanded_to_items_is_detected()
    {
        var template = infra.TemplateCopy();
        // The app settings: the one sites/config named appsettings (authsettingsV2 is the other, with Entra ID).
        var config = Assert.Single(ArmTemplate.Resources(template, "Microsoft.Web/sites/config"), r => r.Name.Contains("appsettings", StringComparison.Ordinal));
        var variables = config.Scope.Template["variables"]!.AsObject();

        // The list itself as the value of one setting: the binder reads no item from it.
        variables["allSettings"] = "[union(parameters('appSettings'), parameters('listSettings'))]";

        Assert.Empty(InfraChecks.ListSettings(template));
    }

    [Fact]
    public void A_missing_setting_is_detected()
    {
        var template = infra.TemplateCopy();

        Settings(template).Remove("Segments__Cosmos__Endpoint");

        var problem = Assert.Single(InfraChecks.MissingSettings(template, infra.SettingNames));
        Assert.Contains("Segments__Cosmos__Endpoint", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_setting_missing_from_the_canonical_list_is_detected()
    {
        var template = infra.TemplateCopy();

        Settings(template)["Segments__Cosmos__PreferredRegions"] = "westeurope";

        Assert.Single(InfraChecks.UnlistedSettings(template, infra.SettingNames));
    }

    [Fact]
    public void Warnings_in_bicep_output_are_problems()
    {
        var run = new BicepRun("bicep build x.bicep", 0, "{}",
            "/tmp/x.bicep(3,5) : Warning BCP037: The property \"sku\" is not allowed on objects of type \"X\".\n");

        Assert.Single(run.Problems());
        Assert.Equal(["BCP037"], BicepCli.DiagnosticCodes(run.StdErr));
        Assert.Single(new BicepRun("bicep lint x.bicep", 0, "x.bicep(1,1) : Warning no-unused-params: p", "").Problems(stdoutIsDiagnostics: true));
        Assert.Single(new BicepRun("bicep build x.bicep", 1, "", "").Problems());
    }

    /// <summary>The object of single-valued app settings the Function App gets, in <paramref name="template"/> (a copy).</summary>
    private static JsonObject Settings(JsonObject template)
    {
        var settings = Assert.Single(ArmTemplate.Resources(template, ArmTemplate.DeploymentType), r => r.Name == "appsettings");
        return Assert.IsType<JsonObject>(settings.Properties?["parameters"]?["appSettings"]?["value"]);
    }

    /// <summary>The declaration of output <paramref name="output"/> of module deployment <paramref name="module"/>, in <paramref name="template"/> (a copy).</summary>
    private static JsonObject Output(JsonObject template, string module, string output)
    {
        var deployment = Assert.Single(ArmTemplate.Resources(template, ArmTemplate.DeploymentType), r => r.Name == module);
        return Assert.IsType<JsonObject>(deployment.Properties?["template"]?["outputs"]?[output]);
    }

    private static void Remove(JsonObject resource)
    {
        switch (resource.Parent)
        {
            case JsonArray array:
                array.Remove(resource);
                break;
            case JsonObject symbolic:
                symbolic.Remove(symbolic.Single(p => p.Value == resource).Key);
                break;
            default:
                throw new InvalidOperationException("The resource is not in a resources list.");
        }
    }
}

using System.Text.Json.Nodes;

namespace Segments.Infra.Tests;

/// <summary>The resources have the shape the application relies on.</summary>
[Collection(InfraCollection.Name)]
public sealed class ResourceTests(InfraFixture infra)
{
    [Fact]
    public void Cosmos_contacts_container_is_partitioned_on_tenant_then_contact()
    {
        var containers = ArmTemplate.Resources(infra.Template, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers")
            .Where(r => Value(r, r.Properties?["resource"]?["id"]) == "contacts")
            .ToList();

        var resource = Assert.Single(containers);
        var partitionKey = ArmTemplate.Resolve(resource.Properties?["resource"]?["partitionKey"], resource.Scope).Node;
        var expected = JsonNode.Parse("""{ "paths": ["/tenantId", "/contactId"], "kind": "MultiHash", "version": 2 }""");
        Assert.True(JsonNode.DeepEquals(expected, partitionKey), $"partitionKey of contacts is {partitionKey?.ToJsonString()}.");
    }

    [Fact]
    public void Cosmos_has_no_container_besides_contacts()
    {
        // Memberships, drips, triggers and reports live in Table storage: any other container is read by
        // nothing and only costs provisioned throughput.
        var names = ArmTemplate.Resources(infra.Template, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers")
            .Select(r => Value(r, r.Properties?["resource"]?["id"]))
            .ToList();

        Assert.Equal(["contacts"], names);
    }

    [Fact]
    public void Cosmos_database_is_segments_on_a_nosql_account()
    {
        var database = Assert.Single(ArmTemplate.Resources(infra.Template, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases"));
        var account = Assert.Single(ArmTemplate.Resources(infra.Template, "Microsoft.DocumentDB/databaseAccounts"));

        Assert.Equal("segments", Value(database, database.Properties?["resource"]?["id"]));
        Assert.Equal("GlobalDocumentDB", Value(account, account.Node["kind"]));
        Assert.Null(account.Properties?["capabilities"]); // no MongoDB, Cassandra, Gremlin or Table API
    }

    [Theory]
    [InlineData("audiences")]
    [InlineData("checkpoints")]
    [InlineData("deadletters")]
    public void Blob_container_exists_and_is_private(string container)
    {
        var found = ArmTemplate.Resources(infra.Template, "Microsoft.Storage/storageAccounts/blobServices/containers")
            .Where(r => ArmTemplate.Inline(r.Name, r.Scope).Contains($"'{container}'", StringComparison.Ordinal))
            .ToList();

        var resource = Assert.Single(found);
        Assert.Equal("None", Value(resource, resource.Properties?["publicAccess"]));
    }

    [Fact]
    public void Contact_events_hub_takes_its_partition_count_from_a_parameter_and_has_the_fold_consumer_group()
    {
        var hubs = ArmTemplate.Resources(infra.Template, "Microsoft.EventHub/namespaces/eventhubs").ToList();
        Assert.Equal(2, hubs.Count);
        Assert.Contains(hubs, h => ArmTemplate.Inline(h.Name, h.Scope).Contains("'membership-changes'", StringComparison.Ordinal));
        var hub = Assert.Single(hubs, h => ArmTemplate.Inline(h.Name, h.Scope).Contains("'contact-events'", StringComparison.Ordinal));
        var group = Assert.Single(ArmTemplate.Resources(infra.Template, "Microsoft.EventHub/namespaces/eventhubs/consumergroups"));

        Assert.Contains("'contact-events'", ArmTemplate.Inline(hub.Name, hub.Scope), StringComparison.Ordinal);
        Assert.Contains("'fold'", ArmTemplate.Inline(group.Name, group.Scope), StringComparison.Ordinal);
        var partitions = ArmTemplate.Resolve(hub.Properties?["partitionCount"], hub.Scope);
        Assert.Null(partitions.Scope.Parent); // a parameter of main.bicep
        var parameter = Assert.Single(ArmTemplate.ParametersRead(partitions.Expression ?? ""));
        Assert.Equal("int", ArmTemplate.Text(infra.Template["parameters"]?[parameter]?["type"]));
    }

    [Fact]
    public void Function_app_runs_dotnet_10_isolated_on_linux_with_a_system_assigned_identity()
    {
        var site = Assert.Single(InfraChecks.FunctionApps(infra.Template));

        Assert.Contains("linux", ArmTemplate.Text(site.Node["kind"]), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("DOTNET-ISOLATED|10.0", Value(site, site.Properties?["siteConfig"]?["linuxFxVersion"]));
        Assert.Equal("SystemAssigned", ArmTemplate.Text(site.Node["identity"]?["type"]));
        Assert.True(ArmTemplate.Resolve(site.Properties?["httpsOnly"], site.Scope).Node?.GetValue<bool>());
    }

    [Fact]
    public void Function_plan_is_elastic_premium_and_keeps_an_instance_running()
    {
        var plan = Assert.Single(ArmTemplate.Resources(infra.Template, "Microsoft.Web/serverfarms"));
        var site = Assert.Single(InfraChecks.FunctionApps(infra.Template));

        Assert.Equal("ElasticPremium", Value(plan, plan.Node["sku"]?["tier"]));
        Assert.Equal("EP1", DefaultOf(ArmTemplate.Resolve(plan.Node["sku"]?["name"], plan.Scope)));
        Assert.True(ArmTemplate.Resolve(plan.Properties?["reserved"], plan.Scope).Node?.GetValue<bool>()); // Linux

        // A consumption plan scales to zero and would stop the hosted Event Hubs consumer.
        var alwaysReady = ArmTemplate.Resolve(site.Properties?["siteConfig"]?["minimumElasticInstanceCount"], site.Scope);
        var parameter = Assert.Single(ArmTemplate.ParametersRead(alwaysReady.Expression ?? ""));
        var declaration = alwaysReady.Scope.Template["parameters"]?[parameter];
        Assert.True(declaration?["minValue"]?.GetValue<int>() >= 1, $"{parameter} may be 0.");
        Assert.True(declaration?["defaultValue"]?.GetValue<int>() >= 1, $"{parameter} defaults to 0.");
    }

    [Fact]
    public void Application_insights_is_workspace_based()
    {
        var component = Assert.Single(ArmTemplate.Resources(infra.Template, "Microsoft.Insights/components"));
        Assert.Single(ArmTemplate.Resources(infra.Template, "Microsoft.OperationalInsights/workspaces"));

        Assert.Contains("Microsoft.OperationalInsights/workspaces", ArmTemplate.Text(component.Properties?["WorkspaceResourceId"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tenant-api-key", "apiKey")]
    [InlineData("tenant-token", "tokenSecret")]
    public void Tenant_secret_is_stored_in_key_vault_from_a_secure_parameter_without_default(string secretName, string parameter)
    {
        var secret = Assert.Single(ArmTemplate.Resources(infra.Template, "Microsoft.KeyVault/vaults/secrets"),
            r => ArmTemplate.Inline(r.Name, r.Scope).Contains($"'{secretName}'", StringComparison.Ordinal));

        var value = ArmTemplate.Resolve(secret.Properties?["value"], secret.Scope);
        Assert.Null(value.Scope.Parent);
        Assert.Equal($"[parameters('{parameter}')]", value.Expression);
        Assert.True(ArmTemplate.IsSecureParameter(value.Scope, parameter), $"{parameter} is not @secure().");
        Assert.Null(infra.Template["parameters"]?[parameter]?["defaultValue"]);
    }

    [Fact]
    public void Key_vault_holds_exactly_the_tenant_secrets()
    {
        Assert.Equal(2, ArmTemplate.Resources(infra.Template, "Microsoft.KeyVault/vaults/secrets").Count());
    }

    /// <summary>A property's value followed back to where it is defined, inlined to a literal where it is one.</summary>
    private static string Value(ArmResource resource, JsonNode? node)
    {
        var resolved = ArmTemplate.Resolve(node, resource.Scope);
        return ArmTemplate.Inline(resolved.Expression ?? resolved.Node?.ToJsonString() ?? "", resolved.Scope);
    }

    /// <summary>The default of the main template's parameter a value ends at, or the value itself.</summary>
    private string? DefaultOf(Resolved resolved) =>
        resolved.Expression is { } e && ArmTemplate.ParametersRead(e).SingleOrDefault() is { } p && resolved.Scope.Parent is null
            ? infra.Template["parameters"]?[p]?["defaultValue"]?.GetValue<string>()
            : resolved.Expression;
}

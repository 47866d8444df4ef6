namespace Segments.Infra.Tests;

/// <summary>The compiled template grants access by identity only: no key is read, handed out or left enabled.</summary>
[Collection(InfraCollection.Name)]
public sealed class SecurityTests(InfraFixture infra)
{
    public static TheoryData<string> Roles() => new(InfraChecks.AppRoles.Select(r => r.Name));

    [Fact]
    public void Template_never_reads_keys_or_connection_strings()
    {
        Assert.Empty(InfraChecks.KeyReadingProblems(infra.Template));
    }

    [Fact]
    public void App_settings_carry_no_credential_or_secret()
    {
        Assert.Empty(InfraChecks.CredentialSettingProblems(infra.Template));
    }

    [Fact]
    public void No_output_carries_a_secret()
    {
        Assert.Empty(InfraChecks.SecretOutputProblems(infra.Template));
    }

    [Fact]
    public void Storage_account_disallows_shared_key_and_plain_http()
    {
        Assert.Empty(InfraChecks.StorageProblems(infra.Template));
    }

    [Fact]
    public void Cosmos_account_disables_local_auth()
    {
        Assert.Empty(InfraChecks.CosmosProblems(infra.Template));
    }

    [Fact]
    public void Event_hubs_namespace_disables_local_auth()
    {
        Assert.Empty(InfraChecks.EventHubsProblems(infra.Template));
    }

    [Fact]
    public void Key_vault_uses_rbac_authorization()
    {
        Assert.Empty(InfraChecks.KeyVaultProblems(infra.Template));
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public void Function_app_identity_holds_role(string role)
    {
        Assert.Empty(InfraChecks.MissingRoles(infra.Template, InfraChecks.AppRoles.Where(r => r.Name == role)));
    }

    [Fact]
    public void Function_app_identity_is_cosmos_built_in_data_contributor()
    {
        Assert.Empty(InfraChecks.CosmosDataRoleProblems(infra.Template));
    }

    [Fact]
    public void Every_role_assignment_is_for_the_function_app_identity()
    {
        var grants = InfraChecks.RoleGrants(infra.Template, InfraChecks.RoleAssignmentType)
            .Concat(InfraChecks.RoleGrants(infra.Template, InfraChecks.CosmosRoleAssignmentType))
            .ToList();

        // Each app role once, Event Hubs Data Sender once more (contact-events and membership-changes), and the Cosmos data role.
        Assert.Equal(InfraChecks.AppRoles.Count + 2, grants.Count);
        Assert.All(grants, g => Assert.True(InfraChecks.IsFunctionAppIdentity(g.Principal), $"{g.Resource} is for {g.Principal.Expression}."));
    }
}

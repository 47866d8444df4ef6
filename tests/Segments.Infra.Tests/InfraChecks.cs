using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Segments.Infra.Tests;

/// <summary>An Azure RBAC role the Function App's identity must hold, and on what kind of resource.</summary>
public sealed record ExpectedRole(string Name, string RoleDefinitionId, string ScopeType)
{
    public override string ToString() => Name;
}

/// <summary>A role assignment found in the compiled template, its expressions followed and inlined.</summary>
public sealed record RoleGrant(ArmResource Resource, string RoleDefinition, string Scope, Resolved Principal);

/// <summary>
/// The checks of the compiled template. Each returns the problems it finds (empty when all is
/// well), so the tests can assert both that the real template passes and that a broken copy of it
/// does not.
/// </summary>
public static partial class InfraChecks
{
    /// <summary>
    /// Built-in role definitions, verified against Microsoft's list of Azure built-in roles; the
    /// GUIDs are the same in every Azure tenant.
    /// </summary>
    public static readonly IReadOnlyList<ExpectedRole> AppRoles =
    [
        new("Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts"),
        new("Storage Queue Data Contributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts"),
        new("Storage Table Data Contributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts"),
        new("Azure Event Hubs Data Sender", "2b629674-e913-4c01-ae53-ef4638d8f975", "Microsoft.EventHub/namespaces"),
        new("Azure Event Hubs Data Receiver", "a638d3c7-ab3a-418d-83e6-5f17a39d4fde", "Microsoft.EventHub/namespaces"),
        new("Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults"),
    ];

    /// <summary>Cosmos DB Built-in Data Contributor, a data-plane role definition of every account.</summary>
    public const string CosmosDataContributor = "00000000-0000-0000-0000-000000000002";

    public const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";
    public const string CosmosRoleAssignmentType = "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments";

    // Fragments that only a credential carries: storage and Event Hubs/Service Bus connection strings, SAS tokens.
    private static readonly string[] CredentialMarkers = ["AccountKey=", "SharedAccessKey", "SharedAccessSignature", "sig="];

    // ---- keys -------------------------------------------------------------------------------

    /// <summary>Any list* function (listKeys, listConnectionStrings, listAccountSas...) reads a credential.</summary>
    public static IReadOnlyList<string> KeyReadingProblems(JsonNode compiled)
    {
        var problems = new List<string>();
        var raw = compiled.ToJsonString();
        foreach (var name in new[] { "listKeys", "listConnectionStrings" })
        {
            if (raw.Contains(name, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"The template contains {name}.");
            }
        }

        problems.AddRange(ArmTemplate.Strings(compiled)
            .Where(s => ArmTemplate.IsExpression(s) && ListFunction().IsMatch(s))
            .Select(s => $"An expression reads a credential with a list* function: {s}"));
        return problems;
    }

    // ---- app settings -----------------------------------------------------------------------

    /// <summary>The Function Apps: sites whose kind says functionapp.</summary>
    public static IReadOnlyList<ArmResource> FunctionApps(JsonObject main) =>
        ArmTemplate.Resources(main, "Microsoft.Web/sites")
            .Where(r => ArmTemplate.Text(r.Node["kind"]).Contains("functionapp", StringComparison.OrdinalIgnoreCase))
            .ToList();

    /// <summary>
    /// The app settings of the Function Apps, name to value (followed back to where it is
    /// defined), from Microsoft.Web/sites/config 'appsettings' and from siteConfig.appSettings.
    /// </summary>
    public static IReadOnlyDictionary<string, Resolved> AppSettings(JsonObject main)
    {
        var settings = new Dictionary<string, Resolved>(StringComparer.Ordinal);
        foreach (var config in ArmTemplate.Resources(main, "Microsoft.Web/sites/config")
                     .Where(r => r.Name.Contains("appsettings", StringComparison.OrdinalIgnoreCase)))
        {
            var properties = ArmTemplate.Resolve(config.Properties, config.Scope);
            if (properties.Node is JsonObject values)
            {
                foreach (var (name, value) in values)
                {
                    settings[name] = new Resolved(value, properties.Scope);
                }
            }
        }

        foreach (var site in FunctionApps(main))
        {
            var list = ArmTemplate.Resolve(site.Properties?["siteConfig"]?["appSettings"], site.Scope);
            foreach (var entry in (list.Node as JsonArray ?? []).OfType<JsonObject>())
            {
                if (ArmTemplate.Resolve(entry["name"], list.Scope).Expression is { } name)
                {
                    settings[name] = new Resolved(entry["value"], list.Scope);
                }
            }
        }

        return settings;
    }

    public static IReadOnlyList<string> MissingSettings(JsonObject main, IEnumerable<string> names)
    {
        var defined = AppSettings(main);
        return names.Where(n => !defined.ContainsKey(n))
            .Select(n => $"The Function App has no app setting {n}.")
            .ToList();
    }

    /// <summary>Application settings (Segments__*) that the canonical list does not name.</summary>
    public static IReadOnlyList<string> UnlistedSettings(JsonObject main, IEnumerable<string> names)
    {
        var listed = names.ToHashSet(StringComparer.Ordinal);
        return AppSettings(main).Keys
            .Where(n => n.StartsWith("Segments__", StringComparison.Ordinal) && !listed.Contains(n))
            .Select(n => $"App setting {n} is not in infra/app-settings.json.")
            .ToList();
    }

    /// <summary>Settings whose value is, or is computed from, a credential or a secure parameter.</summary>
    public static IReadOnlyList<string> CredentialSettingProblems(JsonObject main)
    {
        var problems = new List<string>();
        foreach (var (name, value) in AppSettings(main))
        {
            foreach (var step in ArmTemplate.Chain(value.Node, value.Scope))
            {
                foreach (var text in ArmTemplate.Strings(step.Node))
                {
                    problems.AddRange(CredentialMarkers
                        .Where(marker => text.Contains(marker, StringComparison.OrdinalIgnoreCase))
                        .Select(marker => $"App setting {name} carries a credential ({marker}): {text}"));
                    if (ArmTemplate.IsExpression(text) && ListFunction().IsMatch(text))
                    {
                        problems.Add($"App setting {name} reads a credential with a list* function: {text}");
                    }

                    problems.AddRange(ArmTemplate.ParametersRead(text)
                        .Where(p => ArmTemplate.IsSecureParameter(step.Scope, p))
                        .Select(p => $"App setting {name} carries the secure parameter {p} of {step.Scope.Path}."));
                }
            }
        }

        return problems.Distinct().ToList();
    }

    // ---- identity and roles -----------------------------------------------------------------

    /// <summary>Whether <paramref name="principal"/> is the system-assigned identity of a Function App of the template.</summary>
    public static bool IsFunctionAppIdentity(Resolved principal)
    {
        if (principal.Expression is not { } expression || SiteIdentity().Match(expression) is not { Success: true } match)
        {
            return false;
        }

        var siteName = "[" + match.Groups["name"].Value + "]";
        return ArmTemplate.Resources(principal.Scope)
            .Where(r => r.Scope == principal.Scope)
            .Any(r => r.Type.Equals("Microsoft.Web/sites", StringComparison.OrdinalIgnoreCase)
                && r.Name == siteName
                && ArmTemplate.Text(r.Node["kind"]).Contains("functionapp", StringComparison.OrdinalIgnoreCase)
                && ArmTemplate.Text(r.Node["identity"]?["type"]).Contains("SystemAssigned", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Azure RBAC role assignments and Cosmos DB SQL role assignments of the template.</summary>
    public static IReadOnlyList<RoleGrant> RoleGrants(JsonObject main, string type) =>
        ArmTemplate.Resources(main, type)
            .Select(r =>
            {
                var roleDefinition = ArmTemplate.Inline(ArmTemplate.Text(r.Properties?["roleDefinitionId"]), r.Scope);
                var scope = type == RoleAssignmentType
                    ? ArmTemplate.Inline(ArmTemplate.Text(r.Node["scope"]), r.Scope)
                    : ArmTemplate.Inline(ArmTemplate.Text(r.Properties?["scope"]), r.Scope);
                return new RoleGrant(r, roleDefinition, scope, ArmTemplate.Resolve(r.Properties?["principalId"], r.Scope));
            })
            .ToList();

    /// <summary>Roles the Function App's identity does not hold on the kind of resource they are for.</summary>
    public static IReadOnlyList<string> MissingRoles(JsonObject main, IEnumerable<ExpectedRole> roles)
    {
        var grants = RoleGrants(main, RoleAssignmentType);
        return roles
            .Where(role => !grants.Any(g =>
                g.RoleDefinition.Contains($"'{role.RoleDefinitionId}'", StringComparison.OrdinalIgnoreCase)
                && g.Scope.Contains(role.ScopeType, StringComparison.OrdinalIgnoreCase)
                && IsFunctionAppIdentity(g.Principal)))
            .Select(role => $"The Function App's identity lacks {role.Name} ({role.RoleDefinitionId}) on a {role.ScopeType}.")
            .ToList();
    }

    public static IReadOnlyList<string> CosmosDataRoleProblems(JsonObject main)
    {
        var granted = RoleGrants(main, CosmosRoleAssignmentType).Any(g =>
            (g.RoleDefinition.Contains($"/sqlRoleDefinitions/{CosmosDataContributor}", StringComparison.OrdinalIgnoreCase)
                || g.RoleDefinition.Contains($"'{CosmosDataContributor}'", StringComparison.OrdinalIgnoreCase))
            && g.Scope.Contains("Microsoft.DocumentDB/databaseAccounts", StringComparison.OrdinalIgnoreCase)
            && IsFunctionAppIdentity(g.Principal));
        return granted
            ? []
            : [$"No sqlRoleAssignment gives the Function App's identity the Cosmos DB Built-in Data Contributor ({CosmosDataContributor}) on the account."];
    }

    // ---- local authentication ---------------------------------------------------------------

    public static IReadOnlyList<string> StorageProblems(JsonObject main) =>
        Require(main, "Microsoft.Storage/storageAccounts",
            ("allowSharedKeyAccess", JsonValue.Create(false)),
            ("supportsHttpsTrafficOnly", JsonValue.Create(true)),
            ("minimumTlsVersion", JsonValue.Create("TLS1_2")),
            ("allowBlobPublicAccess", JsonValue.Create(false)));

    public static IReadOnlyList<string> CosmosProblems(JsonObject main) =>
        Require(main, "Microsoft.DocumentDB/databaseAccounts", ("disableLocalAuth", JsonValue.Create(true)));

    public static IReadOnlyList<string> EventHubsProblems(JsonObject main) =>
        Require(main, "Microsoft.EventHub/namespaces", ("disableLocalAuth", JsonValue.Create(true)));

    public static IReadOnlyList<string> KeyVaultProblems(JsonObject main) =>
        Require(main, "Microsoft.KeyVault/vaults", ("enableRbacAuthorization", JsonValue.Create(true)));

    /// <summary>
    /// Every resource of <paramref name="type"/> sets each property to the value (an absent
    /// property is the service default, which is the permissive one for all of these).
    /// </summary>
    private static IReadOnlyList<string> Require(JsonObject main, string type, params (string Property, JsonNode Expected)[] rules)
    {
        var resources = ArmTemplate.Resources(main, type).ToList();
        if (resources.Count == 0)
        {
            return [$"The template deploys no {type}."];
        }

        var problems = new List<string>();
        foreach (var resource in resources)
        {
            foreach (var (property, expected) in rules)
            {
                var actual = ArmTemplate.Resolve(resource.Properties?[property], resource.Scope).Node;
                if (!JsonNode.DeepEquals(actual, expected))
                {
                    problems.Add($"{resource}: properties.{property} is {actual?.ToJsonString() ?? "not set"}, expected {expected.ToJsonString()}.");
                }
            }
        }

        return problems;
    }

    [GeneratedRegex(@"\blist[A-Za-z]*\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex ListFunction();

    [GeneratedRegex(@"^\[reference\(resourceId\('Microsoft\.Web/sites', (?<name>.+?)\), '[^']+', 'full'\)\.identity\.principalId\]$", RegexOptions.IgnoreCase)]
    private static partial Regex SiteIdentity();
}

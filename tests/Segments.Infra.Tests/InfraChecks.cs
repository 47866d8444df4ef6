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
            foreach (var (name, value) in SettingsObject(config.Properties, config.Scope) ?? new Dictionary<string, Resolved>())
            {
                settings[name] = value;
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

    /// <summary>
    /// The settings an object of settings stands for, name to value: a JSON object, a union(...) of such objects,
    /// or __bicep.expandLists(x) (modules/settinglists.bicep), which stands for the lists of x under their own names
    /// (the app gets item i of list n as n__i). Null for any other shape, so that it defines no setting.
    /// </summary>
    public static IReadOnlyDictionary<string, Resolved>? SettingsObject(JsonNode? node, TemplateScope scope)
    {
        var resolved = ArmTemplate.Resolve(node, scope);
        if (resolved.Node is JsonObject values)
        {
            return values.ToDictionary(p => p.Key, p => new Resolved(p.Value, resolved.Scope), StringComparer.Ordinal);
        }

        if (resolved.Expression is not { } expression)
        {
            return null;
        }

        if (ArmTemplate.CallArguments(expression, ExpandListsFunction) is [var lists])
        {
            return SettingsObject(JsonValue.Create($"[{lists}]"), resolved.Scope);
        }

        if (ArmTemplate.CallArguments(expression, "union") is not { Count: > 0 } parts)
        {
            return null;
        }

        var merged = new Dictionary<string, Resolved>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            if (SettingsObject(JsonValue.Create($"[{part}]"), resolved.Scope) is not { } partSettings)
            {
                return null;
            }

            foreach (var (name, value) in partSettings)
            {
                merged[name] = value;
            }
        }

        return merged;
    }

    /// <summary>The user-defined function of modules/settinglists.bicep as the compiled template calls it.</summary>
    public const string ExpandListsFunction = "__bicep.expandLists";

    /// <summary>The settings of the Function Apps that are lists: each is passed through <see cref="ExpandListsFunction"/>.</summary>
    public static IReadOnlyDictionary<string, Resolved> ListSettings(JsonObject main)
    {
        var lists = new Dictionary<string, Resolved>(StringComparer.Ordinal);
        foreach (var config in ArmTemplate.Resources(main, "Microsoft.Web/sites/config")
                     .Where(r => r.Name.Contains("appsettings", StringComparison.OrdinalIgnoreCase)))
        {
            var properties = ArmTemplate.Resolve(config.Properties, config.Scope);
            foreach (var part in ArmTemplate.CallArguments(properties.Expression ?? "", "union") ?? [])
            {
                if (ArmTemplate.CallArguments(part, ExpandListsFunction) is [var argument]
                    && SettingsObject(JsonValue.Create($"[{argument}]"), properties.Scope) is { } found)
                {
                    foreach (var (name, value) in found)
                    {
                        lists[name] = value;
                    }
                }
            }
        }

        return lists;
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
            foreach (var (text, scope) in ArmTemplate.Reached(value.Node, value.Scope))
            {
                problems.AddRange(CredentialMarkers
                    .Where(marker => text.Contains(marker, StringComparison.OrdinalIgnoreCase))
                    .Select(marker => $"App setting {name} carries a credential ({marker}): {text}"));
                if (ArmTemplate.IsExpression(text) && ListFunction().IsMatch(text))
                {
                    problems.Add($"App setting {name} reads a credential with a list* function: {text}");
                }

                problems.AddRange(SecureParametersRead(text, scope)
                    .Select(p => $"App setting {name} carries the secure parameter {p} of {scope.Path}."));
            }
        }

        return problems.Distinct().ToList();
    }

    /// <summary>Outputs of any template (the main one or a module's) whose value is computed from a secure parameter.</summary>
    public static IReadOnlyList<string> SecretOutputProblems(JsonObject main)
    {
        var root = TemplateScope.Root(main);
        var scopes = ArmTemplate.Resources(root)
            .Where(r => r.Type.Equals(ArmTemplate.DeploymentType, StringComparison.OrdinalIgnoreCase) && r.Properties?["template"] is JsonObject)
            .Select(r => r.Scope.Nested(r.Node))
            .Prepend(root);
        var problems = new List<string>();
        foreach (var scope in scopes)
        {
            foreach (var (output, declaration) in scope.Template["outputs"] as JsonObject ?? [])
            {
                problems.AddRange(ArmTemplate.Reached(declaration?["value"], scope)
                    .SelectMany(r => SecureParametersRead(r.Text, r.Scope).Select(p => $"Output {output} of {scope.Path} carries the secure parameter {p} of {r.Scope.Path}.")));
            }
        }

        return problems.Distinct().ToList();
    }

    private static IEnumerable<string> SecureParametersRead(string text, TemplateScope scope) =>
        ArmTemplate.IsExpression(text)
            ? ArmTemplate.ParametersRead(text).Where(p => ArmTemplate.IsSecureParameter(scope, p))
            : [];

    /// <summary>
    /// What keeps <paramref name="setting"/> from being a Key Vault reference (@Microsoft.KeyVault(SecretUri=...))
    /// to the latest version of a secret of the template whose value is <paramref name="secureParameter"/>, a
    /// secure parameter of the main template without a default.
    /// </summary>
    public static IReadOnlyList<string> KeyVaultReferenceProblems(JsonObject main, string setting, string secureParameter)
    {
        if (!AppSettings(main).TryGetValue(setting, out var value))
        {
            return [$"The Function App has no app setting {setting}."];
        }

        var resolved = ArmTemplate.Resolve(value.Node, value.Scope);
        if (ArmTemplate.CallArguments(resolved.Expression ?? "", "format") is not [KeyVaultReferenceFormat, var uriArgument])
        {
            return [$"App setting {setting} is not a Key Vault reference: {resolved.Node?.ToJsonString()}"];
        }

        var uri = ArmTemplate.Resolve(JsonValue.Create($"[{uriArgument}]"), resolved.Scope);
        if (SecretUri().Match(uri.Expression ?? "") is not { Success: true } match)
        {
            return [$"App setting {setting} references {uri.Expression}, not the versionless secretUri of a secret of the template."];
        }

        var secretName = $"[format('{{0}}/{{1}}', {match.Groups["vault"].Value}, {match.Groups["secret"].Value})]";
        var secret = ArmTemplate.Resources(uri.Scope)
            .FirstOrDefault(r => r.Scope == uri.Scope && r.Type.Equals("Microsoft.KeyVault/vaults/secrets", StringComparison.OrdinalIgnoreCase) && r.Name == secretName);
        if (secret is null)
        {
            return [$"App setting {setting} references a secret {secretName} that {uri.Scope.Path} does not deploy."];
        }

        var secretValue = ArmTemplate.Resolve(secret.Properties?["value"], secret.Scope);
        var root = TemplateScope.Root(main);
        return secretValue.Scope.Parent is null
            && secretValue.Expression == $"[parameters('{secureParameter}')]"
            && ArmTemplate.IsSecureParameter(root, secureParameter)
            && main["parameters"]?[secureParameter]?["defaultValue"] is null
                ? []
                : [$"The secret {setting} references holds {secretValue.Expression} of {secretValue.Scope.Path}, not the secure parameter {secureParameter} of main without a default."];
    }

    // The secret's URI without a version, closed with '/' as App Service's examples of a versionless reference are.
    private const string KeyVaultReferenceFormat = "'@Microsoft.KeyVault(SecretUri={0}/)'";

    /// <summary>
    /// Deployments of app settings that do not wait for the Key Vault Secrets User role of the app's identity:
    /// their Key Vault references would fail to resolve on the app's first start.
    /// </summary>
    public static IReadOnlyList<string> SettingsBeforeSecretsRoleProblems(JsonObject main)
    {
        var role = AppRoles.Single(r => r.Name == "Key Vault Secrets User");
        var grants = RoleGrants(main, RoleAssignmentType)
            .Where(g => g.RoleDefinition.Contains($"'{role.RoleDefinitionId}'", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (grants.Count == 0)
        {
            return ["No role assignment gives Key Vault Secrets User."];
        }

        var problems = new List<string>();
        foreach (var config in ArmTemplate.Resources(main, "Microsoft.Web/sites/config")
                     .Where(r => r.Name.Contains("appsettings", StringComparison.OrdinalIgnoreCase)))
        {
            foreach (var grant in grants)
            {
                // The outermost deployments that hold each of them, in the template that holds both.
                var (waiting, awaited) = Siblings(config.Node, config.Scope, grant.Resource.Node, grant.Resource.Scope);
                if (waiting is null || awaited is null || !DependsOn(waiting, awaited))
                {
                    problems.Add($"{config} does not wait for {grant.Resource}.");
                }
            }
        }

        return problems;
    }

    private static (JsonObject? Waiting, JsonObject? Awaited) Siblings(JsonObject a, TemplateScope aScope, JsonObject b, TemplateScope bScope)
    {
        var aChain = Ancestry(a, aScope);
        var bChain = Ancestry(b, bScope);
        // Both chains start in the main template; the first pair that differs are siblings in one template.
        for (var i = 0; i < Math.Min(aChain.Count, bChain.Count); i++)
        {
            if (aChain[i] != bChain[i])
            {
                return (aChain[i], bChain[i]);
            }
        }

        return (null, null);
    }

    /// <summary>The resource and the deployments that hold it, outermost first.</summary>
    private static List<JsonObject> Ancestry(JsonObject resource, TemplateScope scope)
    {
        var chain = new List<JsonObject> { resource };
        for (var s = scope; s.Deployment is not null; s = s.Parent!)
        {
            chain.Insert(0, s.Deployment);
        }

        return chain;
    }

    /// <summary>Whether <paramref name="waiting"/> lists <paramref name="awaited"/> (a sibling) in its dependsOn, by symbolic name or by resourceId.</summary>
    private static bool DependsOn(JsonObject waiting, JsonObject awaited)
    {
        var symbol = awaited.Parent is JsonObject ? awaited.GetPropertyName() : null;
        var name = ArmTemplate.Text(awaited["name"]);
        return ArmTemplate.Strings(waiting["dependsOn"]).Any(d =>
            d == symbol || (d.Contains(ArmTemplate.Text(awaited["type"]), StringComparison.OrdinalIgnoreCase) && d.Contains($"'{name}'", StringComparison.Ordinal)));
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

    [GeneratedRegex(@"^\[reference\(resourceId\('Microsoft\.KeyVault/vaults/secrets', (?<vault>.+), (?<secret>[^,]+)\), '[^']+'\)\.secretUri\]$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretUri();

    [GeneratedRegex(@"\blist[A-Za-z]*\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex ListFunction();

    [GeneratedRegex(@"^\[reference\(resourceId\('Microsoft\.Web/sites', (?<name>.+?)\), '[^']+', 'full'\)\.identity\.principalId\]$", RegexOptions.IgnoreCase)]
    private static partial Regex SiteIdentity();
}

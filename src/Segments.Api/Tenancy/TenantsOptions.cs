using Microsoft.Extensions.Options;
using Segments.Core.Tenancy;

namespace Segments.Api.Tenancy;

/// <summary>The tenants of section <c>Segments:Tenants</c> (bound from <c>Segments</c>).</summary>
public sealed class TenantsOptions
{
    public const string Section = "Segments";

    public List<TenantSettings> Tenants { get; set; } = [];
}

/// <summary>Checked at start-up: a bad tenant list stops the app instead of refusing callers later.</summary>
public sealed class TenantsOptionsValidation : IValidateOptions<TenantsOptions>
{
    public ValidateOptionsResult Validate(string? name, TenantsOptions options) =>
        ConfiguredTenantDirectory.Validate(options.Tenants) is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(problems)
            : ValidateOptionsResult.Success;
}

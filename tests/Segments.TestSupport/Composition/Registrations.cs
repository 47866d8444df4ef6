using Microsoft.Extensions.DependencyInjection;

namespace Segments.TestSupport.Composition;

/// <summary>
/// Resolves every service a composition registered, as a host does on first use, so that a factory that throws, a
/// dependency nobody registered or an option that fails its validation shows here rather than on a user's request.
/// </summary>
public static class Registrations
{
    /// <summary>
    /// Each service type of <paramref name="registered"/> (every registration of it, in a scope, as a request sees them) from
    /// <paramref name="provider"/>, which the caller builds with <c>ValidateOnBuild</c> and <c>ValidateScopes</c>;
    /// returns the types resolved. Open generics and keyed services are left to the container's own validation.
    /// </summary>
    public static IReadOnlyList<Type> ResolveEach(IEnumerable<ServiceDescriptor> registered, IServiceProvider provider)
    {
        using var scope = provider.CreateScope();
        var types = registered.Where(d => !d.IsKeyedService && !d.ServiceType.ContainsGenericParameters).Select(d => d.ServiceType).Distinct().ToList();
        foreach (var type in types)
        {
            try
            {
                if (scope.ServiceProvider.GetServices(type).Any(s => s is null))
                {
                    throw new InvalidOperationException($"{type} resolved to null");
                }
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"{type} does not resolve: {e.Message}", e);
            }
        }
        return types;
    }
}

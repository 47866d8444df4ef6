using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Segments.Api.Authentication;

/// <summary>
/// The caller check of the routes for a host that calls the handlers itself instead of through endpoint routing
/// and its authorization middleware (the Functions app): the same schemes (an API key, or an Entra ID principal of
/// App Service Authentication), and the same 401 problem, as <c>segments serve</c>.
/// </summary>
public static class ApiKeyCaller
{
    /// <summary>Runs <paramref name="handle"/> as the tenant of the request's API key, or answers 401.</summary>
    public static async Task<IResult> WithCallerAsync(HttpContext context, Func<CallerTenant, Task<IResult>> handle)
    {
        var result = await context.AuthenticateAsync(CallerAuthentication.Scheme);
        if (!result.Succeeded)
        {
            return TypedResults.Challenge(authenticationSchemes: [ApiKeyAuthenticationHandler.SchemeName]);
        }
        context.User = result.Principal;
        return await handle((await CallerTenant.BindAsync(context))!);
    }
}

/// <summary>How a route group says that it needs an API key.</summary>
public static class ApiKeyRoutes
{
    /// <summary>The API key is required (401 without a known one, 429 after too many failures from one address), and OpenAPI says so.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests);
}

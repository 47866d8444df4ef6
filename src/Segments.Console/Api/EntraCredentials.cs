using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.WebAssembly.Authentication;

namespace Segments.Console.Api;

/// <summary>
/// The console deployed beside the Functions app: the user signs in with Entra ID (OpenID Connect, code flow with
/// PKCE, <c>Entra:*</c> of appsettings.json) and the console sends an access token for the API's scope, which App
/// Service Authentication validates in front of the API.
/// </summary>
public sealed class EntraCredentials : IApiCredentials, IDisposable
{
    private readonly IAccessTokenProvider _tokens;
    private readonly AuthenticationStateProvider _state;
    private readonly NavigationManager _navigation;
    private readonly string _scope;

    public EntraCredentials(IAccessTokenProvider tokens, AuthenticationStateProvider state, NavigationManager navigation, IConfiguration configuration)
    {
        (_tokens, _state, _navigation) = (tokens, state, navigation);
        _scope = configuration["Entra:Scope"] ?? "";
        _state.AuthenticationStateChanged += OnStateChanged;
        _ = RefreshAsync(_state.GetAuthenticationStateAsync());
    }

    public bool IsReady { get; private set; }

    public event Action? Changed;

    public async ValueTask<string?> BearerAsync()
    {
        var result = await _tokens.RequestAccessToken(new AccessTokenRequestOptions { Scopes = [_scope] });
        return result.TryGetToken(out var token) ? token.Value : null;
    }

    public ValueTask SignOutAsync()
    {
        _navigation.NavigateToLogout("authentication/logout");
        return ValueTask.CompletedTask;
    }

    public void SignIn() => _navigation.NavigateToLogin("authentication/login");

    private void OnStateChanged(Task<AuthenticationState> state) => _ = RefreshAsync(state);

    private async Task RefreshAsync(Task<AuthenticationState> state)
    {
        IsReady = (await state).User.Identity?.IsAuthenticated == true;
        Changed?.Invoke();
    }

    public void Dispose() => _state.AuthenticationStateChanged -= OnStateChanged;
}

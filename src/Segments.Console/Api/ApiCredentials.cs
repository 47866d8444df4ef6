using Microsoft.JSInterop;

namespace Segments.Console.Api;

/// <summary>What the console presents to the API as <c>Authorization: Bearer …</c>.</summary>
public interface IApiCredentials
{
    /// <summary>True when the console has something to present (a key entered, a signed-in user).</summary>
    bool IsReady { get; }

    /// <summary>Raised when the console signs in or out.</summary>
    event Action? Changed;

    ValueTask<string?> BearerAsync();

    ValueTask SignOutAsync();
}

/// <summary>
/// The tenant's API key, entered once and kept for the browser session only: in memory and in <c>sessionStorage</c>
/// (gone when the tab closes), never in a URL or <c>localStorage</c>. JavaScript runs in the same thread as .NET in
/// WebAssembly, so the key kept by the tab is read synchronously when the session is created: the console's first
/// render already shows the right screen (sign-in or the console), with no render in between.
/// </summary>
public sealed class ApiKeySession : IApiCredentials
{
    private const string StorageKey = "segments.apiKey";
    private readonly IJSInProcessRuntime _js;
    private string? _key;

    public ApiKeySession(IJSRuntime js)
    {
        _js = (IJSInProcessRuntime)js;
        _key = _js.Invoke<string?>("sessionStorage.getItem", StorageKey);
    }

    public bool IsReady => _key is not null;

    public event Action? Changed;

    public async ValueTask SignInAsync(string key)
    {
        _key = key.Trim();
        await _js.InvokeVoidAsync("sessionStorage.setItem", StorageKey, _key);
        Changed?.Invoke();
    }

    public async ValueTask SignOutAsync()
    {
        _key = null;
        await _js.InvokeVoidAsync("sessionStorage.removeItem", StorageKey);
        Changed?.Invoke();
    }

    public ValueTask<string?> BearerAsync() => ValueTask.FromResult(_key);
}

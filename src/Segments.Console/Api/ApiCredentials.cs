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
/// (gone when the tab closes), never in a URL or <c>localStorage</c>.
/// </summary>
public sealed class ApiKeySession(IJSRuntime js) : IApiCredentials
{
    private const string StorageKey = "segments.apiKey";
    private string? _key;
    private bool _restored;

    public bool IsReady => _key is not null;

    public event Action? Changed;

    public async ValueTask RestoreAsync()
    {
        if (!_restored)
        {
            _restored = true;
            _key = await js.InvokeAsync<string?>("sessionStorage.getItem", StorageKey);
        }
    }

    public async ValueTask SignInAsync(string key)
    {
        _key = key.Trim();
        await js.InvokeVoidAsync("sessionStorage.setItem", StorageKey, _key);
        Changed?.Invoke();
    }

    public async ValueTask SignOutAsync()
    {
        _key = null;
        await js.InvokeVoidAsync("sessionStorage.removeItem", StorageKey);
        Changed?.Invoke();
    }

    public ValueTask<string?> BearerAsync() => ValueTask.FromResult(_key);
}

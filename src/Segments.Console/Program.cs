using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.FluentUI.AspNetCore.Components;
using Microsoft.JSInterop;
using Segments.Console;
using Segments.Console.Api;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");
builder.Services.AddFluentUIComponents();

// Api:BaseUrl is where the API answers: empty when `segments serve` serves the console beside it, the Functions
// app's address when the console is deployed as a static site (infra/).
var apiBase = builder.Configuration["Api:BaseUrl"] is { Length: > 0 } configured ? configured : builder.HostEnvironment.BaseAddress;
// Deployed with Entra:ClientId, users sign in with Entra ID and the console sends their access token (App Service
// Authentication validates it in front of the API); without, as in `segments serve`, the tenant's API key is entered.
var entra = builder.Configuration["Entra:ClientId"] is { Length: > 0 };
if (entra)
{
    builder.Services.AddOidcAuthentication(options =>
    {
        builder.Configuration.Bind("Entra", options.ProviderOptions);
        options.ProviderOptions.ResponseType = "code";
        options.ProviderOptions.DefaultScopes.Add(builder.Configuration["Entra:Scope"]!);
    });
    builder.Services.AddScoped<IApiCredentials, EntraCredentials>();
}
else
{
    builder.Services.AddScoped<ApiKeySession>();
    builder.Services.AddScoped<IApiCredentials>(provider => provider.GetRequiredService<ApiKeySession>());
}
// Scoped like the authentication services they use: in WebAssembly the app's one scope lives as long as the tab.
builder.Services.AddScoped(provider => new SegmentsApiClient(
    new HttpClient { BaseAddress = new Uri(apiBase.EndsWith('/') ? apiBase : apiBase + "/") },
    provider.GetRequiredService<IApiCredentials>()));
builder.Services.AddSingleton(TimeProvider.System);

var host = builder.Build();
if (entra)
{
    // The Entra sign-in's script, which the API key's sign-in does without (it would cost every first load its parse).
    await host.Services.GetRequiredService<IJSRuntime>().InvokeVoidAsync(
        "segmentsConsole.loadScript", "_content/Microsoft.AspNetCore.Components.WebAssembly.Authentication/AuthenticationService.js");
}
await host.RunAsync();

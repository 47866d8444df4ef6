using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.FluentUI.AspNetCore.Components;
using Segments.Console;
using Segments.Console.Api;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");
builder.Services.AddFluentUIComponents();

// Api:BaseUrl is where the API answers: empty when `segments serve` serves the console beside it, the Functions
// app's address when the console is deployed as a static site (infra/).
var apiBase = builder.Configuration["Api:BaseUrl"] is { Length: > 0 } configured ? configured : builder.HostEnvironment.BaseAddress;
builder.Services.AddSingleton<ApiKeySession>();
builder.Services.AddSingleton<IApiCredentials>(provider => provider.GetRequiredService<ApiKeySession>());
builder.Services.AddSingleton(provider => new SegmentsApiClient(
    new HttpClient { BaseAddress = new Uri(apiBase.EndsWith('/') ? apiBase : apiBase + "/") },
    provider.GetRequiredService<IApiCredentials>()));
builder.Services.AddSingleton(TimeProvider.System);

await builder.Build().RunAsync();

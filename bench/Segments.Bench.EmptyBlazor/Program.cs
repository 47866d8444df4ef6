using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Segments.Bench.EmptyBlazor;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
await builder.Build().RunAsync();

using Segments.Cli.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("segments");
    config.AddCommand<EvaluateCommand>("evaluate")
        .WithDescription("Evaluate segments over an offline data set and print one JSON line per segment.")
        .WithExample("evaluate", "--data", "tests/data/seed-audiences", "--as-of", "2026-11-26T12:00:00Z");
    config.AddCommand<ResolveCommand>("resolve")
        .WithDescription("Resolve a send's audience (members minus suppressions and opt-outs) into --out.")
        .WithExample("resolve", "--data", "tests/data/seed-audiences", "--segment", "re-permission", "--list", "newsletter",
            "--as-of", "2026-11-26T12:00:00Z", "--out", "out/re-permission");
    config.AddCommand<ServeCommand>("serve")
        .WithDescription("Run the whole pipeline on this machine: HTTP API and pixel, event stream and fold, stores.")
        .WithExample("serve", "--demo");
    config.AddCommand<DemoCommand>("demo")
        .WithDescription("Build a synthetic tenant through the ingestion path, define the example segments and report their sizes.")
        .WithExample("demo", "--contacts", "100000");
    // Bad arguments are bad input: exit 2 with the reason, like any other invalid input. Written as one plain line
    // (Spectre.Console would wrap it at 80 columns when stderr is not a terminal, splitting paths and commands).
    config.SetExceptionHandler((exception, _) =>
    {
        Console.Error.WriteLine($"error: {exception.Message}");
        return ExitCodes.InvalidInput;
    });
});
return await app.RunAsync(args);

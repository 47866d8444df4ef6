using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.DurableTask;
using Segments.Orchestration;

namespace Segments.Functions.Tests;

/// <summary>The functions.metadata the build writes: what the Functions host will index.</summary>
public sealed partial class MetadataTests
{
    private static readonly JsonArray Functions = JsonNode.Parse(File.ReadAllText(Repository.FunctionsMetadata))!.AsArray();

    [Fact]
    public void Every_route_of_the_http_api_document_is_an_http_function()
    {
        var functions = HttpRoutes();
        var missing = DocumentedRoutes().Where(r => !functions.Contains(r)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void The_http_functions_are_the_routes_of_the_shared_route_table()
    {
        using var services = FunctionsApp.Services();
        Assert.Equal(FunctionsApp.RouteTable(services).Order(), HttpRoutes().Order());
    }

    [Fact]
    public void Every_http_function_is_anonymous_to_the_host_because_the_app_checks_api_keys_itself()
    {
        Assert.All(Triggers("httpTrigger"), t => Assert.Equal("anonymous", (string?)t.Binding["authLevel"], ignoreCase: true));
    }

    [Fact]
    public void The_time_sweep_runs_every_15_seconds_the_daily_report_at_utc_midnight_and_broadcasts_and_lost_jobs_are_resumed_every_minute()
    {
        var timers = Triggers("timerTrigger").ToDictionary(t => t.Function, t => (string?)t.Binding["schedule"]);

        Assert.Equal(new Dictionary<string, string?>
        {
            ["MembershipTimeSweep"] = "*/15 * * * * *",
            ["DailyMembershipReport"] = "0 0 0 * * *",
            ["ResumeBroadcasts"] = "0 * * * * *",
            ["ResumeJobs"] = "0 * * * * *",
        }, timers);
    }

    [Fact]
    public void The_orchestrator_and_every_activity_are_durable_functions_named_after_their_classes()
    {
        var types = typeof(ResolveAudienceOrchestrator).Assembly.GetTypes().Where(t => !t.IsAbstract).ToList();
        var orchestrators = types.Where(t => Derives(t, typeof(TaskOrchestrator<,>))).Select(t => t.Name).Order();
        var activities = types.Where(t => Derives(t, typeof(TaskActivity<,>))).Select(t => t.Name).Order();

        Assert.Equal(["ResolveAudienceOrchestrator", "RunJobOrchestrator"], orchestrators);
        Assert.Equal(orchestrators, Triggers("orchestrationTrigger").Select(t => t.Function).Order());
        Assert.Equal(8, activities.Count());
        Assert.Equal(activities, Triggers("activityTrigger").Select(t => t.Function).Order());
    }

    [Fact]
    public void The_package_tells_the_host_to_load_the_durable_extension()
    {
        var extensions = JsonNode.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(Repository.FunctionsMetadata)!, "extensions.json")))!;
        Assert.Contains("DurableTask", extensions["extensions"]!.AsArray().Select(e => (string?)e!["name"]));
    }

    /// <summary>"METHOD /prefix/route" of every HTTP trigger, under the route prefix of host.json.</summary>
    private static HashSet<string> HttpRoutes()
    {
        var prefix = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "host.json")))!["extensions"]!["http"]!["routePrefix"]!;
        return Triggers("httpTrigger")
            .SelectMany(t => t.Binding["methods"]!.AsArray().Select(m => $"{((string)m!).ToUpperInvariant()} /{prefix}/{(string)t.Binding["route"]!}"))
            .ToHashSet();
    }

    /// <summary>Every "METHOD /api/path" in http-api.md (query strings dropped), and the OpenAPI document it names.</summary>
    private static IEnumerable<string> DocumentedRoutes()
    {
        var routes = RoutePattern().Matches(File.ReadAllText(Repository.SharedDocument("http-api.md")))
            .Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}").Distinct().ToList();
        Assert.True(routes.Count >= 20, $"read only {routes.Count} routes from http-api.md");
        return routes.Append("GET /api/openapi.json");
    }

    private static IEnumerable<(string Function, JsonObject Binding)> Triggers(string type) =>
        Functions.Select(f => f!.AsObject()).SelectMany(f => f["bindings"]!.AsArray().Select(b => b!.AsObject())
            .Where(b => (string?)b["type"] == type).Select(b => ((string)f["name"]!, b)));

    private static bool Derives(Type type, Type generic)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == generic)
            {
                return true;
            }
        }
        return false;
    }

    [GeneratedRegex(@"`(GET|PUT|POST|DELETE|PATCH) (/api/[^`?\s]+)[^`]*`")]
    private static partial Regex RoutePattern();
}

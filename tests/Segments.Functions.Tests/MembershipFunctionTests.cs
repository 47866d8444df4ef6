using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Segments.Core.Membership;
using Segments.Core.Ports;
using Segments.Core.Streaming;
using Segments.Functions.Http;
using Segments.Functions.Timers;

namespace Segments.Functions.Tests;

/// <summary>
/// Membership in the Functions app, over in-memory stores: the fold (as the Event Hubs processor runs it) and the timers
/// record changes, drips and triggers act on them, and the membership functions serve them to their tenant only.
/// </summary>
public sealed class MembershipFunctionTests
{
    private static readonly DateTimeOffset LastOpen = new(2026, 9, 1, 8, 30, 0, TimeSpan.Zero);

    private const string WinBack =
        """{"name":"Win-back","match":{"and":[{"engagement":{"event":"open"}},{"not":{"engagement":{"event":"open","within":"60d"}}}]}}""";

    [Fact]
    public async Task A_contact_ageing_into_a_drip_s_segment_is_found_by_the_sweep_timer_and_served_by_the_functions_to_its_tenant_only()
    {
        var clock = new FakeTimeProvider(LastOpen + TimeSpan.FromHours(1));
        await using var services = FunctionsApp.Services(clock);
        await using var durable = await FunctionsDurable.StartAsync(services);
        Assert.Equal(201, (await Call(services, "PUT", "/api/segments/win-back", FunctionsApp.KeyA, WinBack,
            (c, r) => ActivatorUtilities.CreateInstance<SegmentFunctions>(c.RequestServices).Put(r, "win-back"))).Status);
        Assert.Equal(201, (await Call(services, "PUT", "/api/drips/welcome-back", FunctionsApp.KeyA, """{"segment":"win-back"}""",
            (c, r) => Membership(c).PutDrip(r, "welcome-back", durable.Client))).Status);
        Assert.Equal(201, (await Call(services, "PUT", "/api/triggers/went-quiet", FunctionsApp.KeyA, """{"segment":"win-back","on":"entered"}""",
            (c, r) => Membership(c).PutTrigger(r, "went-quiet", durable.Client))).Status);

        var open = $$"""{"id":"e1","contactId":"c1","kind":"email","name":"open","at":"{{LastOpen.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}"}""";
        await services.GetRequiredService<IStreamBatchHandler>().HandleAsync([new StreamMessage(FunctionsApp.TenantA, Encoding.UTF8.GetBytes(open), "m1")]);
        clock.SetUtcNow(LastOpen + TimeSpan.FromDays(60) + TimeSpan.FromSeconds(15));
        await ActivatorUtilities.CreateInstance<MembershipTimers>(services).Sweep(new TimerInfo(), CancellationToken.None);

        var (status, body) = await Call(services, "GET", "/api/segments/win-back/changes", FunctionsApp.KeyA, null,
            (c, r) => Membership(c).Changes(r, "win-back"));
        Assert.Equal(200, status);
        var change = JsonNode.Parse(body)!["changes"]!.AsArray().Single()!;
        Assert.Equal(("c1", "entered", "2026-10-31T08:30:00Z"), ((string?)change["contact"], (string?)change["kind"], (string?)change["at"]));
        var published = Assert.Single(((FunctionsApp.RecordedChanges)services.GetRequiredService<IMembershipChangePublisher>()).Published);
        Assert.Equal((FunctionsApp.TenantA, "win-back", "c1", ChangeKind.Entered), (published.Tenant, published.Change.Segment, published.Change.ContactId,
            published.Change.Kind));
        var enrollments = await Call(services, "GET", "/api/drips/welcome-back/enrollments", FunctionsApp.KeyA, null,
            (c, r) => Membership(c).Enrollments(r, "welcome-back"));
        Assert.Equal("c1", (string?)JsonNode.Parse(enrollments.Body)!["records"]!.AsArray().Single()!["contact"]);
        var firings = await Call(services, "GET", "/api/triggers/went-quiet/firings", FunctionsApp.KeyA, null,
            (c, r) => Membership(c).Firings(r, "went-quiet"));
        Assert.Equal("c1", (string?)JsonNode.Parse(firings.Body)!["records"]!.AsArray().Single()!["contact"]);
        var drip = await Call(services, "GET", "/api/drips/welcome-back", FunctionsApp.KeyA, null, (c, r) => Membership(c).GetDrip(r, "welcome-back"));
        Assert.Equal("win-back", (string?)JsonNode.Parse(drip.Body)!["segment"]);

        Assert.Equal(404, (await Call(services, "GET", "/api/drips/welcome-back", FunctionsApp.KeyB, null,
            (c, r) => Membership(c).GetDrip(r, "welcome-back"))).Status);
        Assert.Equal(404, (await Call(services, "GET", "/api/triggers/went-quiet/firings", FunctionsApp.KeyB, null,
            (c, r) => Membership(c).Firings(r, "went-quiet"))).Status);
        Assert.Equal(404, (await Call(services, "GET", "/api/segments/win-back/changes", FunctionsApp.KeyB, null,
            (c, r) => Membership(c).Changes(r, "win-back"))).Status);
        Assert.Equal(401, (await Call(services, "GET", "/api/segments/win-back/changes", null, null,
            (c, r) => Membership(c).Changes(r, "win-back"))).Status);
    }

    [Fact]
    public async Task The_report_timer_takes_every_tenant_s_day_and_the_report_function_serves_it_by_its_query()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 3, TimeSpan.Zero));
        await using var services = FunctionsApp.Services(clock);
        foreach (var key in new[] { FunctionsApp.KeyA, FunctionsApp.KeyB })
        {
            Assert.Equal(201, (await Call(services, "PUT", "/api/segments/win-back", key, WinBack,
                (c, r) => ActivatorUtilities.CreateInstance<SegmentFunctions>(c.RequestServices).Put(r, "win-back"))).Status);
        }

        await ActivatorUtilities.CreateInstance<MembershipTimers>(services).Report(new TimerInfo(), CancellationToken.None);

        foreach (var key in new[] { FunctionsApp.KeyA, FunctionsApp.KeyB })
        {
            var (status, body) = await Call(services, "GET", "/api/segments/win-back/report", key, null,
                (c, r) => Membership(c).Report(r, "win-back"), "?from=2026-11-01&to=2026-11-01&by=total");
            Assert.Equal(200, status);
            var count = JsonNode.Parse(body)!["counts"]!.AsArray().Single()!;
            Assert.Equal(("2026-11-01", 0L), ((string?)count["day"], (long)count["count"]!));
        }
        Assert.Equal(400, (await Call(services, "GET", "/api/segments/win-back/report", FunctionsApp.KeyA, null,
            (c, r) => Membership(c).Report(r, "win-back"), "?by=city")).Status);
    }

    private static MembershipFunctions Membership(HttpContext context) => ActivatorUtilities.CreateInstance<MembershipFunctions>(context.RequestServices);

    private static async Task<(int Status, string Body)> Call(IServiceProvider services, string method, string path, string? key, string? json,
        Func<HttpContext, HttpRequest, Task<IResult>> function, string query = "")
    {
        var context = FunctionsApp.Request(services, method, path, key, json);
        context.Request.QueryString = new QueryString(query.Length > 0 ? query : null);
        return await FunctionsApp.ExecuteAsync(context, await function(context, context.Request));
    }
}

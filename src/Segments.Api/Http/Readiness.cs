using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Segments.Api.Http;

/// <summary>
/// Whether the API answers yet. A host that prepares its data before serving (<c>segments serve --demo</c> seeding the
/// demo tenant) holds it; until released, the routes under <c>/api</c> answer 503 with <c>Retry-After</c>, so nobody
/// reads a half-seeded tenant, and work that reads the data (the start-up daily report) waits for <see cref="WhenReady"/>.
/// </summary>
public sealed class Readiness
{
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _holding;

    public Readiness() => _ready.SetResult();

    public Task WhenReady => _ready.Task;

    /// <summary>Holds the API for <paramref name="reason"/> (said in the 503); call before the host starts.</summary>
    public void Hold(string reason)
    {
        _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _holding = reason;
    }

    public void Release()
    {
        _holding = null;
        _ready.TrySetResult();
    }

    /// <summary>The 503 of a request that came too early, or null once ready.</summary>
    public IResult? Refusal()
    {
        if (_holding is not { } reason)
        {
            return null;
        }
        return Problems.Refusal(StatusCodes.Status503ServiceUnavailable, "Not ready yet", "$", $"{reason}; try again in a few seconds");
    }
}

public static class ReadinessMiddleware
{
    /// <summary>Answers requests under <c>/api</c> 503 with <c>Retry-After: 2</c> while the <see cref="Readiness"/> is held.</summary>
    public static IApplicationBuilder UseReadiness(this IApplicationBuilder app, Readiness readiness) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api") && readiness.Refusal() is { } refusal)
        {
            context.Response.Headers.RetryAfter = "2";
            await refusal.ExecuteAsync(context);
            return;
        }
        await next(context);
    });
}

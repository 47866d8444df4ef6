using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Broadcasts;
using Segments.Core.Ports;
using Segments.Orchestration;

namespace Segments.Api.Broadcasts;

/// <summary>A page of broadcasts, newest first; ask again with <c>cursor</c> while it is not null.</summary>
public sealed record BroadcastList(IReadOnlyList<BroadcastView> Broadcasts, string? Cursor);

/// <summary>
/// What happens to a broadcast after it is asked for: listing, cancelling, rescheduling. The record changes first (it is
/// the source of truth, and its version makes a change and a resolution starting at the same moment exclusive), then
/// the resolution is told with a <see cref="BroadcastSignal"/>; a resolution that misses the signal (its host restarted)
/// still reads the record before it resolves.
/// </summary>
public sealed class BroadcastLifecycleHandlers(IBroadcastStore broadcasts, TimeProvider time,
    ILogger<BroadcastLifecycleHandlers> logger)
{
    public const int DefaultPage = 50;
    public const int MaxPage = 500;

    private static readonly string[] Statuses = [.. Enum.GetValues<BroadcastStatus>().Select(Broadcast.Word)];

    /// <summary><c>GET /api/broadcasts?status=&amp;cursor=&amp;limit=</c>.</summary>
    public async Task<IResult> ListAsync(CallerTenant tenant, string? status, string? cursor, string? limit, CancellationToken cancellationToken)
    {
        var max = DefaultPage;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > MaxPage))
        {
            return Problems.Invalid("$.limit", $"the query parameter limit is a whole number from 1 to {MaxPage}");
        }
        BroadcastStatus? only = null;
        if (status is not null)
        {
            if (!Statuses.Contains(status))
            {
                return Problems.Invalid("$.status", $"the query parameter status is one of {string.Join(", ", Statuses)}");
            }
            only = Enum.GetValues<BroadcastStatus>().Single(s => Broadcast.Word(s) == status);
        }
        if (!Cursor.TryParse(cursor, out var after))
        {
            return Problems.Invalid("$.cursor", "the query parameter cursor is the 'cursor' of a previous page");
        }
        var page = await broadcasts.ListAsync(tenant.Id, only, after, max, cancellationToken);
        return TypedResults.Ok(new BroadcastList([.. page.Broadcasts.Select(b => BroadcastView.Of(b, null, null))], Cursor.Write(page.Next)));
    }

    /// <summary><c>POST /api/broadcasts/{id}/cancel</c>: a scheduled or running broadcast is canceled (again: the same answer).</summary>
    public async Task<IResult> CancelAsync(CallerTenant tenant, string id, IBroadcastScheduler scheduler, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), "broadcast", id) is { } unknown)
        {
            return unknown;
        }
        var now = time.GetUtcNow();
        var after = await broadcasts.UpdateAsync(tenant.Id, id, b => b.IsFinished ? null : b.Canceled(now), cancellationToken);
        switch (after?.Status)
        {
            case null:
                return Problems.NotFound($"broadcast '{id}'");
            case BroadcastStatus.Canceled:
                await SignalAsync(scheduler, tenant, id, new BroadcastSignal(Cancel: true, SendAt: null), cancellationToken);
                logger.LogInformation("Canceled broadcast {Broadcast} of tenant {Tenant}", id, tenant.Id);
                return TypedResults.Ok(BroadcastView.Of(after, null, null));
            default:
                return Problems.Refusal(StatusCodes.Status409Conflict, "The broadcast is over", "$.id",
                    $"broadcast '{id}' is {Broadcast.Word(after.Status)}; only a scheduled or running one can be canceled");
        }
    }

    /// <summary><c>PATCH /api/broadcasts/{id}</c> <c>{sendAt}</c>: a scheduled broadcast fires at the new time instead.</summary>
    public async Task<IResult> RescheduleAsync(CallerTenant tenant, string id, HttpRequest request, IBroadcastScheduler scheduler,
        CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), "broadcast", id) is { } unknown)
        {
            return unknown;
        }
        var (body, refusal) = await JsonBody.ReadAsync(request, JsonBodyRules.Management, cancellationToken);
        if (body is null)
        {
            return refusal!.ToResult();
        }
        using var _ = body;
        var (change, errors) = BroadcastChange.Read(body.Root);
        if (change is null)
        {
            return Problems.Invalid(errors);
        }
        var after = await broadcasts.UpdateAsync(tenant.Id, id,
            b => b.Status == BroadcastStatus.Scheduled && b.SendAt != change.SendAt ? b with { SendAt = change.SendAt } : null, cancellationToken);
        if (after is null)
        {
            return Problems.NotFound($"broadcast '{id}'");
        }
        if (after.Status != BroadcastStatus.Scheduled)
        {
            return Problems.Refusal(StatusCodes.Status409Conflict, "The broadcast has started", "$.sendAt",
                $"broadcast '{id}' is {Broadcast.Word(after.Status)}; only a scheduled one can be rescheduled");
        }
        await SignalAsync(scheduler, tenant, id, new BroadcastSignal(Cancel: false, change.SendAt), cancellationToken);
        logger.LogInformation("Rescheduled broadcast {Broadcast} of tenant {Tenant}", id, tenant.Id);
        return TypedResults.Ok(BroadcastView.Of(after, null, null));
    }

    /// <summary>
    /// Tells the resolution, when it runs: the record holds the change already, so a resolution that is not there to be
    /// told (being resumed, or its scheduling failed) reads it when it starts.
    /// </summary>
    private async Task SignalAsync(IBroadcastScheduler scheduler, CallerTenant tenant, string id, BroadcastSignal signal, CancellationToken cancellationToken)
    {
        try
        {
            await scheduler.SignalAsync(tenant.Id, id, signal, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Broadcast {Broadcast} of tenant {Tenant} was changed but its resolution could not be told", id, tenant.Id);
        }
    }

    /// <summary>The cursor of a page: base64url of <c>ticks|id</c> of the last broadcast listed.</summary>
    private static class Cursor
    {
        public static bool TryParse(string? text, out BroadcastPosition? position)
        {
            position = null;
            if (text is null)
            {
                return true;
            }
            try
            {
                var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
                var bar = decoded.IndexOf('|', StringComparison.Ordinal);
                if (bar > 0 && long.TryParse(decoded.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                    && ticks <= DateTimeOffset.MaxValue.UtcTicks && RouteIds.IsId(decoded[(bar + 1)..]))
                {
                    position = new BroadcastPosition(new DateTimeOffset(ticks, TimeSpan.Zero), decoded[(bar + 1)..]);
                    return true;
                }
            }
            catch (FormatException)
            {
                // Not base64url: refused below.
            }
            return false;
        }

        public static string? Write(BroadcastPosition? position) => position is null ? null
            : Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{position.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{position.Id}"));
    }
}

using System.Buffers.Text;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Ports;
using Segments.Engine.Input;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Api.Suppressions;

public sealed record SuppressionReceipt(int Accepted);

/// <summary>One suppression of <c>POST /api/suppressions</c> as OpenAPI shows it (the <c>suppressions.jsonl</c> shape).</summary>
public sealed record SuppressionInput(
    [property: Required] string ContactId,
    [property: Required, AllowedValues("unsubscribed", "hard_bounce", "complaint", "manual")] string Reason,
    [property: Required, Description("RFC 3339 date-time")] DateTimeOffset At) : IRequestShape;

/// <summary>One explicit suppression: <c>reason</c> is <c>unsubscribed</c>, <c>hard_bounce</c>, <c>complaint</c> or <c>manual</c>.</summary>
public sealed record SuppressionItem(string ContactId, string Reason, string At)
{
    public static SuppressionItem From(Suppression s) => new(s.ContactId, s.Reason.ToWord(), Rfc3339.Format(s.At));
}

/// <summary>A page of suppressions; ask again with <c>cursor=next</c> while <c>next</c> is not null.</summary>
public sealed record SuppressionPage(IReadOnlyList<SuppressionItem> Suppressions, string? Next);

/// <summary>
/// <c>POST /api/suppressions</c> (an array in the offline <c>suppressions.jsonl</c> shape, taken whole or not at all), the
/// list, and the removal of a <c>manual</c> one (the others record what a contact did or what happened to its mail).
/// </summary>
public sealed class SuppressionHandlers(ISuppressionStore store, ILogger<SuppressionHandlers> logger)
{
    public const int MaxBatch = 1000;
    public const int DefaultPage = 100;
    public const int MaxPage = 1000;

    public async Task<IResult> PostAsync(CallerTenant tenant, HttpRequest request, CancellationToken cancellationToken)
    {
        var (json, refusal) = await JsonBody.ReadAsync(request, JsonBodyRules.Management, cancellationToken);
        if (json is null)
        {
            return refusal!.ToResult();
        }
        using var _ = json;
        var body = json.Root;
        if (body.ValueKind != JsonValueKind.Array || body.GetArrayLength() > MaxBatch)
        {
            return Problems.Invalid("$", $"expected an array of at most {MaxBatch} suppressions {{contactId, reason, at}}");
        }
        var errors = new List<ValidationError>();
        var suppressions = new List<Suppression>();
        var index = 0;
        foreach (var item in body.EnumerateArray())
        {
            var (suppression, problems) = InputReader.ReadSuppression(item, $"$[{index++}]");
            errors.AddRange(problems);
            if (suppression is not null)
            {
                suppressions.Add(suppression);
            }
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        await store.AddAsync(tenant.Id, suppressions, cancellationToken);
        logger.LogInformation("Added {Count} suppressions for tenant {Tenant}", suppressions.Count, tenant.Id);
        return TypedResults.Ok(new SuppressionReceipt(suppressions.Count));
    }

    /// <summary><c>reason</c>, <c>cursor</c> (the <c>next</c> of a page) and <c>limit</c> (1 to <see cref="MaxPage"/>) come as text so a bad one gets a problem.</summary>
    public async Task<IResult> ListAsync(CallerTenant tenant, string? reason, string? cursor, string? limit, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        SuppressionReason? only = null;
        if (reason is not null)
        {
            if (SuppressionReasons.TryParse(reason, out var parsed))
            {
                only = parsed;
            }
            else
            {
                errors.Add(new ValidationError("$.reason", $"the query parameter reason='{reason}' is not unsubscribed, hard_bounce, complaint or manual"));
            }
        }
        Suppression? after = null;
        if (cursor is not null && !Cursor.TryRead(cursor, out after))
        {
            errors.Add(new ValidationError("$.cursor", "the query parameter cursor is not the 'next' of a page of suppressions"));
        }
        var max = DefaultPage;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > MaxPage))
        {
            errors.Add(new ValidationError("$.limit", $"the query parameter limit='{limit}' is not a whole number from 1 to {MaxPage}"));
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        var page = await store.PageAsync(tenant.Id, only, after, max, cancellationToken);
        return TypedResults.Ok(new SuppressionPage([.. page.Select(SuppressionItem.From)], page.Count == max ? Cursor.Of(page[^1]) : null));
    }

    /// <summary>Removes the contact's <c>manual</c> suppressions (every time it was suppressed so); the others stay.</summary>
    public async Task<IResult> DeleteAsync(CallerTenant tenant, string contactId, string reason, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsContactId(contactId), "contact", contactId) is { } unknown)
        {
            return unknown;
        }
        if (!SuppressionReasons.TryParse(reason, out var parsed))
        {
            return Problems.NotFound($"suppression '{reason}' of contact '{contactId}' (a reason is unsubscribed, hard_bounce, complaint or manual)");
        }
        if (parsed != SuppressionReason.Manual)
        {
            return Problems.Refusal(StatusCodes.Status409Conflict, "Only a manual suppression can be removed", "$.reason",
                $"a '{reason}' suppression records what the contact did or what happened to its mail; only 'manual' ones are removed");
        }
        if (await store.RemoveAsync(tenant.Id, contactId, parsed, cancellationToken) == 0)
        {
            return Problems.NotFound($"manual suppression of contact '{contactId}'");
        }
        logger.LogInformation("Removed the manual suppression of a contact of tenant {Tenant}", tenant.Id);
        return TypedResults.NoContent();
    }

    /// <summary>A page's <c>next</c>: the last suppression of the page, as base64url text (the contact id last, since it may hold anything).</summary>
    private static class Cursor
    {
        public static string Of(Suppression last) =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{last.At.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{last.Reason.ToWord()}|{last.ContactId}"));

        public static bool TryRead(string text, out Suppression? after)
        {
            after = null;
            string decoded;
            try
            {
                decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(text));
            }
            catch (Exception e) when (e is FormatException or DecoderFallbackException)
            {
                return false;
            }
            var parts = decoded.Split('|', 3);
            if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks > DateTimeOffset.MaxValue.UtcTicks || !SuppressionReasons.TryParse(parts[1], out var reason))
            {
                return false;
            }
            after = new Suppression(parts[2], reason, new DateTimeOffset(ticks, TimeSpan.Zero));
            return true;
        }
    }
}

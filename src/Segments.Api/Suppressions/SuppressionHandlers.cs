using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Input;
using Segments.Core.Language;
using Segments.Core.Model;
using Segments.Core.Suppressions;

namespace Segments.Api.Suppressions;

public sealed record SuppressionReceipt(int Accepted);

/// <summary>One suppression of <c>POST /api/suppressions</c> as OpenAPI shows it (the <c>suppressions.jsonl</c> shape).</summary>
public sealed record SuppressionInput(
    [property: Required] string ContactId,
    [property: Required, AllowedValues("unsubscribed", "hard_bounce", "complaint", "manual")] string Reason,
    [property: Required, Description("RFC 3339 date-time")] DateTimeOffset At) : IRequestShape;

/// <summary><c>POST /api/suppressions</c>: an array in the offline <c>suppressions.jsonl</c> shape, taken whole or not at all.</summary>
public sealed class SuppressionHandlers(ISuppressionStore store, ILogger<SuppressionHandlers> logger)
{
    public const int MaxBatch = 1000;

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
}

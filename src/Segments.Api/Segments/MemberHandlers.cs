using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Audience;
using Segments.Core.Catalog;
using Segments.Core.Ports;
using Segments.Engine.Evaluation;
using Segments.Engine.Language;
using Segments.Engine.PushDown;

namespace Segments.Api.Segments;

/// <summary>Who is in a saved segment (streamed) and why a given contact is in it or not; the tenant is always the caller's.</summary>
public sealed class MemberHandlers(SegmentCatalog catalog, IContactStore contacts, TimeProvider time)
{
    public const string Csv = "text/csv";
    public const string Ndjson = "application/x-ndjson";

    /// <summary>The definition's tree for the contact at <c>asOf</c> (default now), each condition with its truth value and evidence.</summary>
    public async Task<IResult> ExplainAsync(CallerTenant tenant, string id, string contactId, string? asOf, CancellationToken cancellationToken)
    {
        if ((RouteIds.NotFoundUnless(RouteIds.IsId(id), "segment", id)
            ?? RouteIds.NotFoundUnless(RouteIds.IsContactId(contactId), "contact", contactId)) is { } unknown)
        {
            return unknown;
        }
        var errors = new List<ValidationError>();
        var at = QueryValues.AsOf(asOf, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        if (await catalog.CompileWithReferencesAsync(tenant.Id, id, cancellationToken) is not { } segments)
        {
            return Problems.NotFound($"segment '{id}'");
        }
        if (await contacts.ReadAsync(tenant.Id, contactId, cancellationToken) is not { } contact)
        {
            return Problems.NotFound($"contact '{contactId}'");
        }
        return TypedResults.Ok(SegmentExplainer.Explain(segments, id, contact.Document, at ?? time.GetUtcNow()));
    }

    /// <summary>
    /// The members at <c>asOf</c> (default now), streamed partition by partition as they are found: NDJSON
    /// <c>{contactId, email}</c>, or CSV with the header <c>contactId,email</c> when the request accepts <c>text/csv</c>
    /// (and not NDJSON first).
    /// </summary>
    public async Task<IResult> MembersAsync(CallerTenant tenant, string id, string? asOf, HttpRequest request, CancellationToken cancellationToken)
    {
        if (RouteIds.NotFoundUnless(RouteIds.IsId(id), "segment", id) is { } unknown)
        {
            return unknown;
        }
        var errors = new List<ValidationError>();
        var at = new AsOf(QueryValues.AsOf(asOf, errors) ?? time.GetUtcNow());
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        if (await catalog.CompileWithReferencesAsync(tenant.Id, id, cancellationToken) is not { } segments)
        {
            return Problems.NotFound($"segment '{id}'");
        }
        var segment = segments[id];
        var pushDown = PushDownCondition.For(segment, segments, at.Instant);
        var csv = WantsCsv(request);
        var response = request.HttpContext.Response;
        response.ContentType = csv ? $"{Csv}; charset=utf-8" : Ndjson;
        using var buffer = new MemoryStream();
        if (csv)
        {
            buffer.Write("contactId,email\r\n"u8);
        }
        foreach (var partition in await contacts.ListPartitionsAsync(tenant.Id, cancellationToken))
        {
            await foreach (var contact in contacts.ScanAsync(tenant.Id, partition, pushDown, cancellationToken))
            {
                if (!segment.Matches(contact, at))
                {
                    continue;
                }
                var member = new Recipient(contact.Id, contact.Email);
                if (csv)
                {
                    buffer.Write(Encoding.UTF8.GetBytes($"{CsvField(member.ContactId)},{CsvField(member.Email ?? "")}\r\n"));
                }
                else
                {
                    AudienceFormat.Write(buffer, [member]);
                }
                if (buffer.Length >= 64 * 1024)
                {
                    await FlushAsync(buffer, response, cancellationToken);
                }
            }
        }
        await FlushAsync(buffer, response, cancellationToken);
        return TypedResults.Empty;
    }

    private static bool WantsCsv(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().Accept.OrderByDescending(a => a.Quality ?? 1).ToList();
        var first = accepted.FirstOrDefault(a => a.MediaType.Equals(Csv, StringComparison.OrdinalIgnoreCase)
            || a.MediaType.Equals(Ndjson, StringComparison.OrdinalIgnoreCase));
        return first is not null && first.MediaType.Equals(Csv, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled.</summary>
    public static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static async Task FlushAsync(MemoryStream buffer, HttpResponse response, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
        buffer.SetLength(0);
    }
}

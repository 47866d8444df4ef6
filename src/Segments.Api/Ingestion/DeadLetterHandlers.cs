using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Segments.Api.Authentication;
using Segments.Api.Http;
using Segments.Core.Ingestion;
using Segments.Core.Ports;
using Segments.Engine.Model;

namespace Segments.Api.Ingestion;

/// <summary>An event the stream fold refused after the route accepted it: which delivery, why, when, and the event as it came.</summary>
public sealed record DeadLetterView(string Source, string Reason, string At, string Payload);

/// <summary>A page of dead letters; ask again with <c>cursor=next</c> while <c>next</c> is not null.</summary>
public sealed record DeadLetterList(IReadOnlyList<DeadLetterView> Letters, string? Next);

/// <summary>
/// <c>GET /api/dead-letters?cursor=&amp;limit=</c>: the caller's dead letters, those of its contacts and then those of its
/// anonymous visitors (<see cref="Visitors"/>), each in the store's order. The cursor is opaque.
/// </summary>
public sealed class DeadLetterHandlers(IDeadLetterStore letters)
{
    public const int DefaultPage = 100;
    public const int MaxPage = 1000;

    public async Task<IResult> ListAsync(CallerTenant tenant, string? cursor, string? limit, CancellationToken cancellationToken)
    {
        var max = DefaultPage;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > MaxPage))
        {
            return Problems.Invalid("$.limit", $"the query parameter limit is a whole number from 1 to {MaxPage}");
        }
        if (Position.Parse(cursor) is not { } position)
        {
            return Problems.Invalid("$.cursor", "the query parameter cursor is the 'next' of a previous page");
        }
        string[] scopes = [tenant.Id, Visitors.ScopeOf(tenant.Id)];
        var found = new List<DeadLetterView>();
        var (scope, inner) = position;
        while (true)
        {
            DeadLetterPage page;
            try
            {
                page = await letters.PageAsync(scopes[scope], inner, max - found.Count, cancellationToken);
            }
            catch (ArgumentException)
            {
                return Problems.Invalid("$.cursor", "the query parameter cursor is the 'next' of a previous page");
            }
            found.AddRange(page.Letters.Select(l => new DeadLetterView(l.Source, l.Reason, Rfc3339.Format(l.At), l.Payload)));
            if (page.Next is not null)
            {
                return TypedResults.Ok(new DeadLetterList(found, new Position(scope, page.Next).ToString()));
            }
            if (++scope == scopes.Length)
            {
                return TypedResults.Ok(new DeadLetterList(found, null));
            }
            inner = null;
            if (found.Count == max)
            {
                return TypedResults.Ok(new DeadLetterList(found, new Position(scope, null).ToString()));
            }
        }
    }

    /// <summary>Where a listing stands: which scope, and the store's cursor within it; written as base64url of <c>scope|cursor</c>.</summary>
    private sealed record Position(int Scope, string? Inner)
    {
        public static Position? Parse(string? text)
        {
            if (text is null)
            {
                return new Position(0, null);
            }
            try
            {
                var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
                return decoded.Length >= 2 && decoded[0] is '0' or '1' && decoded[1] == '|'
                    ? new Position(decoded[0] - '0', decoded.Length > 2 ? decoded[2..] : null)
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        public override string ToString() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Scope}|{Inner}"));
    }
}

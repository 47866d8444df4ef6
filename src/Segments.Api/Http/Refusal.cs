using Microsoft.AspNetCore.Http;
using Segments.Engine.Language;

namespace Segments.Api.Http;

/// <summary>
/// Why an ingestion request is refused whole: the status, the metric reason, and the problems (paths and messages).
/// Nothing of a refused request is published. <see cref="RetryAfter"/>, when set, goes out as the <c>Retry-After</c> header.
/// </summary>
public sealed record Refusal(int Status, string Reason, IReadOnlyList<ValidationError> Errors)
{
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The stream did not take the events; <see cref="EventPublishing"/> has counted it already.</summary>
    public bool FromPublishing => Reason is PublishReason or BackloggedReason;

    public Refusal(int status, string reason, string path, string message) : this(status, reason, [new ValidationError(path, message)])
    {
    }

    public IResult ToResult()
    {
        var problem = Problems.Refusal(Status, Title, Errors);
        return RetryAfter is { } after ? new WithRetryAfter(problem, after) : problem;
    }

    private string Title => Status switch
    {
        StatusCodes.Status403Forbidden => "The request is not allowed",
        StatusCodes.Status413PayloadTooLarge => "The body is too large",
        StatusCodes.Status415UnsupportedMediaType => "The body is not of a supported type",
        StatusCodes.Status503ServiceUnavailable => "The events could not be published; nothing was accepted, try again",
        _ => "The request is not valid",
    };

    public static Refusal Invalid(string reason, string path, string message) => new(StatusCodes.Status400BadRequest, reason, path, message);

    public static Refusal Forbidden(string reason, string path, string message) => new(StatusCodes.Status403Forbidden, reason, path, message);

    private const string PublishReason = "publish";
    private const string BackloggedReason = "backlog";

    public static readonly Refusal Unpublished = new(StatusCodes.Status503ServiceUnavailable, PublishReason, "$",
        "the event stream did not take the events");

    /// <summary>Back-pressure: too many accepted events wait to be folded; the sender retries after <paramref name="after"/>.</summary>
    public static Refusal Backlogged(long backlog, TimeSpan after) => new(StatusCodes.Status503ServiceUnavailable, BackloggedReason, "$",
        $"{backlog} accepted events wait to be folded; nothing of this request was accepted, try again in {after.TotalSeconds:0} s")
    {
        RetryAfter = after,
    };

    private sealed class WithRetryAfter(IResult problem, TimeSpan after) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = ((long)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return problem.ExecuteAsync(httpContext);
        }
    }
}

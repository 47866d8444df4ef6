using Microsoft.AspNetCore.Http;
using Segments.Api.Http;

namespace Segments.Api.Ingestion;

/// <summary>
/// Why an ingestion request is refused whole: the status, the metric reason, and the problem (path and message).
/// Nothing of a refused request is published.
/// </summary>
public sealed record Refusal(int Status, string Reason, string Path, string Message)
{
    public IResult ToResult() => Problems.Refusal(Status, Status switch
    {
        StatusCodes.Status403Forbidden => "The request is not allowed",
        StatusCodes.Status413PayloadTooLarge => "The body is too large",
        StatusCodes.Status415UnsupportedMediaType => "The body is not of a supported type",
        StatusCodes.Status503ServiceUnavailable => "The events could not be published; nothing was accepted, try again",
        _ => "The request is not valid",
    }, Path, Message);

    public static Refusal Invalid(string reason, string path, string message) => new(StatusCodes.Status400BadRequest, reason, path, message);

    public static Refusal Forbidden(string reason, string path, string message) => new(StatusCodes.Status403Forbidden, reason, path, message);

    public static readonly Refusal Unpublished = new(StatusCodes.Status503ServiceUnavailable, "publish", "$",
        "the event stream did not take the events");
}

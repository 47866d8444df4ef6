using Microsoft.AspNetCore.Http;
using Segments.Core.Language;

namespace Segments.Api.Http;

/// <summary>
/// Why an ingestion request is refused whole: the status, the metric reason, and the problems (paths and messages).
/// Nothing of a refused request is published.
/// </summary>
public sealed record Refusal(int Status, string Reason, IReadOnlyList<ValidationError> Errors)
{
    public Refusal(int status, string reason, string path, string message) : this(status, reason, [new ValidationError(path, message)])
    {
    }

    public IResult ToResult() => Problems.Refusal(Status, Status switch
    {
        StatusCodes.Status403Forbidden => "The request is not allowed",
        StatusCodes.Status413PayloadTooLarge => "The body is too large",
        StatusCodes.Status415UnsupportedMediaType => "The body is not of a supported type",
        StatusCodes.Status503ServiceUnavailable => "The events could not be published; nothing was accepted, try again",
        _ => "The request is not valid",
    }, Errors);

    public static Refusal Invalid(string reason, string path, string message) => new(StatusCodes.Status400BadRequest, reason, path, message);

    public static Refusal Forbidden(string reason, string path, string message) => new(StatusCodes.Status403Forbidden, reason, path, message);

    public static readonly Refusal Unpublished = new(StatusCodes.Status503ServiceUnavailable, "publish", "$",
        "the event stream did not take the events");
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Segments.Core.Catalog;
using Segments.Engine.Language;

namespace Segments.Api.Http;

/// <summary>One problem of a refused request: where in the request (a JSON path) and what is wrong.</summary>
public sealed record ProblemError(string Path, string Message);

/// <summary>A user that holds on to what a refused change would have broken.</summary>
public sealed record ProblemUser(string Kind, string Id);

/// <summary>Refusals as <c>application/problem+json</c> with an <c>errors</c> array of <c>{path, message}</c>.</summary>
public static class Problems
{
    public static IResult Refusal(int status, string title, IReadOnlyList<ValidationError> errors, IReadOnlyList<CatalogUser>? usedBy = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title };
        problem.Extensions["errors"] = errors.Select(e => new ProblemError(e.Path, e.Message)).ToArray();
        if (usedBy is { Count: > 0 })
        {
            problem.Extensions["usedBy"] = usedBy.Select(u => new ProblemUser(CatalogUser.Word(u.Kind), u.Id)).ToArray();
        }
        return TypedResults.Problem(problem);
    }

    public static IResult Refusal(int status, string title, string path, string message) =>
        Refusal(status, title, [new ValidationError(path, message)]);

    public static IResult Invalid(IReadOnlyList<ValidationError> errors) =>
        Refusal(StatusCodes.Status400BadRequest, "The request is not valid", errors);

    public static IResult Invalid(string path, string message) => Invalid([new ValidationError(path, message)]);

    public static IResult NotFound(string what) =>
        Refusal(StatusCodes.Status404NotFound, "Not found", "$", $"there is no {what}");

    /// <summary>The refusal of a catalog operation, by how it ended.</summary>
    public static IResult From<T>(CatalogResult<T> result) => result.Status switch
    {
        CatalogStatus.Invalid => Invalid(result.Errors),
        CatalogStatus.NotFound => Refusal(StatusCodes.Status404NotFound, "Not found", result.Errors),
        CatalogStatus.PreconditionFailed => Refusal(StatusCodes.Status412PreconditionFailed, "The resource changed since it was read", result.Errors),
        CatalogStatus.Conflict => Refusal(StatusCodes.Status409Conflict, "The change would break what uses it", result.Errors, result.UsedBy),
        _ => throw new ArgumentException($"{result.Status} is not a refusal", nameof(result)),
    };
}

namespace Segments.Console.Api;

/// <summary>What a call to the API gave: its value, or the problem the API (or the network) answered.</summary>
public sealed class ApiResult<T>
{
    private ApiResult(T? value, Problem? problem, string? etag)
    {
        Value = value;
        Problem = problem;
        ETag = etag;
    }

    public T? Value { get; }

    public Problem? Problem { get; }

    /// <summary>The response's <c>ETag</c>, for a later <c>If-Match</c>.</summary>
    public string? ETag { get; }

    public bool Ok => Problem is null;

    public static ApiResult<T> Success(T value, string? etag = null) => new(value, null, etag);

    public static ApiResult<T> Failure(Problem problem) => new(default, problem, null);
}

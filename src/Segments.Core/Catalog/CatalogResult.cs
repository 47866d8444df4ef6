using Segments.Engine.Language;

namespace Segments.Core.Catalog;

/// <summary>How a catalog operation ended; the HTTP layer maps each to a status code.</summary>
public enum CatalogStatus : byte
{
    Ok,
    Created,

    /// <summary>The input breaks a rule of the language or of the catalog (unknown field, missing reference, cycle).</summary>
    Invalid,
    NotFound,

    /// <summary>An <c>If-Match</c> precondition failed.</summary>
    PreconditionFailed,

    /// <summary>The change would break something that uses it (a referenced segment, a used field's type).</summary>
    Conflict,
}

/// <summary>The outcome of a catalog operation: a value on success, otherwise every error with its JSON path.</summary>
public sealed record CatalogResult<T>(CatalogStatus Status, T? Value, IReadOnlyList<ValidationError> Errors)
{
    /// <summary>On a conflict: the users that hold on to what was to change.</summary>
    public IReadOnlyList<CatalogUser> UsedBy { get; init; } = [];

    public bool Succeeded => Status is CatalogStatus.Ok or CatalogStatus.Created;

    public static CatalogResult<T> Success(T value, bool created = false) => new(created ? CatalogStatus.Created : CatalogStatus.Ok, value, []);

    public static CatalogResult<T> Refused(CatalogStatus status, IReadOnlyList<ValidationError> errors) => new(status, default, errors);

    public static CatalogResult<T> Refused(CatalogStatus status, string path, string message) => Refused(status, [new ValidationError(path, message)]);
}

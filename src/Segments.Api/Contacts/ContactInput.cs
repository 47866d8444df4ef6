using System.ComponentModel;
using System.Text.Json;
using Segments.Api.Http;

namespace Segments.Api.Contacts;

/// <summary>
/// The body of <c>PUT /api/contacts/{id}</c> as OpenAPI shows it (read by <c>InputReader.ReadContact</c>, which says
/// what is wrong with a body at its JSON path). A built-in field that is not of its type is a missing value.
/// </summary>
public sealed record ContactInput(
    [property: Description("The path's id; leave it out or make it the same")] string? Id,
    string? Email,
    string? FirstName,
    string? LastName,
    [property: Description("RFC 3339 date-time")] DateTimeOffset? CreatedAt,
    [property: Description("Custom fields by name (see PUT /api/schema): text, number, boolean, RFC 3339 date, or null")]
    IReadOnlyDictionary<string, JsonElement>? Fields,
    [property: Description("List ids and the contact's status on each, such as {\"newsletter\": \"subscribed\"}")]
    IReadOnlyDictionary<string, string>? Lists) : IRequestShape;

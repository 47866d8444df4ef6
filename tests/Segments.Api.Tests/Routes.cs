namespace Segments.Api.Tests;

/// <summary>One route of the API as a test calls it: method, path with ids filled in, and a body.</summary>
public sealed record Route(string Method, string Pattern, string Path, string? Body = null)
{
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>Every route behind an API key, each called on tenant A's things.</summary>
public static class Routes
{
    public const string Segment = """{"name":"Customers","match":{"conversion":{"event":"purchase"}}}""";
    public const string Contact = """{"email":"ana@example.com","fields":{"plan":"Pro","mrr":620},"lists":{"newsletter":"subscribed"}}""";
    public const string Suppression = """[{"contactId":"c01","reason":"manual","at":"2026-10-01T00:00:00Z"}]""";

    public static readonly IReadOnlyList<Route> All =
    [
        new("GET", "/api/segments", "/api/segments"),
        new("POST", "/api/segments/validate", "/api/segments/validate", """{"id":"x","name":"X","match":{"segment":{"id":"customers"}}}"""),
        new("PUT", "/api/segments/{id}", "/api/segments/customers", Segment),
        new("GET", "/api/segments/{id}", "/api/segments/customers"),
        new("DELETE", "/api/segments/{id}", "/api/segments/customers"),
        new("GET", "/api/segments/{id}/preview", "/api/segments/customers/preview"),
        new("POST", "/api/segments:preview", "/api/segments:preview", """{"name":"X","match":{"segment":{"id":"customers"}}}"""),
        new("GET", "/api/segments/{id}/members", "/api/segments/customers/members"),
        new("GET", "/api/segments/{id}/explain/{contactId}", "/api/segments/customers/explain/c01"),
        new("PUT", "/api/schema", "/api/schema", """{"fields":{"mrr":"text"}}"""),
        new("GET", "/api/schema", "/api/schema"),
        new("PUT", "/api/contacts/{id}", "/api/contacts/c01", Contact),
        new("GET", "/api/contacts/{id}", "/api/contacts/c01"),
        new("DELETE", "/api/contacts/{id}", "/api/contacts/c01"),
        new("POST", "/api/suppressions", "/api/suppressions", Suppression),
        new("GET", "/api/suppressions", "/api/suppressions?reason=manual"),
        new("DELETE", "/api/suppressions/{contactId}/{reason}", "/api/suppressions/c01/manual"),
    ];

    public static Task<HttpResponseMessage> CallAsync(this HttpClient client, Route route) =>
        client.SendAsync(new HttpMethod(route.Method), route.Path, route.Body);
}

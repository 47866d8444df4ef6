using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Segments.Console.Api;

/// <summary>The HTTP API as the console calls it: every call carries the bearer of <see cref="IApiCredentials"/>.</summary>
public sealed class SegmentsApiClient(HttpClient http, IApiCredentials credentials)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Uri BaseAddress => http.BaseAddress!;

    public Task<ApiResult<SegmentList>> ListSegmentsAsync(CancellationToken ct = default) => GetAsync<SegmentList>("api/segments", ct);

    /// <summary>Whether the API accepts <paramref name="key"/>: asked before the key is kept.</summary>
    public async Task<ApiResult<SegmentList>> TryKeyAsync(string key, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/segments");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await ReadAsync(request, async r => (await r.Content.ReadFromJsonAsync<SegmentList>(Json, ct))!, ct);
    }

    public Task<ApiResult<SegmentResource>> GetSegmentAsync(string id, CancellationToken ct = default) => GetAsync<SegmentResource>($"api/segments/{Esc(id)}", ct);

    public Task<ApiResult<SegmentResource>> PutSegmentAsync(string id, JsonObject definition, string? ifMatch, CancellationToken ct = default) =>
        SendAsync<SegmentResource>(HttpMethod.Put, $"api/segments/{Esc(id)}", definition, ct, ifMatch);

    public Task<ApiResult<JsonElement>> DeleteSegmentAsync(string id, string? ifMatch, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Delete, $"api/segments/{Esc(id)}", null, ct, ifMatch);

    public Task<ApiResult<JsonElement>> ValidateAsync(JsonObject definition, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, "api/segments/validate", definition, ct);

    public Task<ApiResult<PreviewResponse>> PreviewAsync(string id, int sample = 0, CancellationToken ct = default) =>
        GetAsync<PreviewResponse>($"api/segments/{Esc(id)}/preview?sample={sample}", ct);

    /// <summary>The count of an unsaved definition: an estimate first, exact on request.</summary>
    public Task<ApiResult<DefinitionPreview>> PreviewDefinitionAsync(JsonObject definition, bool exact, CancellationToken ct = default) =>
        SendAsync<DefinitionPreview>(HttpMethod.Post, $"api/segments:preview?sample=0&exact={(exact ? "true" : "false")}", definition, ct);

    public Task<ApiResult<Explanation>> ExplainAsync(string segment, string contact, CancellationToken ct = default) =>
        GetAsync<Explanation>($"api/segments/{Esc(segment)}/explain/{Esc(contact)}", ct);

    public Task<ApiResult<ReportResponse>> ReportAsync(string segment, string from, string to, string by, CancellationToken ct = default) =>
        GetAsync<ReportResponse>($"api/segments/{Esc(segment)}/report?from={from}&to={to}&by={by}", ct);

    public Task<ApiResult<SchemaResource>> SchemaAsync(CancellationToken ct = default) => GetAsync<SchemaResource>("api/schema", ct);

    public Task<ApiResult<ContactView>> ContactAsync(string id, CancellationToken ct = default) => GetAsync<ContactView>($"api/contacts/{Esc(id)}", ct);

    public Task<ApiResult<ContactSearch>> SearchContactsAsync(string email, CancellationToken ct = default) =>
        GetAsync<ContactSearch>($"api/contacts?email={Uri.EscapeDataString(email)}", ct);

    public Task<ApiResult<BroadcastPage>> ListBroadcastsAsync(CancellationToken ct = default) => GetAsync<BroadcastPage>("api/broadcasts", ct);

    public Task<ApiResult<BroadcastView>> GetBroadcastAsync(string id, CancellationToken ct = default) => GetAsync<BroadcastView>($"api/broadcasts/{Esc(id)}", ct);

    public Task<ApiResult<BroadcastView>> ScheduleBroadcastAsync(JsonObject request, CancellationToken ct = default) =>
        SendAsync<BroadcastView>(HttpMethod.Post, "api/broadcasts", request, ct);

    public Task<ApiResult<JsonElement>> CancelBroadcastAsync(string id, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, $"api/broadcasts/{Esc(id)}/cancel", null, ct);

    /// <summary>The audience as the NDJSON text the API streams.</summary>
    public async Task<ApiResult<string>> AudienceAsync(string id, CancellationToken ct = default)
    {
        using var request = await RequestAsync(HttpMethod.Get, $"api/broadcasts/{Esc(id)}/audience", null, null);
        return await ReadAsync(request, async r => await r.Content.ReadAsStringAsync(ct), ct);
    }

    public Task<ApiResult<ConsumerList>> ListConsumersAsync(string kind, CancellationToken ct = default) => GetAsync<ConsumerList>($"api/{kind}", ct);

    public Task<ApiResult<ConsumerResource>> PutConsumerAsync(string kind, string id, JsonObject body, CancellationToken ct = default) =>
        SendAsync<ConsumerResource>(HttpMethod.Put, $"api/{kind}/{Esc(id)}", body, ct);

    public Task<ApiResult<JsonElement>> DeleteConsumerAsync(string kind, string id, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Delete, $"api/{kind}/{Esc(id)}", null, ct);

    public Task<ApiResult<RecordPage>> ConsumerRecordsAsync(string kind, string id, CancellationToken ct = default) =>
        GetAsync<RecordPage>($"api/{kind}/{Esc(id)}/{(kind == "drips" ? "enrollments" : "firings")}", ct);

    public Task<ApiResult<PixelRecent>> RecentPixelHitsAsync(CancellationToken ct = default) => GetAsync<PixelRecent>("api/pixel/recent", ct);

    private static string Esc(string segment) => Uri.EscapeDataString(segment);

    private Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, JsonNode? body, CancellationToken ct, string? ifMatch = null)
    {
        using var request = await RequestAsync(method, path, body, ifMatch);
        return await ReadAsync(request, async response =>
            response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0
                ? default!
                : (await response.Content.ReadFromJsonAsync<T>(Json, ct))!, ct);
    }

    private async Task<HttpRequestMessage> RequestAsync(HttpMethod method, string path, JsonNode? body, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, path);
        if (await credentials.BearerAsync() is { } bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        return request;
    }

    private async Task<ApiResult<T>> ReadAsync<T>(HttpRequestMessage request, Func<HttpResponseMessage, Task<T>> read, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            return ApiResult<T>.Failure(new Problem(0, "The API could not be reached", [new ProblemError("$", e.Message)]));
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return ApiResult<T>.Success(await read(response), response.Headers.ETag?.ToString());
            }
            return ApiResult<T>.Failure(await ProblemOfAsync(response, ct));
        }
    }

    private static async Task<Problem> ProblemOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, ct);
            if (problem is not null)
            {
                return new Problem(status, problem.Title ?? response.ReasonPhrase ?? "Refused", problem.Errors ?? [], problem.UsedBy);
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page, say): the status tells what there is to tell.
        }
        return new Problem(status, status == 404 ? "Not found (the API may not offer this route yet)" : response.ReasonPhrase ?? "Refused", []);
    }

    private sealed record ProblemBody(string? Title, IReadOnlyList<ProblemError>? Errors, IReadOnlyList<ProblemUser>? UsedBy);
}

using System.Text.Json;

namespace Segments.Azure.Cosmos;

/// <summary>
/// A range [Min, Max) of effective partition keys in the JSON form the SDK's <c>FeedRange.ToJsonString</c> writes
/// and <c>FeedRange.FromJsonString</c> reads: <c>{"Range":{"min":"...","max":"..."}}</c>.
/// </summary>
public readonly record struct EpkRange(string Min, string Max)
{
    public static EpkRange Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var range = document.RootElement.GetProperty("Range");
        return new EpkRange(range.GetProperty("min").GetString()!, range.GetProperty("max").GetString()!);
    }

    public string ToJson() => JsonSerializer.Serialize(new { Range = new { min = Min, max = Max } });
}

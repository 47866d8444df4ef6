using System.Diagnostics.Metrics;

namespace Segments.Api.Ingestion;

/// <summary>
/// Ingestion counters (meter <c>Segments.Ingestion</c>): events accepted and rejected, and whole requests refused,
/// by source (<c>collect</c>, <c>px.gif</c>, <c>events</c>) and reason. Bad <c>px.gif</c> hits are answered with the
/// GIF all the same, so these counters are the only place they show.
/// </summary>
public sealed class IngestionMetrics
{
    public const string MeterName = "Segments.Ingestion";

    private readonly Counter<long> _events;
    private readonly Counter<long> _refusals;

    public IngestionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _events = meter.CreateCounter<long>("segments.ingestion.events", "{event}", "Events accepted or rejected, by source and outcome");
        _refusals = meter.CreateCounter<long>("segments.ingestion.refusals", "{request}", "Requests refused whole, by source and reason");
    }

    public void Accepted(string source, int count) => Count(source, "accepted", count);

    public void Rejected(string source, int count) => Count(source, "rejected", count);

    public void Refused(string source, string reason) =>
        _refusals.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("reason", reason));

    private void Count(string source, string outcome, int count)
    {
        if (count > 0)
        {
            _events.Add(count, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}

using System.Globalization;
using DuckDB.NET.Data;

namespace Segments.Bench.Offline;

/// <summary>
/// The five audiences as SQL over DuckDB, written to give exactly the engine's answers on the benchmark's data
/// set (bench/README.md says where that took care): the yardstick of the offline benchmark.
/// </summary>
internal sealed class DuckDbAudiences : IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly Dictionary<string, string> _queries;

    private DuckDbAudiences(DuckDBConnection connection, DateTimeOffset asOf)
    {
        _connection = connection;
        _queries = Queries(asOf);
    }

    /// <summary>A fresh in-memory database with <paramref name="threads"/> threads, the data set loaded into its tables.</summary>
    public static DuckDbAudiences Load(string folder, DateTimeOffset asOf, int threads)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var audiences = new DuckDbAudiences(connection, asOf);
        audiences.Execute($"SET threads = {threads}");
        // Nested objects as the structs DuckDB's own detection finds in this data set, every column loaded: the
        // whole data set, as `segments evaluate` reads it.
        audiences.Execute($"""
            CREATE TABLE contacts AS SELECT * FROM read_json({Quote(Path.Combine(folder, "contacts.jsonl"))},
              format = 'newline_delimited',
              columns = {"{"}id: 'VARCHAR', email: 'VARCHAR', createdAt: 'TIMESTAMPTZ',
                         fields: 'STRUCT(company VARCHAR, mrr DOUBLE, plan VARCHAR, trial_ends VARCHAR, vip BOOLEAN)',
                         lists: 'STRUCT(newsletter VARCHAR, product VARCHAR)'{"}"})
            """);
        audiences.Execute($"""
            CREATE TABLE events AS SELECT * FROM read_json({Quote(Path.Combine(folder, "events.jsonl"))},
              format = 'newline_delimited',
              columns = {"{"}id: 'VARCHAR', contactId: 'VARCHAR', kind: 'VARCHAR', name: 'VARCHAR', "at": 'TIMESTAMPTZ',
                         campaignId: 'VARCHAR', properties: 'STRUCT(path VARCHAR, sku VARCHAR, bounceType VARCHAR, listId VARCHAR, machine BOOLEAN)',
                         geo: 'STRUCT(country VARCHAR, region VARCHAR, city VARCHAR)',
                         device: 'STRUCT(client VARCHAR, type VARCHAR, os VARCHAR)',
                         value: 'DOUBLE', currency: 'VARCHAR', bot: 'BOOLEAN'{"}"})
            """);
        return audiences;
    }

    public void SetThreads(int threads) => Execute($"SET threads = {threads}");

    /// <summary>The members of an audience, sorted by id (ordinal).</summary>
    public List<string> Members(string audience)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = _queries[audience];
        using var reader = command.ExecuteReader();
        var members = new List<string>();
        while (reader.Read())
        {
            members.Add(reader.GetString(0));
        }
        members.Sort(StringComparer.Ordinal);
        return members;
    }

    /// <summary>How many members: the whole query runs, only the rows are not shipped to .NET.</summary>
    public long Count(string audience)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM ({_queries[audience]})";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The audiences of tests/data/seed-audiences/segments.json. Windows are <c>T − d &lt; at ≤ T</c> and every
    /// event condition ignores events after T; event names compare ignoring case (lower(), exact for the ASCII
    /// names here), kinds and list ids exactly; a bot's email event and a machine open (v2: <c>properties.machine</c>
    /// true, which the generator writes only as a JSON boolean) are no engagement; a list's status is the last
    /// subscribe or unsubscribe naming it at or before T (ties: the larger id), else the recorded one. Only contacts of
    /// contacts.jsonl are members (events of unknown contacts join nothing).
    /// </summary>
    private static Dictionary<string, string> Queries(DateTimeOffset asOf)
    {
        string At(TimeSpan back) => $"TIMESTAMPTZ '{(asOf - back).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture)}+00'";
        var t = At(TimeSpan.Zero);
        var purchased = $"EXISTS (SELECT 1 FROM events e WHERE e.contactId = c.id AND e.kind = 'conversion' AND lower(e.name) = 'purchase' AND e.\"at\" <= {t})";
        string Engaged(string names, int days) =>
            $"EXISTS (SELECT 1 FROM events e WHERE e.contactId = c.id AND e.kind = 'email' AND lower(e.name) IN ({names}) " +
            $"AND NOT coalesce(e.bot, false) AND NOT (lower(e.name) = 'open' AND coalesce(e.properties.machine, false)) " +
            $"AND e.\"at\" > {At(TimeSpan.FromDays(days))} AND e.\"at\" <= {t})";
        var viewedPricing = "EXISTS (SELECT 1 FROM events e WHERE e.contactId = c.id AND e.kind = 'pixel' AND lower(e.name) = 'page_view' " +
            $"AND starts_with(lower(e.properties.path), '/pricing') AND e.\"at\" <= {t})";
        var newsletterStatus = "coalesce((SELECT CASE lower(e.name) WHEN 'subscribe' THEN 'subscribed' ELSE 'unsubscribed' END FROM events e " +
            "WHERE e.contactId = c.id AND e.kind = 'email' AND lower(e.name) IN ('subscribe', 'unsubscribe') " +
            $"AND e.properties.listId = 'newsletter' AND e.\"at\" <= {t} ORDER BY e.\"at\" DESC, e.id DESC LIMIT 1), c.lists.newsletter)";
        return new Dictionary<string, string>
        {
            ["customers"] = $"SELECT c.id FROM contacts c WHERE {purchased}",
            ["win-back"] = $"SELECT c.id FROM contacts c WHERE {purchased} AND NOT {Engaged("'open'", 60)}",
            ["hot-prospects"] = $"SELECT c.id FROM contacts c WHERE {viewedPricing} AND NOT {purchased}",
            ["vip"] = $"SELECT c.id FROM contacts c WHERE c.fields.mrr > 500 AND {Engaged("'open', 'click'", 14)}",
            ["re-permission"] = $"SELECT c.id FROM contacts c WHERE {newsletterStatus} = 'subscribed' " +
                $"AND NOT {Engaged("'open', 'click'", 90)}",
        };
    }

    private static string Quote(string text) => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";
}

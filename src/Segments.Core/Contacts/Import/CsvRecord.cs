using System.Text;

namespace Segments.Core.Contacts.Import;

/// <summary>The fields of one RFC 4180 CSV record: comma-separated, a field in quotes may hold commas, line breaks and doubled quotes.</summary>
public static class CsvRecord
{
    /// <summary>The fields, or why the record is not CSV.</summary>
    public static (IReadOnlyList<string>? Fields, string? Error) Parse(string record)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            field.Clear();
            if (i < record.Length && record[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= record.Length)
                    {
                        return (null, $"field {fields.Count + 1} opens a quote that is not closed");
                    }
                    if (record[i] == '"')
                    {
                        if (i + 1 < record.Length && record[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(record[i++]);
                }
                if (i < record.Length && record[i] != ',')
                {
                    return (null, $"field {fields.Count + 1} has text after its closing quote");
                }
            }
            else
            {
                var comma = record.IndexOf(',', i);
                var stop = comma < 0 ? record.Length : comma;
                if (record.AsSpan(i, stop - i).Contains('"'))
                {
                    return (null, $"field {fields.Count + 1} holds a quote but is not quoted (quote the field and double the quote)");
                }
                field.Append(record, i, stop - i);
                i = stop;
            }
            fields.Add(field.ToString());
            if (i >= record.Length)
            {
                return (fields, null);
            }
            i++; // the comma
        }
    }
}

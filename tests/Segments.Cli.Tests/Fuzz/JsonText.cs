using System.Text;

namespace Segments.Cli.Tests.Fuzz;

/// <summary>
/// JSON as a generator writes it: a tree whose leaves are raw text, so it can hold what no serializer writes (an
/// escaped lone surrogate, <c>1e400</c>, a name given twice) exactly where a mutation puts it.
/// </summary>
internal abstract record JsonText
{
    public abstract void Write(StringBuilder text);

    // Sealed: the records below would each write their properties instead.
    public sealed override string ToString()
    {
        var text = new StringBuilder();
        Write(text);
        return text.ToString();
    }

    /// <summary>The number of values in this tree, this one included.</summary>
    public abstract int Count { get; }

    /// <summary>This tree with the value at <paramref name="index"/> (in the order of <see cref="Count"/>) replaced.</summary>
    public abstract JsonText Replace(int index, Func<JsonText, JsonText> replace);

    public static JsonText String(string value) => new Raw(System.Text.Json.JsonSerializer.Serialize(value));
}

/// <summary>A value written as it is: a scalar, or anything a mutation makes up.</summary>
internal sealed record Raw(string Text) : JsonText
{
    public override int Count => 1;

    public override void Write(StringBuilder text) => text.Append(Text);

    public override JsonText Replace(int index, Func<JsonText, JsonText> replace) => index == 0 ? replace(this) : this;
}

/// <summary>An object; each name is raw JSON string text (with its quotes).</summary>
internal sealed record ObjectText(IReadOnlyList<(string Name, JsonText Value)> Properties) : JsonText
{
    public override int Count => 1 + Properties.Sum(p => p.Value.Count);

    public override void Write(StringBuilder text)
    {
        text.Append('{');
        for (var i = 0; i < Properties.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }
            text.Append(Properties[i].Name).Append(':');
            Properties[i].Value.Write(text);
        }
        text.Append('}');
    }

    public override JsonText Replace(int index, Func<JsonText, JsonText> replace)
    {
        if (index == 0)
        {
            return replace(this);
        }
        index--;
        var properties = new List<(string, JsonText)>(Properties.Count);
        foreach (var (name, value) in Properties)
        {
            properties.Add((name, index >= 0 && index < value.Count ? value.Replace(index, replace) : value));
            index -= value.Count;
        }
        return new ObjectText(properties);
    }
}

internal sealed record ArrayText(IReadOnlyList<JsonText> Items) : JsonText
{
    public override int Count => 1 + Items.Sum(i => i.Count);

    public override void Write(StringBuilder text)
    {
        text.Append('[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }
            Items[i].Write(text);
        }
        text.Append(']');
    }

    public override JsonText Replace(int index, Func<JsonText, JsonText> replace)
    {
        if (index == 0)
        {
            return replace(this);
        }
        index--;
        var items = new List<JsonText>(Items.Count);
        foreach (var item in Items)
        {
            items.Add(index >= 0 && index < item.Count ? item.Replace(index, replace) : item);
            index -= item.Count;
        }
        return new ArrayText(items);
    }
}

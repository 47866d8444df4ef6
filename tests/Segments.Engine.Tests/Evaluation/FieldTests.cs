namespace Segments.Engine.Tests.Evaluation;

public class FieldTests
{
    private static bool Field(string contact, string name, string op, string? value = null) =>
        new Scenario().Contact(contact).Matches(value is null
            ? $$"""{"field":{"name":"{{name}}","op":"{{op}}"} }"""
            : $$"""{"field":{"name":"{{name}}","op":"{{op}}","value":{{value}} } }""");

    private const string Pro = """{"id":"c1","email":"Ana@Example.com","fields":{"plan":"Pro","mrr":620,"vip":true,"trial_ends":"2026-11-30"}}""";
    private const string Bare = """{"id":"c1"}""";
    private const string WrongTypes = """{"id":"c1","fields":{"plan":42,"mrr":"620","vip":"yes","trial_ends":"soon"}}""";
    private const string Nulls = """{"id":"c1","fields":{"plan":null,"mrr":null}}""";

    [Theory]
    [InlineData("eq", "\"pro\"", true)]
    [InlineData("neq", "\"PRO\"", false)]
    [InlineData("contains", "\"R\"", true)]
    [InlineData("not_contains", "\"r\"", false)]
    [InlineData("starts_with", "\"p\"", true)]
    [InlineData("ends_with", "\"O\"", true)]
    [InlineData("in", "[\"free\",\"PRO\"]", true)]
    [InlineData("not_in", "[\"free\",\"pro\"]", false)]
    public void Text_operators_ignore_case(string op, string value, bool expected) =>
        Assert.Equal(expected, Field(Pro, "plan", op, value));

    [Theory]
    [InlineData("exists", null, false)]
    [InlineData("not_exists", null, true)]
    [InlineData("eq", "\"Pro\"", false)]
    [InlineData("neq", "\"Pro\"", true)]
    [InlineData("contains", "\"P\"", false)]
    [InlineData("not_contains", "\"P\"", true)]
    [InlineData("in", "[\"Pro\"]", false)]
    [InlineData("not_in", "[\"Pro\"]", true)]
    [InlineData("starts_with", "\"P\"", false)]
    public void Missing_text_is_false_except_for_negative_operators(string op, string? value, bool expected)
    {
        Assert.Equal(expected, Field(Bare, "plan", op, value));
        Assert.Equal(expected, Field(WrongTypes, "plan", op, value));
        Assert.Equal(expected, Field(Nulls, "plan", op, value));
    }

    [Theory]
    [InlineData("gt", "500", true)]
    [InlineData("gt", "620", false)]
    [InlineData("gte", "620", true)]
    [InlineData("lt", "620", false)]
    [InlineData("lte", "620", true)]
    [InlineData("eq", "620", true)]
    [InlineData("neq", "620", false)]
    [InlineData("between", "[620, 700]", true)]
    [InlineData("between", "[100, 620]", true)]
    [InlineData("between", "[621, 700]", false)]
    [InlineData("in", "[1, 620]", true)]
    [InlineData("not_in", "[1, 620]", false)]
    [InlineData("in", "[620, 1]", true)]
    [InlineData("not_in", "[620, 1]", false)]
    public void Number_operators(string op, string value, bool expected) => Assert.Equal(expected, Field(Pro, "mrr", op, value));

    [Theory]
    [InlineData("gt", "0", false)]
    [InlineData("lt", "1000", false)]
    [InlineData("neq", "620", true)]
    [InlineData("not_in", "[620]", true)]
    [InlineData("between", "[0, 1000]", false)]
    public void A_number_field_holding_a_string_is_missing(string op, string value, bool expected)
    {
        Assert.Equal(expected, Field(WrongTypes, "mrr", op, value));
        Assert.Equal(expected, Field(Bare, "mrr", op, value));
    }

    [Fact]
    public void Boolean_eq_and_missing()
    {
        Assert.True(Field(Pro, "vip", "eq", "true"));
        Assert.False(Field(Pro, "vip", "eq", "false"));
        Assert.False(Field(WrongTypes, "vip", "eq", "true"));
        Assert.False(Field(WrongTypes, "vip", "eq", "false"));
        Assert.False(Field(WrongTypes, "vip", "exists"));
    }

    [Fact]
    public void Built_in_fields_read_the_profile()
    {
        const string contact = """{"id":"c1","email":"ana@example.com","firstName":"Ana","createdAt":"2024-03-01T09:00:00Z"}""";
        Assert.True(Field(contact, "email", "ends_with", "\"@EXAMPLE.com\""));
        Assert.True(Field(contact, "first_name", "eq", "\"ana\""));
        Assert.True(Field(contact, "last_name", "not_exists"));
        Assert.True(Field(contact, "created_at", "before", "\"2024-03-02\""));
        Assert.True(Field(contact, "created_at", "eq", "\"2024-03-01T09:00:00Z\""));
    }

    // trial_ends = 2026-11-30 (midnight UTC); T = 2026-11-26T12:00:00Z.
    [Theory]
    [InlineData("eq", "\"2026-11-30\"", true)]
    [InlineData("eq", "\"2026-11-30T00:00:00Z\"", true)]
    [InlineData("eq", "\"2026-11-30T00:00:01Z\"", false)]
    [InlineData("before", "\"2026-11-30\"", false)]
    [InlineData("before", "\"2026-12-01\"", true)]
    [InlineData("before", "\"2026-11-30T00:00:00Z\"", false)]
    [InlineData("before", "\"2026-11-30T00:00:01Z\"", true)]
    [InlineData("after", "\"2026-11-29\"", true)]
    [InlineData("after", "\"2026-11-30\"", false)]
    [InlineData("after", "\"2026-11-29T23:59:59Z\"", true)]
    [InlineData("after", "\"2026-11-30T00:00:00Z\"", false)]
    [InlineData("between", "[\"2026-11-01\", \"2026-11-30\"]", true)]
    [InlineData("between", "[\"2026-11-30\", \"2026-12-31\"]", true)]
    [InlineData("between", "[\"2026-11-01T00:00:00Z\", \"2026-11-29T23:59:59Z\"]", false)]
    [InlineData("between", "[\"2026-11-01\", \"2026-11-30T00:00:00Z\"]", true)]
    [InlineData("eq", "\"2026-11-29\"", false)]
    [InlineData("between", "[\"2026-11-01\", \"2026-11-29\"]", false)]
    [InlineData("within_next", "\"7d\"", true)]
    [InlineData("within_next", "\"3d\"", false)]
    [InlineData("within_next", "\"84h\"", true)]
    [InlineData("within_last", "\"7d\"", false)]
    [InlineData("more_than_ago", "\"1d\"", false)]
    public void Dates_as_days_versus_date_times(string op, string value, bool expected) =>
        Assert.Equal(expected, Field(Pro, "trial_ends", op, value));

    // A value at noon: a day operand covers the whole day, not only its midnight.
    [Theory]
    [InlineData("eq", "\"2026-11-30\"", true)]
    [InlineData("eq", "\"2026-11-29\"", false)]
    [InlineData("after", "\"2026-11-30\"", false)]
    [InlineData("after", "\"2026-11-29\"", true)]
    [InlineData("between", "[\"2026-11-01\", \"2026-11-30\"]", true)]
    [InlineData("between", "[\"2026-11-01\", \"2026-11-29\"]", false)]
    public void A_day_operand_covers_the_whole_day(string op, string value, bool expected) =>
        Assert.Equal(expected, Field("""{"id":"c1","fields":{"trial_ends":"2026-11-30T12:00:00Z"}}""", "trial_ends", op, value));

    [Fact]
    public void Relative_date_edges_are_inclusive_where_the_language_says()
    {
        // created_at exactly T − 7d: within_last 7d includes it; more_than_ago 7d does not.
        const string contact = """{"id":"c1","createdAt":"2026-11-19T12:00:00Z"}""";
        Assert.True(Field(contact, "created_at", "within_last", "\"7d\""));
        Assert.False(Field(contact, "created_at", "more_than_ago", "\"7d\""));
        Assert.True(Field(contact, "created_at", "more_than_ago", "\"6d\""));
    }

    [Fact]
    public void A_date_field_that_does_not_parse_is_missing()
    {
        Assert.False(Field(WrongTypes, "trial_ends", "exists"));
        Assert.False(Field(WrongTypes, "trial_ends", "before", "\"2030-01-01\""));
        Assert.True(Field(WrongTypes, "trial_ends", "not_exists"));
    }
}

using Segments.Engine.Evaluation;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Engine.Tests.Evaluation;

/// <summary>The rules of the language's "Version 2 additions", each at its edge.</summary>
public class VersionTwoTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private const string LastCartOver100 = """{"pixel":{"event":"add_to_cart","seen":"last","where":[{"property":"total","op":"gt","value":100}]}}""";

    [Fact]
    public void Seen_last_tests_only_the_most_recent_event_and_ties_go_to_the_larger_id()
    {
        var older = new Scenario()
            .EventAt(-2 * Day, """{"kind":"pixel","name":"add_to_cart","properties":{"total":150}}""")
            .EventAt(-Day, """{"kind":"pixel","name":"add_to_cart","properties":{"total":40}}""");
        Assert.False(older.Matches(LastCartOver100));
        Assert.True(older.Matches(LastCartOver100.Replace("\"seen\":\"last\"", "\"seen\":\"any\"")));
        Assert.True(older.Matches(LastCartOver100, Scenario.T - 1.5 * Day));
        var tie = new Scenario()
            .EventAt(-Day, """{"id":"b","kind":"pixel","name":"add_to_cart","properties":{"total":150}}""")
            .EventAt(-Day, """{"id":"a","kind":"pixel","name":"add_to_cart","properties":{"total":40}}""");
        Assert.True(tie.Matches(LastCartOver100));
        Assert.False(new Scenario().Matches(LastCartOver100));
    }

    [Fact]
    public void Seen_last_within_a_window_without_an_event_in_it_is_false()
    {
        var s = new Scenario().EventAt(-10 * Day, """{"kind":"pixel","name":"add_to_cart","properties":{"total":150}}""");
        Assert.True(s.Matches(LastCartOver100));
        Assert.False(s.Matches(LastCartOver100.Replace("\"seen\"", "\"within\":\"7d\",\"seen\"")));
    }

    [Fact]
    public void Seen_last_conversion_checks_the_campaign_of_that_one_conversion()
    {
        var s = new Scenario()
            .EventAt(-3 * Day, """{"kind":"conversion","name":"purchase","campaignId":"cmp-1"}""")
            .EventAt(-Day, """{"kind":"conversion","name":"purchase"}""");
        Assert.False(s.Matches("""{"conversion":{"seen":"last","campaign":"cmp-1"}}"""));
        Assert.True(s.Matches("""{"conversion":{"campaign":"cmp-1"}}"""));
    }

    [Theory]
    [InlineData("product.price", "gt", "100", true)]
    [InlineData("items[].sku", "eq", "\"SKI-2\"", true)]
    [InlineData("items[].tags[]", "eq", "\"sale\"", true)]
    [InlineData("items[].sku", "neq", "\"ski-2\"", false)]
    [InlineData("items[].sku", "neq", "\"none\"", true)]
    [InlineData("items[].sku", "not_in", "[\"ski-1\",\"ski-2\"]", false)]
    [InlineData("items.sku", "exists", null, false)]
    [InlineData("items.sku", "neq", "\"ski-2\"", true)]
    [InlineData("product[].price", "exists", null, false)]
    [InlineData("items[].price", "exists", null, false)]
    [InlineData("items[].price", "not_exists", null, true)]
    [InlineData("product", "exists", null, true)]
    [InlineData("product", "eq", "\"x\"", false)]
    [InlineData("product", "neq", "\"x\"", true)]
    [InlineData("items[]", "exists", null, true)]
    public void A_path_yields_values_and_any_of_them_decides(string path, string op, string? value, bool expected)
    {
        var s = new Scenario().EventAt(-Day, """
            {"kind":"pixel","name":"add_to_cart","properties":{"product":{"sku":"SKI-1","price":120},
             "items":[{"sku":"ski-1","tags":["new"]},{"sku":"SKI-2","tags":["Sale"]},null]}}
            """);
        var predicate = value is null ? $$"""{"property":"{{path}}","op":"{{op}}"}""" : $$"""{"property":"{{path}}","op":"{{op}}","value":{{value}}}""";
        Assert.Equal(expected, s.Matches($$$"""{"pixel":{"event":"add_to_cart","where":[{{{predicate}}}]}}"""));
    }

    [Fact]
    public void Two_predicates_on_an_array_may_hold_on_different_elements()
    {
        var s = new Scenario().EventAt(-Day, """{"kind":"pixel","name":"add_to_cart","properties":{"items":[{"sku":"a","price":5},{"sku":"b","price":500}]}}""");
        Assert.True(s.Matches("""{"pixel":{"event":"add_to_cart","where":[{"property":"items[].sku","op":"eq","value":"a"},{"property":"items[].price","op":"gt","value":100}]}}"""));
    }

    [Theory]
    [InlineData("""{"fields":{"interests":["Ski","golf"]}}""", """{"op":"includes","value":"SKI"}""", true)]
    [InlineData("""{"fields":{"interests":["Ski","golf"]}}""", """{"op":"includes_all","value":["ski","GOLF"]}""", true)]
    [InlineData("""{"fields":{"interests":["Ski","golf"]}}""", """{"op":"includes_all","value":["ski","chess"]}""", false)]
    [InlineData("""{"fields":{"interests":["Ski","golf"]}}""", """{"op":"includes_any","value":["chess","golf"]}""", true)]
    [InlineData("""{"fields":{"interests":["Ski","golf"]}}""", """{"op":"not_includes","value":"ski"}""", false)]
    [InlineData("""{"fields":{"interests":[]}}""", """{"op":"exists"}""", true)]
    [InlineData("""{"fields":{"interests":[]}}""", """{"op":"includes_any","value":["ski"]}""", false)]
    [InlineData("""{"fields":{"interests":["ski",1]}}""", """{"op":"exists"}""", false)]
    [InlineData("""{"fields":{"interests":["ski",1]}}""", """{"op":"not_includes","value":"ski"}""", true)]
    [InlineData("""{"fields":{"interests":"ski"}}""", """{"op":"includes","value":"ski"}""", false)]
    [InlineData("""{"fields":{}}""", """{"op":"not_exists"}""", true)]
    public void Tags_compare_ignoring_case_and_anything_but_strings_is_missing(string fields, string test, bool expected)
    {
        var s = new Scenario().Contact($$"""{"id":"c1",{{fields[1..^1]}}}""");
        Assert.Equal(expected, s.Matches($$$"""{"field":{"name":"interests",{{{test[1..^1]}}}}}"""));
    }

    [Fact]
    public void A_text_field_holding_an_array_is_a_missing_value_not_a_bad_contact()
    {
        var s = new Scenario().Contact("""{"id":"c1","fields":{"plan":["pro"]}}""");
        Assert.True(s.Matches("""{"field":{"name":"plan","op":"not_exists"}}"""));
    }

    [Fact]
    public void Buckets_split_contacts_stably_and_two_halves_cover_everyone_once()
    {
        // The contract's formula, worked by hand for one id: SHA-256("spring-test:c1"), first 8 bytes, mod 100.
        var hash = System.Security.Cryptography.SHA256.HashData("spring-test:c1"u8);
        var expected = (int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash) % 100);
        Assert.Equal(expected, BucketCondition.Of("spring-test", "c1"));
        var ids = Enumerable.Range(0, 1000).Select(i => $"c{i}").ToArray();
        var a = ids.Count(id => new BucketCondition("spring-test", 0, 49).Holds(id));
        var b = ids.Count(id => new BucketCondition("spring-test", 50, 99).Holds(id));
        Assert.Equal(1000, a + b);
        Assert.InRange(a, 430, 570);
        Assert.True(new Scenario().Matches("""{"everyone":{}}"""));
    }

    [Fact]
    public void Machine_opens_count_only_when_asked_and_only_a_json_true_marks_one()
    {
        var s = new Scenario()
            .EventAt(-Day, """{"name":"open","campaignId":"c","properties":{"machine":true}}""")
            .EventAt(-Day, """{"name":"open","campaignId":"c","properties":{"machine":"true"}}""");
        Assert.True(s.Matches("""{"engagement":{"event":"open","count":{"op":"eq","value":1}}}"""));
        Assert.True(s.Matches("""{"engagement":{"event":"engaged","machineOpens":"include","count":{"op":"eq","value":2}}}"""));
        var machineOnly = new Scenario().EventAt(-Day, """{"name":"open","properties":{"machine":true}}""");
        Assert.False(machineOnly.Matches("""{"engagement":{"event":"engaged","within":"30d"}}"""));
        Assert.True(machineOnly.Matches("""{"not":{"engagement":{"event":"open","within":"60d"}}}"""));
    }

    [Fact]
    public void A_subscribe_after_an_unsubscribe_puts_the_contact_back_on_the_list()
    {
        var s = new Scenario()
            .Contact("""{"id":"c1","lists":{"news":"subscribed"}}""")
            .EventAt(-3 * Day, """{"name":"unsubscribe","properties":{"listId":"news"}}""")
            .EventAt(-Day, """{"name":"subscribe","properties":{"listId":"news"}}""");
        Assert.True(s.Matches("""{"list":{"id":"news"}}"""));
        Assert.True(s.Matches("""{"list":{"id":"news","status":"unsubscribed"}}""", Scenario.T - 2 * Day));
        Assert.True(s.Matches("""{"engagement":{"event":"subscribe"}}"""));
    }

    [Fact]
    public void List_changes_at_one_instant_apply_in_event_id_order()
    {
        var s = new Scenario()
            .EventAt(-Day, """{"id":"e2","name":"subscribe","properties":{"listId":"news"}}""")
            .EventAt(-Day, """{"id":"e1","name":"unsubscribe","properties":{"listId":"news"}}""");
        Assert.True(s.Matches("""{"list":{"id":"news"}}"""));
        var t = new Scenario()
            .EventAt(-Day, """{"id":"e1","name":"subscribe","properties":{"listId":"news"}}""")
            .EventAt(-Day, """{"id":"e2","name":"unsubscribe","properties":{"listId":"news"}}""");
        Assert.True(t.Matches("""{"list":{"id":"news","status":"unsubscribed"}}"""));
    }

    [Fact]
    public void A_global_subscribe_ends_the_event_implied_opt_out_and_a_later_unsubscribe_starts_another()
    {
        var document = new Scenario()
            .EventAt(-5 * Day, """{"name":"unsubscribe"}""")
            .EventAt(-4 * Day, """{"name":"unsubscribe"}""")
            .EventAt(-3 * Day, """{"name":"subscribe"}""").Document();
        Assert.Equal((Scenario.T - 5 * Day).UtcTicks, document.OptedOutSince(null, (Scenario.T - 3.5 * Day).UtcTicks));
        Assert.Null(document.OptedOutSince(null, Scenario.T.UtcTicks));
        var again = new Scenario()
            .EventAt(-5 * Day, """{"name":"unsubscribe"}""")
            .EventAt(-3 * Day, """{"name":"subscribe"}""")
            .EventAt(-2 * Day, """{"name":"unsubscribe"}""")
            .EventAt(-Day, """{"name":"unsubscribe"}""").Document();
        Assert.Equal((Scenario.T - 2 * Day).UtcTicks, again.OptedOutSince(null, Scenario.T.UtcTicks));
    }
}

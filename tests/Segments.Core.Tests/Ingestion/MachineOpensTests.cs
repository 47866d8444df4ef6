using System.Net;
using Segments.Core.Ingestion;
using Segments.Engine.Language;
using Segments.Engine.Model;

namespace Segments.Core.Tests.Ingestion;

public class MachineOpensTests
{
    [Theory]
    [InlineData("Mozilla/5.0", null, true)]
    [InlineData(" Mozilla/5.0 ", null, true)]
    [InlineData(null, "17.0.0.1", true)]
    [InlineData(null, "17.255.255.255", true)]
    [InlineData(null, "::ffff:17.58.1.2", true)]
    [InlineData(null, "18.0.0.1", false)]
    [InlineData(null, "16.255.255.255", false)]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)", "81.2.69.142", false)]
    [InlineData("Barracuda Sentinel (EE)", null, true)]
    [InlineData("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)", null, false)]
    [InlineData(null, null, false)]
    public void Apple_s_proxy_by_address_or_user_agent_and_security_scanners_are_machines(string? userAgent, string? address, bool machine) =>
        Assert.Equal(machine, MachineOpens.Recognise(userAgent, address is null ? null : IPAddress.Parse(address)) is not null);
}

public class QueryPropertiesTests
{
    private static (PropertyBag Bag, List<ValidationError> Errors) Read(params (string Name, string Text)[] parameters)
    {
        var errors = new List<ValidationError>();
        var bag = QueryProperties.Read([.. parameters.Select(p => KeyValuePair.Create(p.Name, p.Text))], errors);
        return (bag, errors);
    }

    [Fact]
    public void Names_with_dots_and_indexes_build_nested_values_and_skipped_elements_are_null()
    {
        var (bag, errors) = Read(("items[2].sku", "c"), ("items[0].sku", "a"), ("product.name", "Ski"), ("grid[1][0]", "x"), ("plain", "1"));
        Assert.Empty(errors);
        var items = bag.Get("items").List!.Items;
        Assert.Equal(["a", null, "c"], items.Select(i => i.Record?.Get("sku").Text));
        Assert.Equal("Ski", bag.Get("product").Record!.Get("name").Text);
        Assert.Equal("x", bag.Get("grid").List!.Items[1].List!.Items[0].Text);
        Assert.Equal(ValueKind.Text, bag.Get("plain").Kind); // Text, as in v1: a query string has no types.
    }

    [Fact]
    public void A_name_given_twice_keeps_the_last_value_as_in_v1() =>
        Assert.Equal("2", Read(("a", "1"), ("a", "2")).Bag.Get("a").Text);

    [Theory]
    [InlineData("a", "a.b")]
    [InlineData("a.b", "a")]
    [InlineData("a[0]", "a.b")]
    [InlineData("a.b", "a[0]")]
    public void A_name_that_is_both_a_value_and_a_container_is_an_error_at_its_path(string first, string second)
    {
        var errors = Read((first, "1"), (second, "2")).Errors;
        Assert.Equal($"$.properties.{second}", Assert.Single(errors).Path);
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData("a[x]")]
    [InlineData("a[100]")]
    [InlineData("[0]")]
    [InlineData("a.b.c.d.e.f.g.h.i")]
    public void Malformed_or_too_deep_names_are_errors(string name) => Assert.NotEmpty(Read((name, "1")).Errors);
}

using Segments.Engine.Language;

namespace Segments.Engine.Tests.Language;

/// <summary>The language's limits at their exact edges: the longest window and the deepest property path.</summary>
public class LimitTests
{
    [Theory]
    [InlineData("3650d", true)]
    [InlineData("3651d", false)]
    [InlineData("87600h", true)]
    [InlineData("87601h", false)]
    [InlineData("5256000m", true)]
    [InlineData("5256001m", false)]
    [InlineData("521w", true)]
    [InlineData("522w", false)]
    public void The_longest_window_is_3650_days_in_every_unit(string text, bool valid) =>
        Assert.Equal(valid, Duration.TryParse(text, out _, out _));

    [Fact]
    public void No_text_is_no_duration()
    {
        Assert.False(Duration.TryParse(null, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void A_path_has_at_most_eight_names()
    {
        Assert.NotNull(PropertyPath.Parse(string.Join('.', Enumerable.Repeat("a", PropertyPath.MaxNames)), out _));
        Assert.Null(PropertyPath.Parse(string.Join('.', Enumerable.Repeat("a", PropertyPath.MaxNames + 1)), out var error));
        Assert.Contains("at most", error);
    }

    [Theory]
    [InlineData("[a")]
    [InlineData("a.[b]")]
    [InlineData("a]")]
    public void A_bracket_is_no_part_of_a_name(string text) => Assert.Null(PropertyPath.Parse(text, out _));

    [Fact]
    public void Only_a_single_name_without_brackets_is_a_plain_name()
    {
        Assert.True(PropertyPath.Parse("items", out _)!.IsName);
        Assert.False(PropertyPath.Parse("items[]", out _)!.IsName);
        Assert.False(PropertyPath.Parse("product.price", out _)!.IsName);
    }
}

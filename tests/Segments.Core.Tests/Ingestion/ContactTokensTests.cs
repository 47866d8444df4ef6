using System.Text;
using Microsoft.Extensions.Time.Testing;
using Segments.Core.Ingestion;

namespace Segments.Core.Tests.Ingestion;

public class ContactTokensTests
{
    private static readonly byte[] SecretA = Encoding.UTF8.GetBytes("tenant-a-secret-0123456789abcdef");
    private static readonly byte[] SecretB = Encoding.UTF8.GetBytes("tenant-b-secret-0123456789abcdef");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_token_verifies_for_its_tenant_and_names_the_contact()
    {
        var tokens = new ContactTokens(_time);
        var (token, problem) = tokens.Verify(tokens.Issue("a", "c42", SecretA), "a", SecretA);
        Assert.Equal(TokenProblem.None, problem);
        Assert.Equal("c42", token!.ContactId);
        Assert.Equal(_time.GetUtcNow() + ContactTokens.DefaultLifetime, token.ExpiresAt);
    }

    [Fact]
    public void A_changed_payload_or_another_secret_is_forged()
    {
        var tokens = new ContactTokens(_time);
        var issued = tokens.Issue("a", "c42", SecretA);
        var otherPayload = tokens.Issue("a", "c43", SecretA).Split('.')[0];
        Assert.Equal(TokenProblem.Forged, tokens.Verify($"{otherPayload}.{issued.Split('.')[1]}", "a", SecretA).Problem);
        Assert.Equal(TokenProblem.Forged, tokens.Verify(issued, "a", SecretB).Problem);
    }

    [Fact]
    public void A_token_of_another_tenant_is_refused_even_when_signed_with_this_secret() =>
        Assert.Equal(TokenProblem.WrongTenant, new ContactTokens(_time).Verify(new ContactTokens(_time).Issue("b", "c1", SecretA), "a", SecretA).Problem);

    [Fact]
    public void A_token_expires()
    {
        var tokens = new ContactTokens(_time);
        var issued = tokens.Issue("a", "c42", SecretA, TimeSpan.FromHours(1));
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(TokenProblem.None, tokens.Verify(issued, "a", SecretA).Problem);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TokenProblem.Expired, tokens.Verify(issued, "a", SecretA).Problem);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData(".sig")]
    [InlineData("!!!.???")]
    public void Garbage_is_malformed_not_an_exception(string? token) =>
        Assert.Equal(TokenProblem.Malformed, new ContactTokens(_time).Verify(token, "a", SecretA).Problem);
}

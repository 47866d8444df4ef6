using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Segments.Core.Ingestion;
using Segments.Core.Tenancy;
using Segments.Engine.Documents;
using Segments.Engine.Input;
using Segments.Engine.Model;
using Segments.TestSupport.Stores;

namespace Segments.Core.Tests.Ingestion;

public class PixelIdentitiesTests
{
    private const string Visitor = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("tenant-a-secret-0123456789abcdef");
    private static readonly Tenant TenantA = new("tenant-a", ApiKeyHash.Of("unused-key-0123456789abcdef"), "pk-a", Secret, []);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_visitor_alone_writes_in_the_visitor_scope_and_a_token_writes_for_its_contact_joining_the_visitor()
    {
        var identities = new PixelIdentities(new ContactTokens(_time));
        Assert.Equal(new PixelIdentity("tenant-a~visitors", Visitor, null), identities.Resolve(TenantA, null, Visitor).Identity);
        var token = new ContactTokens(_time).Issue("tenant-a", "c42", Secret);
        Assert.Equal(new PixelIdentity("tenant-a", "c42", Visitor), identities.Resolve(TenantA, token, Visitor).Identity);
        Assert.Equal(new PixelIdentity("tenant-a", "c42", null), identities.Resolve(TenantA, token, null).Identity);
    }

    [Fact]
    public void Nobody_a_malformed_visitor_and_any_bad_token_are_refused()
    {
        var identities = new PixelIdentities(new ContactTokens(_time));
        Assert.Equal(IdentityRefusal.Anonymous, identities.Resolve(TenantA, null, null).Refusal);
        Assert.Equal(IdentityRefusal.BadVisitor, identities.Resolve(TenantA, null, "too-short").Refusal);
        Assert.Equal(IdentityRefusal.BadVisitor, identities.Resolve(TenantA, null, Visitor + "\n").Refusal);
        var expired = new ContactTokens(new FakeTimeProvider(_time.GetUtcNow().AddDays(-2))).Issue("tenant-a", "c42", Secret, TimeSpan.FromDays(1));
        Assert.Equal((IdentityRefusal.BadToken, TokenProblem.Expired), Refusal(identities.Resolve(TenantA, expired, Visitor)));
        var forged = new ContactTokens(_time).Issue("tenant-a", "c42", Encoding.UTF8.GetBytes("another-secret-0123456789abcdef!"));
        Assert.Equal((IdentityRefusal.BadToken, TokenProblem.Forged), Refusal(identities.Resolve(TenantA, forged, Visitor)));
        var otherTenant = new ContactTokens(_time).Issue("tenant-b", "c42", Secret);
        Assert.Equal((IdentityRefusal.BadToken, TokenProblem.WrongTenant), Refusal(identities.Resolve(TenantA, otherTenant, null)));
    }

    [Fact]
    public void Visitor_scopes_are_no_tenant_scope()
    {
        Assert.Equal("tenant-a~visitors", Visitors.ScopeOf("tenant-a"));
        Assert.DoesNotMatch(Segments.Engine.Language.DefinitionParser.IdShape(), Visitors.ScopeOf("tenant-a"));
    }

    [Fact]
    public async Task A_join_republishes_the_visitors_events_under_the_contact_with_their_ids_and_times()
    {
        var store = new InMemoryContactStore();
        var events = Enumerable.Range(0, VisitorJoin.MaxJoinedEvents + 5).Select(i => Read(
            $$$"""{"id":"v{{{i:D4}}}","contactId":"{{{Visitor}}}","kind":"pixel","name":"page_view","at":"2026-11-20T10:{{{i / 60:D2}}}:{{{i % 60:D2}}}.1234567Z","properties":{"path":"/p{{{i}}}"}}""")).ToList();
        var visitor = new ContactFolder(new FoldOptions()).Fold(new ContactDocument(Visitor), events).Document;
        await store.WriteAsync("tenant-a~visitors", visitor, null);

        var joined = await new VisitorJoin(store).EventsToJoinAsync("tenant-a", Visitor, "c42", CancellationToken.None);

        Assert.Equal(VisitorJoin.MaxJoinedEvents, joined.Count);
        Assert.All(joined, e => Assert.Equal(("tenant-a", "c42"), (e.Tenant, e.ContactId)));
        var expected = visitor.Events.Skip(5).Select(e => e.ToEvent("c42")).ToList();
        Assert.Equal(expected, joined.Select(e => Read(Encoding.UTF8.GetString(e.Json.Span))));

        // Folded under the contact, a second join changes nothing: same ids, same times.
        var folder = new ContactFolder(new FoldOptions());
        var contact = folder.Fold(new ContactDocument("c42"), expected).Document;
        Assert.Equal(0, folder.Fold(contact, expected).Added);
        Assert.Empty(await new VisitorJoin(store).EventsToJoinAsync("tenant-a", "never-seen-visitor-id", "c42", CancellationToken.None));
    }

    private static (IdentityRefusal, TokenProblem) Refusal((PixelIdentity?, IdentityRefusal Refusal, TokenProblem Problem) result) =>
        (result.Refusal, result.Problem);

    private static ContactEvent Read(string json)
    {
        var (e, errors) = InputReader.ReadEvent(JsonDocument.Parse(json).RootElement);
        Assert.Empty(errors);
        return e!;
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Segments.Core.Ports;
using Segments.Engine.Documents;
using Segments.TestSupport.Stores;

namespace Segments.Api.Tests;

public sealed class ContactApiTests : IAsyncLifetime
{
    private readonly ConflictingContactStore _contacts = new(new InMemoryContactStore());
    private ApiHost _host = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiHost.StartAsync(builder =>
        {
            builder.Services.AddSingleton<ICatalogStore, InMemoryCatalogStore>();
            builder.Services.AddSingleton<ISuppressionStore, InMemorySuppressionStore>();
            builder.Services.AddSingleton<IContactStore>(_contacts);
        });
        _api = _host.Client(TestTenant.A);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_profile_is_created_replaced_and_read()
    {
        var created = await (await _api.PutAsync("/api/contacts/c01", Routes.Contact)).JsonAsync(HttpStatusCode.Created);
        await (await _api.PutAsync("/api/contacts/c01", """{"id":"c01","email":"ana@example.org","createdAt":"2024-03-01T09:00:00Z","fields":{"vip":true}}"""))
            .JsonAsync();

        var read = await (await _api.GetAsync("/api/contacts/c01")).JsonAsync();

        Assert.Equal("ana@example.com", created.GetProperty("email").GetString());
        Assert.Equal(620, created.GetProperty("fields").GetProperty("mrr").GetDouble());
        Assert.Equal("subscribed", created.GetProperty("lists").GetProperty("newsletter").GetString());
        Assert.Equal("ana@example.org", read.GetProperty("email").GetString());
        Assert.Equal("2024-03-01T09:00:00Z", read.GetProperty("createdAt").GetString());
        Assert.True(read.GetProperty("fields").GetProperty("vip").GetBoolean());
        Assert.False(read.GetProperty("fields").TryGetProperty("mrr", out _));
        Assert.Equal(0, read.GetProperty("activity").GetProperty("events").GetInt32());
    }

    [Fact]
    public async Task The_fold_writing_the_same_contact_meanwhile_is_retried()
    {
        await (await _api.PutAsync("/api/contacts/c01", Routes.Contact)).JsonAsync(HttpStatusCode.Created);
        _contacts.ConflictsToRaise = 2;

        var replaced = await (await _api.PutAsync("/api/contacts/c01", """{"email":"new@example.com"}""")).JsonAsync();

        Assert.Equal("new@example.com", replaced.GetProperty("email").GetString());
        Assert.Equal(0, _contacts.ConflictsToRaise);
    }

    [Theory]
    [InlineData("""{"id":"c02","email":"x@example.com"}""", "$.id")]
    [InlineData("""{"lists":{"newsletter":5}}""", "$.lists.newsletter")]
    [InlineData("""{"fields":["plan"]}""", "$.fields")]
    [InlineData("""[]""", "$")]
    public async Task A_bad_profile_is_refused_with_its_path(string body, string path)
    {
        var problem = await (await _api.PutAsync("/api/contacts/c01", body)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(path, problem.Errors.Select(e => e.Path));
        await (await _api.GetAsync("/api/contacts/c01")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_field_holding_an_array_or_object_is_kept_and_shown_as_it_came()
    {
        // v2: a profile value not of its field's type is a missing value to segments, not a bad profile; tags are arrays.
        var created = await (await _api.PutAsync("/api/contacts/c01", """{"fields":{"interests":["ski","Golf"],"plan":{"name":"pro"}}}""")).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(["ski", "Golf"], created.GetProperty("fields").GetProperty("interests").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("pro", created.GetProperty("fields").GetProperty("plan").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Suppressions_are_added_once_and_shown_with_the_contact()
    {
        await _api.PutAsync("/api/contacts/c01", Routes.Contact);
        const string Two = """[{"contactId":"c01","reason":"complaint","at":"2026-10-02T00:00:00Z"},{"contactId":"c01","reason":"manual","at":"2026-10-01T00:00:00+02:00"}]""";

        var receipt = await (await _api.PostAsync("/api/suppressions", Two)).JsonAsync();
        await (await _api.PostAsync("/api/suppressions", Two)).JsonAsync();

        Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());
        var contact = await (await _api.GetAsync("/api/contacts/c01")).JsonAsync();
        Assert.Equal(
            [("manual", "2026-09-30T22:00:00Z"), ("complaint", "2026-10-02T00:00:00Z")],
            contact.GetProperty("suppressions").EnumerateArray().Select(s => (s.GetProperty("reason").GetString(), s.GetProperty("at").GetString())));
    }

    [Fact]
    public async Task A_batch_with_a_bad_suppression_is_refused_whole()
    {
        var problem = await (await _api.PostAsync("/api/suppressions",
            """[{"contactId":"c01","reason":"manual","at":"2026-10-01T00:00:00Z"},{"contactId":"c01","reason":"bored","at":"2026-10-01"}]"""))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var notArray = await (await _api.PostAsync("/api/suppressions", """{"contactId":"c01"}""")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["$[1].reason", "$[1].at"], problem.Errors.Select(e => e.Path));
        Assert.Equal("$", Assert.Single(notArray.Errors).Path);
        Assert.Empty(await _host.Get<ISuppressionStore>().ForContactAsync(TestTenant.A.Id, "c01"));
    }

    /// <summary>Refuses the next writes as if the stream fold had written the contact since it was read.</summary>
    private sealed class ConflictingContactStore(IContactStore inner) : DelegatingContactStore(inner)
    {
        public int ConflictsToRaise { get; set; }

        public override Task<string> WriteAsync(string tenant, ContactDocument document, string? ifMatch, CancellationToken cancellationToken = default)
        {
            if (ConflictsToRaise > 0)
            {
                ConflictsToRaise--;
                throw new ConcurrencyConflictException(tenant, document.Id);
            }
            return base.WriteAsync(tenant, document, ifMatch, cancellationToken);
        }
    }
}

using Microsoft.Playwright;

namespace Segments.Console.Tests.Browser;

[Collection(ConsoleCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ContactsTests(ConsoleFixture console)
{
    [Fact]
    public async Task A_contact_found_by_id_shows_its_profile_lists_and_timeline()
    {
        var page = await console.SignedInPageAsync("contacts");
        await page.GetByLabel("Contact id or e-mail").FillAsync("c0000001");
        await page.Locator("fluent-button", new() { HasText = "Find" }).ClickAsync();

        await page.WaitForURLAsync("**/contacts/c0000001");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "c0000001" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".timeline li").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Lists" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_contacts_explanation_shows_why_it_is_in_or_out_of_a_segment()
    {
        var page = await console.SignedInPageAsync("contacts/c0000001");

        await page.GetByRole(AriaRole.Button, new() { Name = "hot-prospects: why?" }).ClickAsync();

        var explanation = page.Locator(".explain");
        await Assertions.Expect(explanation).ToContainTextAsync("hot-prospects");
        await Assertions.Expect(explanation.Locator("[data-path]").First).ToBeVisibleAsync();
    }
}

using Microsoft.Playwright;

namespace Turntide.BrowserTests;

/// <summary>The forum operator keeps the label vocabulary on the taxonomy page; members only read it.</summary>
public sealed class TaxonomyEditorTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static ILocator Row(IPage page, string label) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.Locator("code", new() { HasTextString = label }) });

    [Fact]
    public async Task TheForumOperatorAddsATermRetiresItAndRestoresItWhileAMemberOnlyReadsIt()
    {
        const string label = "entity:browser-test-group";
        var curator = await fixture.SignedInPageAsync("curator@browser.test");
        await BrowserFixture.WithScreenshotOnFailureAsync(curator, "taxonomy-operator", async () =>
        {
            await curator.GotoAsync("/taxonomy");
            await curator.GetByLabel("Label (facet:name)").FillAsync(label);
            await curator.GetByLabel("Description").FillAsync("made up for the browser test");
            await curator.GetByRole(AriaRole.Button, new() { Name = "Add term" }).ClickAsync();
            await Assertions.Expect(Row(curator, label)).ToContainTextAsync("active");
            await Assertions.Expect(Row(curator, label)).ToContainTextAsync("made up for the browser test");

            await curator.GetByRole(AriaRole.Button, new() { Name = "Retire " + label }).ClickAsync();
            // Retiring asks first, naming what carries the term; only the confirmation retires it.
            await Assertions.Expect(curator.GetByRole(AriaRole.Alertdialog)).ToContainTextAsync("0 items in 0 banks carry " + label);
            await Assertions.Expect(Row(curator, label)).ToContainTextAsync("active");
            await curator.GetByRole(AriaRole.Alertdialog).GetByRole(AriaRole.Button, new() { Name = "Retire " + label }).ClickAsync();
            await Assertions.Expect(Row(curator, label)).ToContainTextAsync("retired");

            await curator.GetByRole(AriaRole.Button, new() { Name = "Restore " + label }).ClickAsync();
            await Assertions.Expect(Row(curator, label)).ToContainTextAsync("active");

            // A label outside the fixed facets is refused with a message, and nothing is added.
            await curator.GetByLabel("Label (facet:name)").FillAsync("colour:blue");
            await curator.GetByRole(AriaRole.Button, new() { Name = "Add term" }).ClickAsync();
            await Assertions.Expect(curator.GetByRole(AriaRole.Alert)).ToContainTextAsync("colour");
            await Assertions.Expect(Row(curator, "colour:blue")).ToHaveCountAsync(0);
        });
        await curator.Context.CloseAsync();

        var member = await fixture.SignedInPageAsync("alpha@browser.test");
        await BrowserFixture.WithScreenshotOnFailureAsync(member, "taxonomy-member", async () =>
        {
            await member.GotoAsync("/taxonomy");
            await Assertions.Expect(Row(member, label)).ToContainTextAsync("active");
            await Assertions.Expect(member.GetByRole(AriaRole.Button, new() { Name = "Add term" })).ToHaveCountAsync(0);
            await Assertions.Expect(member.GetByRole(AriaRole.Button, new() { Name = "Retire " + label })).ToHaveCountAsync(0);
        });
        await member.Context.CloseAsync();
    }
}

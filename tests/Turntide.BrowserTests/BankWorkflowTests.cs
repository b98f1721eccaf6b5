using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Turntide.Server.Features.Members;

namespace Turntide.BrowserTests;

public sealed class BankWorkflowTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Hash = "d8f871cce0f4e84d8a370a32028f63f4b36e27d597621e1d33e6b39c4e9c9b24";

    [Fact]
    public async Task ACuratorSignsInCreatesABankAddsAHashAndFindsItBySearch()
    {
        var page = await fixture.SignedInPageAsync("curator@browser.test");
        await BrowserFixture.WithScreenshotOnFailureAsync(page, nameof(ACuratorSignsInCreatesABankAddsAHashAndFindsItBySearch), async () =>
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Banks" }).ClickAsync();
            await page.GetByLabel("Name").FillAsync("BROWSER_BANK");
            await page.GetByLabel("Description").FillAsync("Made by the browser test");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create bank" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "BROWSER_BANK" })).ToBeVisibleAsync();

            await page.GetByLabel("Signal type").SelectOptionAsync("pdq");
            await page.GetByLabel("Signal (hex)").FillAsync(Hash);
            await page.GetByLabel("Labels (comma separated)").FillAsync("severity:crisis, behaviour:recruitment");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add item" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("enabled");
            await Assertions.Expect(page.GetByText("content.add")).ToBeVisibleAsync();

            // Search as one types: htmx swaps in the results without a page load.
            await page.GetByRole(AriaRole.Link, new() { Name = "Search" }).ClickAsync();
            var near = Hash[..^1] + "5"; // one bit away
            await page.GetByLabel("Hash or label").FillAsync(near);
            var match = page.GetByTestId("match");
            await Assertions.Expect(match).ToHaveCountAsync(1);
            await Assertions.Expect(match).ToContainTextAsync("BROWSER_BANK");
            await Assertions.Expect(match).ToContainTextAsync("severity:crisis");
            Assert.Matches(new Regex("/search$"), page.Url);
            await BrowserFixture.KeepScreenshotAsync(page, "search-by-hash");

            await page.GetByLabel("Hash or label").FillAsync("behaviour:recr");
            await Assertions.Expect(match).ToHaveCountAsync(1);
            await match.GetByRole(AriaRole.Link).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Item") })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText(Hash)).ToBeVisibleAsync();
            await BrowserFixture.KeepScreenshotAsync(page, "content-details");
        });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ACuratorDisablesABankOnlyAfterConfirmingAndUndoesItFromTheHistory()
    {
        var page = await fixture.SignedInPageAsync("curator@browser.test");
        await BrowserFixture.WithScreenshotOnFailureAsync(page, nameof(ACuratorDisablesABankOnlyAfterConfirmingAndUndoesItFromTheHistory), async () =>
        {
            await page.GotoAsync("/banks");
            await page.GetByLabel("Name").FillAsync("BROWSER_DISABLE");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create bank" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "BROWSER_DISABLE (enabled)" })).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = "Disable bank" }).ClickAsync();
            // A new bank is private to its owner: one member matches against it.
            var dialog = page.GetByRole(AriaRole.Alertdialog);
            await Assertions.Expect(dialog).ToContainTextAsync("BROWSER_DISABLE holds 0 items that 1 member matches against.");
            await BrowserFixture.KeepScreenshotAsync(page, "bank-disable-confirmation");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "BROWSER_DISABLE (enabled)" })).ToBeVisibleAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Disable BROWSER_DISABLE" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "BROWSER_DISABLE (disabled)" })).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = "Undo this disable" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "BROWSER_DISABLE (enabled)" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("bank-history")).ToContainTextAsync("bank.enable");
        });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AnAuthorityOfficerIsRefusedTheBanks()
    {
        var page = await fixture.SignedInPageAsync("officer@browser.test");
        await BrowserFixture.WithScreenshotOnFailureAsync(page, nameof(AnAuthorityOfficerIsRefusedTheBanks), async () =>
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Banks" })).ToHaveCountAsync(0);
            var response = await page.GotoAsync("/banks");
            Assert.Equal(403, response!.Status);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
            Assert.Contains("/denied", page.Url);
        });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AWrongPasswordIsTold()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/banks");
        await page.GetByLabel("Email").FillAsync("curator@browser.test");
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(SignInModel.Refused);
        await page.Context.CloseAsync();
    }
}

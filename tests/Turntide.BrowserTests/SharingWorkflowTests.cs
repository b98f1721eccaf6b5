using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Opinions;

namespace Turntide.BrowserTests;

/// <summary>Members share signals through the hub's pages: contribute, merge, browse, give opinions, quarantine, private banks.</summary>
public sealed class SharingWorkflowTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private Actor Member(string letter) =>
        new(Actor.PersonKind, "seed-" + letter, "Seed " + letter, fixture.Platforms[letter], OrganisationKinds.Platform, [Roles.Analyst]);

    private async Task<Bank> BankAsync(string name)
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BankService>().CreateBankAsync(Member("A"), name, "shared in the browser tests", shared: true);
    }

    private static ILocator Nav(IPage page, string name) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    [Fact]
    public async Task AMemberContributesAFileAnotherMergesTheSameSignalAndBothAppearWithTheOpinions()
    {
        await BankAsync("BROWSER_SHARED");
        var file = RandomNumberGenerator.GetBytes(4096);
        var md5 = Convert.ToHexStringLower(MD5.HashData(file));

        var alpha = await fixture.SignedInPageAsync("alpha@browser.test");
        await BrowserFixture.WithScreenshotOnFailureAsync(alpha, "contribute-new", async () =>
        {
            await Nav(alpha, "Contribute").ClickAsync();
            await alpha.GetByLabel("File", new() { Exact = true }).SetInputFilesAsync(new FilePayload { Name = "sample.bin", MimeType = "application/octet-stream", Buffer = file });
            await alpha.GetByRole(AriaRole.Button, new() { Name = "Hash file" }).ClickAsync();
            await Assertions.Expect(alpha.GetByTestId("hash-message")).ToContainTextAsync("md5, sha256 filled in");
            await Assertions.Expect(alpha.Locator($"input[value='{md5}']")).ToHaveCountAsync(1);
            await alpha.GetByLabel("Bank").SelectOptionAsync(new SelectOptionValue { Label = "BROWSER_SHARED" });
            await alpha.GetByLabel("severity:crisis").CheckAsync();
            await alpha.GetByLabel("Note").FillAsync("from our upload queue");
            await alpha.GetByRole(AriaRole.Button, new() { Name = "Contribute", Exact = true }).ClickAsync();
            await Assertions.Expect(alpha.GetByRole(AriaRole.Status)).ToContainTextAsync("New item");
            await Assertions.Expect(alpha.GetByTestId("provenance")).ToContainTextAsync("Browser Platform A");
        });
        await alpha.Context.CloseAsync();

        var beta = await fixture.SignedInPageAsync("beta@browser.test");
        await BrowserFixture.WithScreenshotOnFailureAsync(beta, "contribute-merged", async () =>
        {
            await Nav(beta, "Contribute").ClickAsync();
            await beta.GetByLabel("Bank").SelectOptionAsync(new SelectOptionValue { Label = "BROWSER_SHARED" });
            await beta.GetByLabel("Signal 1 type").SelectOptionAsync("md5");
            await beta.GetByLabel("Signal 1 value").FillAsync(md5);
            await beta.GetByLabel("behaviour:recruitment").CheckAsync();
            await beta.GetByRole(AriaRole.Button, new() { Name = "Contribute", Exact = true }).ClickAsync();
            await Assertions.Expect(beta.GetByRole(AriaRole.Status)).ToContainTextAsync("Merged with an existing item: 2 members contributed it");
            var provenance = beta.GetByTestId("provenance");
            await Assertions.Expect(provenance).ToContainTextAsync("Browser Platform A");
            await Assertions.Expect(provenance).ToContainTextAsync("Browser Platform B");
            await BrowserFixture.KeepScreenshotAsync(beta, "shared-item-merged");

            await beta.GetByLabel("Saw this too: we met it on our service").CheckAsync();
            await beta.GetByLabel("Note", new() { Exact = true }).FillAsync("three uploads this week");
            await beta.GetByRole(AriaRole.Button, new() { Name = "Record opinion" }).ClickAsync();
            await Assertions.Expect(beta.GetByRole(AriaRole.Status)).ToContainTextAsync("Opinion recorded");
            await Assertions.Expect(beta.GetByTestId("opinions")).ToContainTextAsync("three uploads this week");

            // Browse: the filter swaps the results in place (htmx) and the row carries provenance and opinions.
            await Nav(beta, "Shared signals").ClickAsync();
            await beta.GetByLabel("Label").SelectOptionAsync("behaviour:recruitment");
            var row = beta.GetByTestId("shared-item");
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row).ToContainTextAsync("Browser Platform A, Browser Platform B");
            await Assertions.Expect(row).ToContainTextAsync("1 saw too");
            await Assertions.Expect(row).ToContainTextAsync("confidence 0.67");
            Assert.Matches(new Regex("/shared$"), beta.Url);
            await BrowserFixture.KeepScreenshotAsync(beta, "shared-signals");
        });
        await beta.Context.CloseAsync();
    }

    [Fact]
    public async Task ADisagreementOverTheThresholdQuarantinesTheItemAndTheOperatorRestoresIt()
    {
        var bank = await BankAsync("BROWSER_DISPUTED");
        Guid item;
        await using (var scope = fixture.Services.CreateAsyncScope())
        {
            var contributions = scope.ServiceProvider.GetRequiredService<ContributionService>();
            var result = await contributions.ContributeAsync(Member("A"), new NewContribution(bank.Name,
                [new SignalDto("md5", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)))], ["severity:promotional"], null));
            item = result.Content.Id;
            // Two members already disagree; the default threshold is three.
            var opinions = scope.ServiceProvider.GetRequiredService<OpinionService>();
            foreach (var letter in new[] { "C", "D" })
                Assert.False((await opinions.GiveAsync(Member(letter), item, new NewOpinion(OpinionKinds.Disagree, "a news photo", null))).Quarantined);
        }

        var beta = await fixture.SignedInPageAsync("beta@browser.test");
        await BrowserFixture.WithScreenshotOnFailureAsync(beta, "opinion-quarantine", async () =>
        {
            await beta.GotoAsync($"/shared/{item}");
            await beta.GetByLabel("Disagree: it should not be shared at all").CheckAsync();
            await beta.GetByRole(AriaRole.Button, new() { Name = "Record opinion" }).ClickAsync();
            await Assertions.Expect(beta.GetByRole(AriaRole.Status)).ToContainTextAsync("the item is quarantined");
            await Assertions.Expect(beta.GetByTestId("status")).ToHaveTextAsync("quarantined");
            await Assertions.Expect(Nav(beta, "Quarantine")).ToHaveCountAsync(0);
        });
        await beta.Context.CloseAsync();

        var curator = await fixture.SignedInPageAsync("curator@browser.test");
        await BrowserFixture.WithScreenshotOnFailureAsync(curator, "quarantine-restore", async () =>
        {
            await Nav(curator, "Quarantine").ClickAsync();
            var open = curator.GetByTestId("open-case").Filter(new() { HasText = item.ToString()[..8] });
            await Assertions.Expect(open).ToContainTextAsync("3 of 3 members disagree");
            await Assertions.Expect(open).ToContainTextAsync("Browser Platform B");
            await BrowserFixture.KeepScreenshotAsync(curator, "quarantine-queue");
            await open.GetByLabel("Note on the decision").FillAsync("checked: real propaganda");
            await open.GetByRole(AriaRole.Button, new() { Name = "Restore" }).ClickAsync();
            await Assertions.Expect(curator.GetByRole(AriaRole.Status)).ToContainTextAsync("Restored: the item matches again.");
            await Assertions.Expect(curator.GetByTestId("closed-cases")).ToContainTextAsync("checked: real propaganda");
            await curator.GotoAsync($"/shared/{item}");
            await Assertions.Expect(curator.GetByTestId("status")).ToHaveTextAsync("enabled");
        });
        await curator.Context.CloseAsync();
    }

    [Fact]
    public async Task APrivateBankIsNotShownToANonMember()
    {
        var alpha = await fixture.SignedInPageAsync("alpha@browser.test");
        string bankUrl = "";
        await BrowserFixture.WithScreenshotOnFailureAsync(alpha, "private-bank-owner", async () =>
        {
            await Nav(alpha, "Banks").ClickAsync();
            await alpha.GetByLabel("Name").FillAsync("BROWSER_PRIVATE");
            await alpha.GetByRole(AriaRole.Button, new() { Name = "Create bank" }).ClickAsync();
            await alpha.GetByLabel("Private: only the owner and the members ticked below see it").CheckAsync();
            await alpha.GetByLabel("Browser Platform C").CheckAsync();
            await alpha.GetByRole(AriaRole.Button, new() { Name = "Save who sees it" }).ClickAsync();
            await Assertions.Expect(alpha.GetByTestId("sharing")).ToContainTextAsync("Private: seen only by its owner, Browser Platform A, and the members named on it: Browser Platform C.");
            bankUrl = alpha.Url;
        });
        await alpha.Context.CloseAsync();

        var beta = await fixture.SignedInPageAsync("beta@browser.test");
        await BrowserFixture.WithScreenshotOnFailureAsync(beta, "private-bank-outsider", async () =>
        {
            await Nav(beta, "Banks").ClickAsync();
            await Assertions.Expect(beta.GetByRole(AriaRole.Heading, new() { Name = "Banks" })).ToBeVisibleAsync();
            await Assertions.Expect(beta.GetByText("BROWSER_PRIVATE")).ToHaveCountAsync(0);
            await Nav(beta, "Contribute").ClickAsync();
            await Assertions.Expect(beta.Locator("#bank option", new() { HasText = "BROWSER_PRIVATE" })).ToHaveCountAsync(0);
            var response = await beta.GotoAsync(bankUrl);
            Assert.Equal(404, response!.Status);
        });
        await beta.Context.CloseAsync();
    }
}

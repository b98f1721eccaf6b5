using System.Text;
using Microsoft.Playwright;

namespace Turntide.BrowserTests;

/// <summary>The bank page's import form and export links, as a curator uses them.</summary>
public sealed class BankTransferTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string First = "d8f871cce0f4e84d8a370a32028f63f4b36e27d597621e1d33e6b39c4e9c9b24";
    private const string Second = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task ACuratorImportsACsvFileSeesTheReportAndDownloadsTheBank()
    {
        var page = await fixture.SignedInPageAsync("curator@browser.test");
        await BrowserFixture.WithScreenshotOnFailureAsync(page, nameof(ACuratorImportsACsvFileSeesTheReportAndDownloadsTheBank), async () =>
        {
            await page.GotoAsync("/banks");
            await page.GetByLabel("Name").FillAsync("IMPORTED_BANK");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create bank" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "IMPORTED_BANK" })).ToBeVisibleAsync();

            var csv = "signal_type,signal,labels,note\r\n"
                + $"pdq,{First},severity:crisis;behaviour:threat,\"from a partner, checked\"\r\n"
                + "pdq,not-a-hash,,\r\n"
                + $"pdq,{Second},,\r\n";
            await page.GetByLabel("File").SetInputFilesAsync(new FilePayload
            {
                Name = "partner.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv),
            });
            await page.GetByLabel("Format").SelectOptionAsync("csv");
            await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();

            var report = page.GetByRole(AriaRole.Region, new() { Name = "Import report" });
            await Assertions.Expect(report).ToContainTextAsync("3 lines read: 2 added, 0 duplicates skipped, 1 failed.");
            await Assertions.Expect(report.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("3");
            await Assertions.Expect(report.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("Malformed pdq signal");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Items (2)" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText(First)).ToBeVisibleAsync();
            await BrowserFixture.KeepScreenshotAsync(page, "bank-import-report");

            var download = await page.RunAndWaitForDownloadAsync(() =>
                page.GetByRole(AriaRole.Link, new() { Name = "JSON Lines" }).ClickAsync());
            Assert.Equal("IMPORTED_BANK.jsonl", download.SuggestedFilename);
            var path = await download.PathAsync();
            var lines = (await File.ReadAllLinesAsync(path!)).Where(l => l.Length > 0).ToList();
            Assert.Equal(2, lines.Count);
            Assert.Contains(lines, l => l.Contains(First) && l.Contains("\"note\":\"from a partner, checked\"") && l.Contains("\"behaviour:threat\",\"severity:crisis\""));
        });
        await page.Context.CloseAsync();
    }
}

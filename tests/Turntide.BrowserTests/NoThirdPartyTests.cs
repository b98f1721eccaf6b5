using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;

namespace Turntide.BrowserTests;

/// <summary>
/// Every page a signed-in person can reach, the API reference and the error pages load nothing from another host
/// and break no rule of their Content-Security-Policy.
/// </summary>
public sealed class NoThirdPartyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string AdminEmail = "pages-admin@browser.test";

    private async Task ArrangeAsync()
    {
        await using var scope = fixture.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
        if (await db.Users.AnyAsync(u => u.Email == AdminEmail))
            return;
        var forum = await db.Organisations.SingleAsync(o => o.Name == "Browser Forum");
        await TestMembers.CreatePersonAsync(fixture.Services, forum.Id, [Roles.Admin], AdminEmail, "Pages Admin", BrowserFixture.Password);
        // A bank with an item, so the crawl reaches the bank and item pages too.
        var owner = new Actor(Actor.PersonKind, "seed-pages", "Seed pages", forum.Id, OrganisationKinds.Forum, [Roles.Admin]);
        var banks = scope.ServiceProvider.GetRequiredService<BankService>();
        var bank = await banks.CreateBankAsync(owner, "BROWSER_PAGES", "for the third-party check");
        await banks.AddContentAsync(owner, bank.Id, new NewContent([new SignalDto("md5", new string('e', 32))], null, "page check", null));
    }

    [Fact]
    public async Task NoPageRequestsAnythingFromAnotherHostOrBreaksItsPolicy()
    {
        await ArrangeAsync();
        var origin = new Uri(fixture.BaseUrl).GetLeftPart(UriPartial.Authority);
        var foreign = new ConcurrentQueue<string>();
        var violations = new ConcurrentQueue<string>();
        var page = await fixture.SignedInPageAsync(AdminEmail);
        page.Context.Request += (_, request) =>
        {
            var url = request.Url;
            if (!url.StartsWith(origin + "/", StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal) && !url.StartsWith("blob:", StringComparison.Ordinal))
                foreign.Enqueue($"{page.Url} asked for {url}");
        };
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
                violations.Enqueue($"{page.Url}: {message.Text}");
        };

        var visited = new List<string>();
        await BrowserFixture.WithScreenshotOnFailureAsync(page, "no-third-party", async () =>
        {
            // Two levels of links from the dashboard reach every page in the navigation and the pages they list.
            var queue = new Queue<(string Path, int Depth)>([("/", 0), ("/account", 1), ("/api/docs/", 2), ("/no-such-page", 2), ("/denied", 2)]);
            var seen = new HashSet<string>(queue.Select(q => q.Path));
            while (queue.Count > 0 && visited.Count < 60)
            {
                var (path, depth) = queue.Dequeue();
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
                visited.Add(path);
                if (path.StartsWith("/api/docs", StringComparison.Ordinal))
                    // The reference renders its operations from the OpenAPI document: wait until it has.
                    await Assertions.Expect(page.GetByText("Turntide API").First).ToBeVisibleAsync();
                if (depth >= 2)
                    continue;
                foreach (var href in await page.Locator("main a[href^='/'], nav a[href^='/']").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"))
                {
                    var link = href.Split('#')[0];
                    // Downloads and sign-out are not pages.
                    if (link.Length == 0 || link.Contains("handler=Export", StringComparison.OrdinalIgnoreCase) || link.StartsWith("/signout", StringComparison.Ordinal))
                        continue;
                    if (seen.Add(link))
                        queue.Enqueue((link, depth + 1));
                }
            }
        });
        await page.Context.CloseAsync();

        // The check reached the pages that matter.
        foreach (var expected in new[] { "/banks", "/shared", "/contribute", "/taxonomy", "/organisations", "/audit", "/api/docs/", "/no-such-page" })
            Assert.Contains(expected, visited);
        Assert.Contains(visited, p => p.StartsWith("/banks/", StringComparison.Ordinal));
        Assert.True(foreign.IsEmpty, "Requests to other hosts:\n" + string.Join("\n", foreign));
        Assert.True(violations.IsEmpty, "Content-Security-Policy violations:\n" + string.Join("\n", violations));
    }

    [Fact]
    public async Task TheSignInPageLoadsNothingFromAnotherHost()
    {
        var origin = new Uri(fixture.BaseUrl).GetLeftPart(UriPartial.Authority);
        var page = await fixture.NewPageAsync();
        var foreign = new ConcurrentQueue<string>();
        page.Context.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(origin + "/", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                foreign.Enqueue(request.Url);
        };
        await page.GotoAsync("/signin", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
        Assert.True(foreign.IsEmpty, "Requests to other hosts:\n" + string.Join("\n", foreign));
    }
}

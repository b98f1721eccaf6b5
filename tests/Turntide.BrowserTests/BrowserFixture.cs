using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Turntide.Server;
using Turntide.Server.Features.Members;

namespace Turntide.BrowserTests;

/// <summary>
/// The real server on a loopback port and Debian's Chromium driven by Playwright (no browser download: the
/// project's set-up installs the chromium package). One server and one browser for all browser tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string Password = "browser test password";

    private readonly string _data = Path.Combine(Path.GetTempPath(), "turntide-browser-tests", Guid.NewGuid().ToString("n"));
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    /// <summary>The server's services, for tests that arrange data the way another member would have.</summary>
    public IServiceProvider Services => _app!.Services;
    /// <summary>Platform members for the sharing tests: A and B have a person each (alpha, beta); C and D only give opinions.</summary>
    public Dictionary<string, Guid> Platforms { get; } = [];
    public static string Screenshots => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: the browser tests need Debian's chromium package (scripts/setup.sh installs it).");
        _app = ServerApp.Build(["--urls", "http://127.0.0.1:0", $"--Turntide:DataDirectory={_data}"]);
        await _app.StartAsync();
        BaseUrl = _app.Urls.First();
        var services = _app.Services;
        var forum = await TestMembers.CreateOrgAsync(services, OrganisationKinds.Forum, "Browser Forum");
        await TestMembers.CreatePersonAsync(services, forum.Id, [Roles.Analyst], "curator@browser.test", "Browser Curator", Password);
        var authority = await TestMembers.CreateOrgAsync(services, OrganisationKinds.Authority, "Browser Authority");
        await TestMembers.CreatePersonAsync(services, authority.Id, [Roles.AuthorityOfficer], "officer@browser.test", "Browser Officer", Password);
        foreach (var letter in new[] { "A", "B", "C", "D" })
            Platforms[letter] = (await TestMembers.CreateOrgAsync(services, OrganisationKinds.Platform, "Browser Platform " + letter)).Id;
        await TestMembers.CreatePersonAsync(services, Platforms["A"], [Roles.Analyst], "alpha@browser.test", "Alpha Analyst", Password);
        await TestMembers.CreatePersonAsync(services, Platforms["B"], [Roles.Analyst], "beta@browser.test", "Beta Analyst", Password);
        // The machine is shared and the first requests JIT the server: warm it up, and allow slow steps.
        using (var warm = new HttpClient { BaseAddress = new Uri(BaseUrl) })
            await warm.GetStringAsync("/signin");
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IPage> SignedInPageAsync(string email)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        try
        {
            // The dashboard's heading is enough to go on. A locator polls the page's DOM, so neither a resource's load
            // event nor a navigation event missed on a busy machine can hold it up (waiting for the URL's
            // DOMContentLoaded once timed out with the dashboard already on screen).
            await page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true }).WaitForAsync();
            if (new Uri(page.Url).AbsolutePath != "/")
                throw new TimeoutException($"the dashboard's heading showed at {page.Url}");
        }
        catch (TimeoutException)
        {
            // Say where the sign-in stopped, so a failure on a busy machine can be told from a refused sign-in.
            await KeepScreenshotAsync(page, "signin-" + email);
            throw new TimeoutException($"Signing in as {email} did not reach the dashboard; the page is {page.Url}: {await page.InnerTextAsync("main")}");
        }
        return page;
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseUrl });
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>Keeps a picture of a page as a person saw it (in the test output folder, for review).</summary>
    public static async Task KeepScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    /// <summary>Runs a browser step and keeps a screenshot when it fails.</summary>
    public static async Task WithScreenshotOnFailureAsync(IPage page, string name, Func<Task> test)
    {
        try
        {
            await test();
        }
        catch
        {
            Directory.CreateDirectory(Screenshots);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, true); } catch (IOException) { }
    }
}

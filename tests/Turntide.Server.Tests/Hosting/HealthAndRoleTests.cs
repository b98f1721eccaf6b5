using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Turntide.Server.Data;
using Turntide.Server.Hosting;

namespace Turntide.Server.Tests.Hosting;

public sealed class HealthAndRoleTests
{
    [Fact]
    public async Task ReadyAnswers503UntilTheIndexesAreLoadedWhileLiveAlwaysAnswers()
    {
        // Without the initializer, nothing marks the database ready, so the indexes cannot load yet.
        await using var server = await TestServer.StartAsync(waitUntilReady: false, replaceServices: services =>
            services.Remove(services.Single(d => d.ImplementationType?.Name == "DatabaseInitializer")));
        using var client = server.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.False(server.Catalog.IsReady);

        await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().MigrateAsync());
        server.Service<DatabaseReady>().Set();
        await server.WaitUntilReadyAsync();
        Assert.True(server.Catalog.IsReady);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task StartUpWithDemoDataBecomesReadyAndMatchesADemoHash()
    {
        // The demo is seeded through the bank service before the indexes load, so the catalog already holds
        // items when the start-up load runs; it must merge them, not fail.
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Turntide:DemoData"] = "true" });
        Assert.True(server.Catalog.IsReady);
        Assert.True(server.Catalog.ContentCount >= 2 * Turntide.Server.Demo.DemoData.ImagesPerBank);
        using var client = server.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Theory]
    [InlineData("hub", true, false)]
    [InlineData("node", false, true)]
    [InlineData("both", true, true)]
    public async Task RoleDecidesWhichApisExist(string role, bool banksApi, bool matchApi)
    {
        await using var server = await TestServer.StartAsync(role: role);
        using var client = server.WithKey(await server.KeyForRoleAsync("analyst"));
        var banks = await client.GetAsync("/api/v1/banks");
        var match = await client.GetAsync("/api/v1/match?signal_type=md5&signal=" + new string('a', 32));
        Assert.Equal(banksApi ? HttpStatusCode.OK : HttpStatusCode.NotFound, banks.StatusCode);
        Assert.Equal(matchApi ? HttpStatusCode.OK : HttpStatusCode.NotFound, match.StatusCode);
    }

    [Fact]
    public async Task UnknownRoleStopsStartUpWithTheSettingNamed()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(role: "curator"));
        Assert.Contains("Turntide:Role", ex.Message);
    }

    [Theory]
    [InlineData("Hub:Url", "http://hub.example.org/", "Turntide:Hub:Url")]
    [InlineData("Hub:Url", "not a url", "Turntide:Hub:Url")]
    [InlineData("Hub:ApiKey", "", "Turntide:Hub:ApiKey")]
    [InlineData("Hub:PollSeconds", "0", "Turntide:Hub:PollSeconds")]
    [InlineData("Hub:PageSize", "5000", "Turntide:Hub:PageSize")]
    [InlineData("QuarantineFloodWindowMinutes", "0", "Turntide:QuarantineFloodWindowMinutes")]
    public async Task ABadHubOrFloodSettingStopsStartUpWithTheSettingNamed(string setting, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Turntide:Hub:Url"] = "https://hub.example.org/",
            ["Turntide:Hub:ApiKey"] = "tt_example_key",
            ["Turntide:" + setting] = value,
        };
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(role: "node", settings: settings));
        Assert.Contains(named, ex.Message);
        Assert.DoesNotContain("tt_example_key", ex.Message);
    }

    [Fact]
    public async Task SqliteDatabaseIsAFileUnderTheDataFolderInWalMode()
    {
        await using var server = await TestServer.StartAsync();
        Assert.True(File.Exists(Path.Combine(server.Database.DataDirectory, "turntide.db")));
        var mode = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().SqliteJournalModeAsync());
        Assert.Equal("wal", mode);
    }

    [Fact]
    public async Task SecurityHeadersAreSentOnPages()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Anonymous();
        var response = await client.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/static/htmx.min.js")).StatusCode);
    }
}

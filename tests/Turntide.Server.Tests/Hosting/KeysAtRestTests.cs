using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Turntide.Server.Hosting;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Hosting;

/// <summary>The sign-in key ring is encrypted on disk, and the data folder's files are the server user's alone.</summary>
public sealed class KeysAtRestTests
{
    private static Dictionary<string, string?> WithKey(string key) => new() { ["Turntide:KeyEncryptionKey"] = key };

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A browser that keeps its cookies across server restarts (cookies ignore the port, which changes).</summary>
    private static HttpClient Browser(CookieContainer cookies) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies });

    private static async Task<HttpStatusCode> DashboardAsync(HttpClient browser, TestServer server) =>
        (await browser.GetAsync(new Uri(server.BaseAddress, "/"))).StatusCode;

    [Fact]
    public async Task TheKeyRingOnDiskHoldsNoReadableKeyAndASignInSurvivesARestartWithTheSameKey()
    {
        var key = NewKey();
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var cookies = new CookieContainer();
        using var browser = Browser(cookies);
        await using (var first = await TestServer.StartAsync(database: database, settings: WithKey(key)))
        {
            var org = await first.CreateOrgAsync(OrganisationKinds.Platform);
            var (_, email) = await first.CreatePersonAsync(org.Id, Roles.Analyst);
            browser.BaseAddress = first.BaseAddress;
            var signIn = await TestServer.PostFormAsync(browser, "/signin", new() { ["Email"] = email, ["Password"] = TestServer.Password });
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.Equal(HttpStatusCode.OK, await DashboardAsync(browser, first));
        }

        var files = Directory.GetFiles(Path.Combine(database.DataDirectory, "keys"), "*.xml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var xml = await File.ReadAllTextAsync(file);
            Assert.Contains("<aesGcmEncryptedKey", xml);
            Assert.DoesNotContain("<masterKey", xml);
            Assert.DoesNotContain("<value>", xml);
        }
        // A configured key is not written anywhere.
        Assert.False(File.Exists(Path.Combine(database.DataDirectory, KeyEncryptionKey.FileName)));

        await using (var second = await TestServer.StartAsync(database: database, settings: WithKey(key)))
            Assert.Equal(HttpStatusCode.OK, await DashboardAsync(browser, second));

        // Another key cannot read the ring: the old sign-in is refused, never trusted.
        await using (var other = await TestServer.StartAsync(database: database, settings: WithKey(NewKey())))
        {
            var response = await browser.GetAsync(new Uri(other.BaseAddress, "/"));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery);
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task WithoutAConfiguredKeyOneIsGeneratedOwnerOnlyAndTheOperatorIsWarned()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var cookies = new CookieContainer();
        using var browser = Browser(cookies);
        await using (var first = await TestServer.StartAsync(database: database))
        {
            var org = await first.CreateOrgAsync(OrganisationKinds.Platform);
            var (_, email) = await first.CreatePersonAsync(org.Id, Roles.Analyst);
            browser.BaseAddress = first.BaseAddress;
            await TestServer.PostFormAsync(browser, "/signin", new() { ["Email"] = email, ["Password"] = TestServer.Password });
            Assert.Equal(HttpStatusCode.OK, await DashboardAsync(browser, first));
            Assert.Contains(first.Logs.Lines, l => l.StartsWith("Warning") && l.Contains(KeyEncryptionKey.FileName) && l.Contains("Turntide:KeyEncryptionKey"));
        }
        var keyFile = Path.Combine(database.DataDirectory, KeyEncryptionKey.FileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(32, Convert.FromBase64String(await File.ReadAllTextAsync(keyFile)).Length);
        Assert.All(Directory.GetFiles(Path.Combine(database.DataDirectory, "keys"), "*.xml"),
            f => Assert.DoesNotContain("<masterKey", File.ReadAllText(f)));

        // The same generated key is used again after a restart.
        await using var second = await TestServer.StartAsync(database: database);
        Assert.Equal(HttpStatusCode.OK, await DashboardAsync(browser, second));
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("c2hvcnQ=")]
    public async Task AMalformedKeyStopsStartUpWithTheOptionsName(string key)
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(settings: WithKey(key)));
        Assert.Contains("Turntide:KeyEncryptionKey must be base64 of 32 random bytes", failure.Message);
        Assert.DoesNotContain(key, failure.Message);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task TheDatabaseItsJournalAndTheDataFolderAreTheServersUsersAlone()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var data = Path.Combine(database.DataDirectory, "fresh");
        await using (var server = await TestServer.StartAsync(database: database, settings: new Dictionary<string, string?> { ["Turntide:DataDirectory"] = data }))
        {
            // A write, so the write-ahead log exists.
            await server.CreateOrgAsync(OrganisationKinds.Platform);
            const UnixFileMode ownerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, new DirectoryInfo(data).UnixFileMode);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, new DirectoryInfo(Path.Combine(data, "keys")).UnixFileMode);
            Assert.Equal(ownerFile, File.GetUnixFileMode(Path.Combine(data, "turntide.db")));
            Assert.True(File.Exists(Path.Combine(data, "turntide.db-wal")));
            Assert.Equal(ownerFile, File.GetUnixFileMode(Path.Combine(data, "turntide.db-wal")));
            Assert.Equal(ownerFile, File.GetUnixFileMode(Path.Combine(data, "turntide.db-shm")));
        }

        // A database made world-readable by an earlier version is narrowed at the next start.
        File.SetUnixFileMode(Path.Combine(data, "turntide.db"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using (await TestServer.StartAsync(database: database, settings: new Dictionary<string, string?> { ["Turntide:DataDirectory"] = data }))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "turntide.db")));
    }
}

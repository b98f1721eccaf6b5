using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Members;

/// <summary>Sign-in gives nothing away and cannot be hammered; failed key checks are throttled too.</summary>
public sealed partial class SignInHardeningTests
{
    /// <summary>Identity's hasher, counting how many hashes it verifies (the work that made a known account slower).</summary>
    private sealed class CountingHasher : IPasswordHasher<Person>
    {
        private readonly PasswordHasher<Person> _inner = new();
        private int _verified;

        public int Verified => Volatile.Read(ref _verified);

        public string HashPassword(Person user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(Person user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verified);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    [GeneratedRegex("<p class=\"error\" role=\"alert\">([^<]*)</p>")]
    private static partial Regex ErrorMessage();

    private static async Task<(HttpStatusCode Status, string Message, int Hashes)> SignInAsync(
        TestServer server, CountingHasher hasher, string email, string password)
    {
        var client = server.Anonymous();
        await client.GetAsync("/signin"); // the form, for its token, before counting
        int before = hasher.Verified;
        var response = await TestServer.PostFormAsync(client, "/signin", new() { ["Email"] = email, ["Password"] = password });
        var html = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, ErrorMessage().Match(html).Groups[1].Value, hasher.Verified - before);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task UnknownWrongAndLockedAccountsGetTheSameAnswerAfterTheSameWork(string provider)
    {
        var hasher = new CountingHasher();
        await using var server = await TestServer.StartAsync(provider,
            replaceServices: s => s.AddScoped<IPasswordHasher<Person>>(_ => hasher));
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (_, email) = await server.CreatePersonAsync(org.Id, Roles.Analyst);

        var unknown = await SignInAsync(server, hasher, "nobody-" + email, "some password here");
        var wrong = await SignInAsync(server, hasher, email, "wrong password 0");
        for (int i = 1; i < 5; i++)
            await SignInAsync(server, hasher, email, "wrong password " + i);
        var locked = await SignInAsync(server, hasher, email, TestServer.Password);

        foreach (var attempt in new[] { unknown, wrong, locked })
        {
            Assert.Equal(HttpStatusCode.OK, attempt.Status);
            Assert.Equal(SignInModel.Refused, attempt.Message);
            Assert.Equal(1, attempt.Hashes);
        }
        // Locked means locked: the right password did not sign in.
        Assert.Equal(HttpStatusCode.Redirect, (await server.Anonymous().GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task SignInIsThrottledPerAddressWithRetryAfterAndAMessageOnThePage()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Turntide:SignInBurst"] = "3",
            ["Turntide:SignInAttemptsPerMinute"] = "1",
        });
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (_, email) = await server.CreatePersonAsync(org.Id, Roles.Analyst);
        var apiKey = await server.CreateKeyAsync(org.Id, Roles.Analyst);
        var browser = server.Anonymous();
        browser.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        for (int i = 0; i < 3; i++)
        {
            var refused = await TestServer.PostFormAsync(browser, "/signin", new() { ["Email"] = $"guess{i}@example.test", ["Password"] = "a guessed password" });
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        }
        // The bucket is empty: even the right password waits, and the page says how long.
        var throttled = await TestServer.PostFormAsync(browser, "/signin", new() { ["Email"] = email, ["Password"] = TestServer.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        var wait = int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(wait, 1, 60);
        var html = await throttled.Content.ReadAsStringAsync();
        Assert.Contains($"Too many sign-in attempts came from your address. Wait {wait} seconds and try again.", html);
        Assert.Contains("<a href=\"/signin\">Back to sign in</a>", html);
        Assert.False(throttled.Headers.Contains("Set-Cookie") && throttled.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("turntide=")));
        // A machine caller is told the same in a ProblemDetails.
        var machine = await TestServer.PostFormAsync(server.Anonymous(), "/signin", new() { ["Email"] = email, ["Password"] = TestServer.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, machine.StatusCode);
        Assert.Equal("application/problem+json", machine.Content.Headers.ContentType?.MediaType);

        // Only sign-in posts are throttled: the form itself and the API still answer.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/signin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.WithKey(apiKey).GetAsync("/api/v1/banks")).StatusCode);
    }

    [Fact]
    public async Task AControlCharacterInTheReturnUrlSendsTheSignInHome()
    {
        await using var server = await TestServer.StartAsync();
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (_, email) = await server.CreatePersonAsync(org.Id, Roles.Moderator);
        Assert.Equal(HttpStatusCode.OK, (await server.Anonymous().GetAsync("/signin?ReturnUrl=%2F%09%2Fevil.example")).StatusCode);
        foreach (var returnUrl in new[] { "/\t/evil.example", "/\n/evil.example", "/banks\r\n", "/\u007f", "/\\evil.example" })
        {
            var response = await TestServer.PostFormAsync(server.Anonymous(), "/signin",
                new() { ["Email"] = email, ["Password"] = TestServer.Password, ["ReturnUrl"] = returnUrl });
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{Uri.EscapeDataString(returnUrl)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("/", response.Headers.Location!.ToString());
        }
        var fine = await TestServer.PostFormAsync(server.Anonymous(), "/signin",
            new() { ["Email"] = email, ["Password"] = TestServer.Password, ["ReturnUrl"] = "/banks?page=2" });
        Assert.Equal("/banks?page=2", fine.Headers.Location!.ToString());
    }

    [Fact]
    public async Task FailedKeyChecksAreThrottledPerAddressWhileAValidKeyIsNotCounted()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Turntide:ApiKeyFailureBurst"] = "3",
            ["Turntide:ApiKeyFailuresPerMinute"] = "1",
        });
        var valid = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst));
        // Many good calls take nothing from the failure bucket.
        for (int i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.OK, (await valid.GetAsync("/api/v1/banks")).StatusCode);
        var basic = server.Anonymous();
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        var guesses = new[] { server.WithKey("tt_aaaaaaaaaaaa_" + new string('b', 43)), server.WithKey("garbage"), basic };
        foreach (var guess in guesses)
            Assert.Equal(HttpStatusCode.Unauthorized, (await guess.GetAsync("/api/v1/banks")).StatusCode);

        var throttled = await server.WithKey("tt_cccccccccccc_" + new string('d', 43)).GetAsync("/api/v1/banks");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.InRange(int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);
        Assert.Contains("failed API-key checks from this address", await throttled.Content.ReadAsStringAsync());
        // While the address is throttled a right key learns nothing either; anonymous calls are still told to authenticate.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await valid.GetAsync("/api/v1/banks")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Anonymous().GetAsync("/api/v1/banks")).StatusCode);
    }

    [Fact]
    public async Task WithTheDefaultLimitsAFloodOfGuessedKeysIsRefusedAfterThirty()
    {
        await using var server = await TestServer.StartAsync();
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 60; i++)
            statuses.Add((await server.WithKey(i % 2 == 0 ? "garbage" : "tt_aaaaaaaaaaaa_" + new string('b', 43)).GetAsync("/api/v1/banks")).StatusCode);
        // The bucket refills in fractions of a token; a fraction must not let a guess through.
        Assert.All(statuses.Take(30), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(statuses.Skip(30), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }
}

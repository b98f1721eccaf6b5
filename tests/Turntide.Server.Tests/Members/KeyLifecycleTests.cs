using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Members;

/// <summary>API keys' expiry, scope, rotation, revocation of open streams and the least-privileged default.</summary>
public sealed partial class KeyLifecycleTests
{
    private static Task<(ApiKey Key, string Secret)> CreateAsync(TestServer server, Guid org, NewKey request) =>
        server.InScopeAsync(s => s.GetRequiredService<MembersService>().CreateKeyAsync(TestServer.Operator, org, request));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnExpiredKeyIsRefusedWithADetailSayingItExpired(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (key, secret) = await CreateAsync(server, org.Id, new NewKey("soon gone", Roles.Analyst));
        Assert.Equal(HttpStatusCode.OK, (await server.WithKey(secret).GetAsync("/api/v1/banks")).StatusCode);

        await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().ApiKeys.Where(k => k.Id == key.Id)
            .ExecuteUpdateAsync(k => k.SetProperty(x => x.ExpiresAt, DateTime.UtcNow.AddMinutes(-1))));
        server.Service<ApiKeyStore>().Forget(key.Prefix); // as after the cache's 30 s
        var refused = await server.WithKey(secret).GetAsync("/api/v1/banks");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Contains($"The API key {key.Prefix} expired at", body);
        // A wrong secret with the same prefix learns nothing about expiry.
        var guess = await server.WithKey(secret[..^2] + "xx").GetAsync("/api/v1/banks");
        Assert.DoesNotContain("expired", await guess.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ANewKeyLastsTheConfiguredDefaultOrItsOwnLifeUpToAYear(string provider)
    {
        await using var server = await TestServer.StartAsync(provider, settings: new Dictionary<string, string?> { ["Turntide:ApiKeyDefaultExpiryDays"] = "10" });
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var start = DateTime.UtcNow;
        var (byDefault, _) = await CreateAsync(server, org.Id, new NewKey("default", Roles.Moderator));
        var (ownLife, _) = await CreateAsync(server, org.Id, new NewKey("own", Roles.Moderator, ExpiresInDays: 365));
        var stored = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().ApiKeys.AsNoTracking()
            .Where(k => k.OrganisationId == org.Id).ToDictionaryAsync(k => k.Name, k => k.ExpiresAt));
        Assert.InRange(stored["default"], start.AddDays(10).AddMinutes(-1), DateTime.UtcNow.AddDays(10).AddMinutes(1));
        Assert.InRange(stored["own"], start.AddDays(365).AddMinutes(-1), DateTime.UtcNow.AddDays(365).AddMinutes(1));
        foreach (var days in new[] { 0, 366 })
        {
            var ex = await Assert.ThrowsAsync<DomainException>(() => CreateAsync(server, org.Id, new NewKey("bad", Roles.Moderator, ExpiresInDays: days)));
            Assert.Contains("1 to 365 days", ex.Message);
        }
        var scope = await Assert.ThrowsAsync<DomainException>(() => CreateAsync(server, org.Id, new NewKey("bad", Roles.Moderator, Scope: "everything")));
        Assert.Contains("Unknown key scope 'everything'", scope.Message);
    }

    [Fact]
    public async Task TheKeyAndPersonFormsOfferTheLeastPrivilegedRoleFirst()
    {
        await using var server = await TestServer.StartAsync();
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
        var (_, email) = await server.CreatePersonAsync(forum.Id, Roles.Admin);
        var admin = await server.SignInAsync(email, TestServer.Password);
        var expected = new Dictionary<string, string>
        {
            [OrganisationKinds.Forum] = Roles.Moderator,
            [OrganisationKinds.Platform] = Roles.Moderator,
            [OrganisationKinds.Authority] = Roles.AuthorityOfficer,
            [OrganisationKinds.Auditor] = Roles.Auditor,
        };
        foreach (var (kind, role) in expected)
        {
            var org = kind == OrganisationKinds.Forum ? forum : await server.CreateOrgAsync(kind);
            var html = await admin.GetStringAsync($"/organisations/{org.Id}");
            var keyRoles = Regex.Match(html, "<select id=\"k-role\" name=\"Role\">(.*?)</select>", RegexOptions.Singleline).Groups[1].Value;
            Assert.Equal([role], Regex.Matches(keyRoles, "<option value=\"([a-z_]+)\" selected").Select(m => m.Groups[1].Value));
            var personRoles = Regex.Match(html, "<select id=\"p-role\" name=\"Role\">(.*?)</select>", RegexOptions.Singleline).Groups[1].Value;
            Assert.Equal([role], Regex.Matches(personRoles, "<option value=\"([a-z_]+)\" selected").Select(m => m.Groups[1].Value));
            Assert.Contains("name=\"ExpiresInDays\" type=\"number\" min=\"1\" max=\"365\" value=\"90\"", html);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AScopedKeyIsRefusedOutsideItsScopeWithTheScopeNamed(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
        using var curator = server.WithKey(await server.CreateKeyAsync(forum.Id, Roles.Admin));
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/api/v1/banks", new { name = "SCOPES" })).StatusCode);
        var platform = await server.CreateOrgAsync(OrganisationKinds.Platform);
        // Analysts: the role allows every one of these calls, so a refusal can only come from the scope.
        var keys = new Dictionary<string, HttpClient>();
        foreach (var scope in KeyScopes.All)
            keys[scope] = server.WithKey((await CreateAsync(server, platform.Id, new NewKey(scope, Roles.Analyst, scope))).Secret);
        HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");
        var md5 = new string('c', 32);
        var calls = new (string Method, string Path, Func<HttpContent?> Body, string[] Allowed)[]
        {
            ("GET", $"/api/v1/match?signal_type=md5&signal={md5}", () => null, [KeyScopes.Match, KeyScopes.Read, KeyScopes.Node]),
            ("POST", "/api/v1/match", () => Json($$"""{"signals":[{"signal_type":"md5","signal":"{{md5}}"}]}"""), [KeyScopes.Match, KeyScopes.Node]),
            ("GET", "/api/v1/banks", () => null, [KeyScopes.Read, KeyScopes.Node]),
            ("GET", "/api/v1/exchange/updates?limit=5", () => null, [KeyScopes.Read, KeyScopes.Node]),
            ("POST", "/api/v1/exchange/match-reports", () => Json("""{"items":[]}"""), [KeyScopes.Node]),
            ("POST", "/api/v1/contributions", () => Json($$"""{"bank":"SCOPES","signals":[{"signal_type":"md5","value":"{{Guid.NewGuid():n}}"}]}"""), [KeyScopes.Node]),
            ("POST", "/api/v1/banks", () => Json($$"""{"name":"B{{Guid.NewGuid():n}}"}"""), []),
            ("PATCH", "/api/v1/banks/SCOPES", () => Json("""{"enabled":true}"""), []),
        };
        var failures = new List<string>();
        foreach (var (method, path, body, allowed) in calls)
        {
            foreach (var (scope, client) in keys)
            {
                using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = body() });
                var text = await response.Content.ReadAsStringAsync();
                bool refused = response.StatusCode == HttpStatusCode.Forbidden;
                if (allowed.Contains(scope) == refused || (int)response.StatusCode is 401 or >= 500)
                    failures.Add($"{scope} {method} {path}: {(int)response.StatusCode} {text}");
                if (refused && !text.Contains($"This API key's scope is '{scope}'"))
                    failures.Add($"{scope} {method} {path}: the refusal does not name the scope: {text}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RotationMakesAReplacementFirstAndTheOldKeyWorksUntilItsConfirmedRevocation(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (_, email) = await server.CreatePersonAsync(org.Id, Roles.Admin);
        var admin = await server.SignInAsync(email, TestServer.Password);
        var (old, oldSecret) = await CreateAsync(server, org.Id, new NewKey("uploader", Roles.Moderator, KeyScopes.Match, 30));
        var page = $"/organisations/{org.Id}";

        var rotated = await TestServer.PostFormAsync(admin, $"{page}?handler=Rotate", new() { ["KeyId"] = old.Id.ToString() }, page);
        var html = await rotated.Content.ReadAsStringAsync();
        var newSecret = Regex.Match(html, "data-testid=\"new-key\">(tt_[A-Za-z0-9_-]+)<").Groups[1].Value;
        Assert.StartsWith("tt_", newSecret);
        Assert.Contains($"Revoke the old key {old.Prefix}", html);
        var replacement = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().ApiKeys.AsNoTracking().SingleAsync(k => k.Prefix == newSecret.Substring(0, 15)));
        Assert.Equal(("uploader", Roles.Moderator, KeyScopes.Match), (replacement.Name, replacement.Role, replacement.Scope));
        Assert.True(replacement.ExpiresAt > DateTime.UtcNow.AddDays(89)); // a fresh default life, not the old key's 30 days
        var match = $"/api/v1/match?signal_type=md5&signal={new string('c', 32)}";
        Assert.Equal(HttpStatusCode.OK, (await server.WithKey(oldSecret).GetAsync(match)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.WithKey(newSecret).GetAsync(match)).StatusCode);

        // Revoking asks first, naming the key and the consequence; the key works until confirmed.
        var asked = await TestServer.PostFormAsync(admin, $"{page}?handler=Revoke", new() { ["KeyId"] = old.Id.ToString() }, page);
        var panel = await asked.Content.ReadAsStringAsync();
        Assert.Contains("role=\"alertdialog\"", panel);
        Assert.Contains($"Revoke the key uploader ({old.Prefix})?", panel);
        Assert.Contains("open exchange streams close", panel);
        Assert.Equal(HttpStatusCode.OK, (await server.WithKey(oldSecret).GetAsync(match)).StatusCode);
        var revoked = await TestServer.PostFormAsync(admin, $"{page}?handler=Revoke", new() { ["KeyId"] = old.Id.ToString(), ["Confirmed"] = "true" }, page);
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.WithKey(oldSecret).GetAsync(match)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.WithKey(newSecret).GetAsync(match)).StatusCode);

        var actions = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.AsNoTracking()
            .Where(a => a.EntityId == old.Id.ToString()).OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync());
        Assert.Equal(["key.create", "key.rotate", "key.revoke"], actions);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RevokingAKeyEndsItsOpenExchangeStream(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (key, secret) = await CreateAsync(server, org.Id, new NewKey("node", Roles.Analyst, KeyScopes.Node));
        var (_, otherSecret) = await CreateAsync(server, org.Id, new NewKey("other node", Roles.Analyst, KeyScopes.Node));
        using var client = server.WithKey(secret);
        client.Timeout = Timeout.InfiniteTimeSpan;
        using var response = await client.GetAsync("/api/v1/exchange/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var otherResponse = await server.WithKey(otherSecret).GetAsync("/api/v1/exchange/stream", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        await using var otherStream = await otherResponse.Content.ReadAsStreamAsync();
        var reader = new StreamReader(stream);
        Assert.Equal("retry: 2000", await reader.ReadLineAsync());

        await server.InScopeAsync(s => s.GetRequiredService<MembersService>().RevokeKeyAsync(TestServer.Operator, key.Id));
        // The stream ends: reading reaches its end well before the next heartbeat, let alone the 30 s re-check.
        using var bound = new CancellationTokenSource(ExchangeStream.Heartbeat - TimeSpan.FromSeconds(5));
        var rest = await reader.ReadToEndAsync(bound.Token);
        Assert.DoesNotContain("heartbeat", rest);
        // The other key's stream goes on.
        var otherReader = new StreamReader(otherStream);
        Assert.Equal("retry: 2000", await otherReader.ReadLineAsync());
        Assert.Equal(1, server.Service<ExchangeHead>().Subscribers);
    }

    [Fact]
    public async Task ARevocationByAnotherProcessEndsTheStreamWithinTheKeyCacheBound()
    {
        await using var server = await TestServer.StartAsync();
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (key, secret) = await CreateAsync(server, org.Id, new NewKey("node", Roles.Analyst, KeyScopes.Node));
        using var client = server.WithKey(secret);
        client.Timeout = Timeout.InfiniteTimeSpan;
        using var response = await client.GetAsync("/api/v1/exchange/stream", HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("retry: 2000", await reader.ReadLineAsync());

        // Written straight to the database, as another replica's revocation would be: nothing in this process is told.
        await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().ApiKeys.Where(k => k.Id == key.Id)
            .ExecuteUpdateAsync(k => k.SetProperty(x => x.RevokedAt, DateTime.UtcNow)));
        using var bound = new CancellationTokenSource(ApiKeyStore.CacheFor * 2 + ExchangeStream.Heartbeat);
        await reader.ReadToEndAsync(bound.Token);
        Assert.Equal(0, server.Service<ExchangeHead>().Subscribers);
    }

    [Fact]
    public async Task TheFifthStreamOfAKeyIsRefusedWithRetryAfter()
    {
        await using var server = await TestServer.StartAsync();
        var secret = await server.KeyForRoleAsync(Roles.Analyst);
        var open = new List<HttpResponseMessage>();
        try
        {
            for (int i = 0; i < ExchangeHead.MaxStreamsPerKey; i++)
            {
                var stream = await server.WithKey(secret).GetAsync("/api/v1/exchange/stream", HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
                open.Add(stream);
            }
            using var fifth = await server.WithKey(secret).GetAsync("/api/v1/exchange/stream", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(ExchangeHead.StreamRetryAfterSeconds), fifth.Headers.RetryAfter?.Delta);
            Assert.Contains("at most 4 exchange streams", await fifth.Content.ReadAsStringAsync());
        }
        finally
        {
            foreach (var r in open)
                r.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheDashboardShowsAdminsTheKeysExpiringSoonOrExpiredOfWhatTheyManage(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
        var platform = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var other = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (soon, _) = await CreateAsync(server, platform.Id, new NewKey("soon", Roles.Moderator, ExpiresInDays: 3));
        var (expired, _) = await CreateAsync(server, platform.Id, new NewKey("expired", Roles.Moderator));
        var (later, _) = await CreateAsync(server, platform.Id, new NewKey("later", Roles.Moderator, ExpiresInDays: 60));
        var (others, _) = await CreateAsync(server, other.Id, new NewKey("others", Roles.Moderator, ExpiresInDays: 2));
        var (revoked, _) = await CreateAsync(server, platform.Id, new NewKey("revoked", Roles.Moderator, ExpiresInDays: 1));
        await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().ApiKeys.Where(k => k.Id == expired.Id)
            .ExecuteUpdateAsync(k => k.SetProperty(x => x.ExpiresAt, DateTime.UtcNow.AddDays(-2))));
        await server.InScopeAsync(s => s.GetRequiredService<MembersService>().RevokeKeyAsync(TestServer.Operator, revoked.Id));

        async Task<string> DashboardAsync(Guid org, string role)
        {
            var (_, email) = await server.CreatePersonAsync(org, role);
            return await (await server.SignInAsync(email, TestServer.Password)).GetStringAsync("/");
        }
        var platformAdmin = await DashboardAsync(platform.Id, Roles.Admin);
        Assert.Contains(soon.Prefix, platformAdmin);
        Assert.Contains(expired.Prefix, platformAdmin);
        Assert.Contains("(expired)", platformAdmin);
        Assert.DoesNotContain(later.Prefix, platformAdmin);
        Assert.DoesNotContain(revoked.Prefix, platformAdmin);
        Assert.DoesNotContain(others.Prefix, platformAdmin);
        var forumAdmin = await DashboardAsync(forum.Id, Roles.Admin);
        Assert.Contains(soon.Prefix, forumAdmin);
        Assert.Contains(others.Prefix, forumAdmin);
        Assert.DoesNotContain("expiring-key", await DashboardAsync(platform.Id, Roles.Analyst));
    }
}

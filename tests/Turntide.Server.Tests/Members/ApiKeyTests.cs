using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Members;

public sealed class ApiKeyTests
{
    [Fact]
    public async Task AKeyIsStoredOnlyAsItsHashAndShownOnceOnItsPage()
    {
        await using var server = await TestServer.StartAsync();
        var admin = await server.SignedInAsync(Roles.Admin, OrganisationKinds.Platform);
        var orgId = (await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Organisations.OrderByDescending(o => o.CreatedAt).FirstAsync())).Id;
        var created = await TestServer.PostFormAsync(admin, $"/organisations/{orgId}?handler=Key", new() { ["KeyName"] = "pipeline", ["Role"] = Roles.Analyst });
        var html = await created.Content.ReadAsStringAsync();
        var secret = System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"new-key\">(tt_[A-Za-z0-9_-]+)<").Groups[1].Value;
        Assert.StartsWith("tt_", secret);

        var stored = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().ApiKeys.SingleAsync(k => k.Name == "pipeline"));
        Assert.Equal(secret[..15], stored.Prefix);
        Assert.Equal(ApiKeyStore.Hash(secret), stored.SecretHash);
        // Nowhere in the database file is the secret part kept.
        await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);"));
        var file = await File.ReadAllBytesAsync(Path.Combine(server.Database.DataDirectory, "turntide.db"));
        Assert.Equal(-1, file.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret[16..])));

        // Shown once: the page never shows it again.
        Assert.DoesNotContain(secret, await admin.GetStringAsync($"/organisations/{orgId}"));
        Assert.Equal(HttpStatusCode.OK, (await server.WithKey(secret).GetAsync("/api/v1/banks")).StatusCode);
    }

    [Fact]
    public async Task ARevokedKeyIsRefusedAtOnceAndUseIsRecorded()
    {
        await using var server = await TestServer.StartAsync();
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var secret = await server.CreateKeyAsync(org.Id, Roles.Analyst);
        var client = server.WithKey(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/banks")).StatusCode);

        await server.Service<ApiKeyStore>().FlushLastUsedAsync();
        var key = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().ApiKeys.AsNoTracking().SingleAsync(k => k.OrganisationId == org.Id));
        Assert.NotNull(key.LastUsedAt);
        Assert.True(DateTime.UtcNow - key.LastUsedAt!.Value < TimeSpan.FromMinutes(1));

        await server.InScopeAsync(s => s.GetRequiredService<MembersService>().RevokeKeyAsync(TestServer.Operator, key.Id));
        var refused = await client.GetAsync("/api/v1/banks");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task EachKeyIsRateLimitedOnItsOwn()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Turntide:ApiKeyRequestsPerSecond"] = "1",
            ["Turntide:ApiKeyBurst"] = "3",
        });
        var busy = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst));
        var quiet = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst));
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 6; i++)
            statuses.Add((await busy.GetAsync("/api/v1/banks")).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        var limited = await busy.GetAsync("/api/v1/banks");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("slow down", await limited.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await quiet.GetAsync("/api/v1/banks")).StatusCode);
    }

    [Fact]
    public async Task NeitherKeysNorPasswordsReachTheLogs()
    {
        await using var server = await TestServer.StartAsync();
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var secret = await server.CreateKeyAsync(org.Id, Roles.Analyst);
        await server.WithKey(secret).GetAsync("/api/v1/banks");
        await server.WithKey(secret + "x").GetAsync("/api/v1/banks");
        var (_, email) = await server.CreatePersonAsync(org.Id, Roles.Admin);
        await server.SignInAsync(email, TestServer.Password);
        await TestServer.PostFormAsync(server.Anonymous(), "/signin", new() { ["Email"] = email, ["Password"] = "a wrong password here" });
        await server.App.StopAsync();

        Assert.NotEmpty(server.Logs.Lines);
        foreach (var line in server.Logs.Lines)
        {
            Assert.DoesNotContain(secret[16..], line);
            Assert.DoesNotContain(TestServer.Password, line);
            Assert.DoesNotContain("a wrong password here", line);
        }
    }
}

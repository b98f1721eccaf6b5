using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Data;

/// <summary>Storage behaviour that must hold on every provider: each test runs on SQLite and on PostgreSQL.</summary>
public sealed class DataTests
{
    private static readonly string Hash = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task MigrationsCreateTheSchemaAndTheRoles(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        await server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            var roles = await db.Roles.Select(r => r.Name).OrderBy(n => n).ToListAsync();
            Assert.Equal(Roles.All.Order(), roles);
            Assert.Equal(provider == "sqlite", db.Database.IsSqlite());
            Assert.Equal(provider == "postgres", db.Database.IsNpgsql());
        });
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ContentSurvivesARestartAndIsMatchedFromTheReloadedIndex(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid contentId;
        string key;
        await using (var first = await TestServer.StartAsync(provider, database: database))
        {
            key = await first.KeyForRoleAsync(Roles.Analyst);
            using var client = first.WithKey(key);
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/banks", new { name = "RESTART" })).StatusCode);
            var added = await client.PostAsJsonAsync("/api/v1/banks/RESTART/content", new
            {
                signals = new[] { new { signal_type = "pdq", value = Hash.ToUpperInvariant() }, new { signal_type = "md5", value = new string('b', 32) } },
                labels = new[] { "severity:crisis", "entity:unattributed" },
                note = "kept across restarts",
            });
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            contentId = (await added.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!.Id;
            await first.App.StopAsync();
        }
        await using var second = await TestServer.StartAsync(provider, database: database);
        using var again = second.WithKey(key);
        var match = await again.GetFromJsonAsync<MatchResponse>($"/api/v1/match?signal_type=pdq&signal={Hash}", Json.Options);
        var hit = Assert.Single(match!.Matches);
        Assert.Equal(contentId, hit.ContentId);
        Assert.Equal("RESTART", hit.Bank);
        Assert.Equal(["entity:unattributed", "severity:crisis"], hit.Labels);
        var md5 = await again.GetFromJsonAsync<MatchResponse>($"/api/v1/match?signal_type=md5&signal={new string('b', 32)}", Json.Options);
        Assert.Equal(contentId, Assert.Single(md5!.Matches).ContentId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ConcurrentChangesKeepTheAuditChainIntact(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        using var client = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst));
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            client.PostAsJsonAsync("/api/v1/banks", new { name = $"PARALLEL_{i}" })));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var verification = await server.InScopeAsync(s => AuditLog.VerifyAsync(s.GetRequiredService<TurntideDb>()));
        Assert.True(verification.Intact, verification.Problem);
        // One organisation, one key, twelve banks.
        Assert.Equal(14, verification.VerifiedEntries);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnAbandonedUnitOfWorkLeavesNothingBehind(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        await server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            await using (var scope = await s.GetRequiredService<AuditLog>().BeginAsync())
            {
                db.Banks.Add(new Bank { Name = "HALF", NormalizedName = "HALF", OwnerOrganisationId = org.Id });
                await db.SaveChangesAsync();
                scope.Record(TestServer.Operator, "bank.create", "bank", "x", null, null);
                // No commit: disposing rolls back the saved bank as well.
            }
            Assert.False(await db.Banks.AnyAsync(b => b.Name == "HALF"));
            Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "bank.create"));
        });
        // The next unit of work still appends to an intact chain.
        await server.CreateOrgAsync(OrganisationKinds.Platform);
        var verification = await server.InScopeAsync(s => AuditLog.VerifyAsync(s.GetRequiredService<TurntideDb>()));
        Assert.True(verification.Intact);
        Assert.Equal(2, verification.VerifiedEntries);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TamperingIsFoundAtTheFirstAlteredEntry(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        for (int i = 0; i < 5; i++)
            await server.CreateOrgAsync(OrganisationKinds.Platform);
        await server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            Assert.True((await AuditLog.VerifyAsync(db)).Intact);
            await db.AuditEntries.Where(a => a.Sequence == 3).ExecuteUpdateAsync(u => u.SetProperty(a => a.ActorName, "someone else"));
            var broken = await AuditLog.VerifyAsync(db);
            Assert.False(broken.Intact);
            Assert.Equal(3, broken.FirstBadSequence);
            Assert.Equal(2, broken.VerifiedEntries);
            Assert.Contains("altered", broken.Problem);

            // Removing an entry instead shows as a gap at that point.
            await db.AuditEntries.Where(a => a.Sequence == 3).ExecuteDeleteAsync();
            var gap = await AuditLog.VerifyAsync(db);
            Assert.Equal(3, gap.FirstBadSequence);
            Assert.Contains("missing", gap.Problem);
        });
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARefusedItemWritesNeitherContentNorAuditEntry(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        using var client = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst));
        await client.PostAsJsonAsync("/api/v1/banks", new { name = "STRICT" });
        var refused = await client.PostAsJsonAsync("/api/v1/banks/STRICT/content", new
        {
            signals = new[] { new { signal_type = "pdq", value = Hash }, new { signal_type = "pdq", value = "not-a-hash" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        await server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            Assert.Equal(0, await db.Contents.CountAsync());
            Assert.Equal(0, await db.Signals.CountAsync());
            Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "content.add"));
        });
        Assert.Equal(0, server.Catalog.SignalCount);
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Audit;

public sealed class AuditTests
{
    [Fact]
    public async Task EveryChangeIsRecordedWithWhoWhatAndBeforeAndAfter()
    {
        await using var server = await TestServer.StartAsync();
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform, "Audited Platform");
        var secret = await server.CreateKeyAsync(org.Id, Roles.Analyst, "curation");
        await server.CreatePersonAsync(org.Id, Roles.Moderator, "mod@audited.test");
        var client = server.WithKey(secret);
        await client.PostAsJsonAsync("/api/v1/banks", new { name = "AUDITED" });
        var content = (await (await client.PostAsJsonAsync("/api/v1/banks/AUDITED/content", new
        {
            signals = new[] { new { signal_type = "md5", value = new string('d', 32) } },
            labels = new[] { "severity:crisis" },
        })).Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!;
        await client.PatchAsJsonAsync($"/api/v1/content/{content.Id}", new { status = "quarantined", labels = new[] { "severity:promotional" } });
        var keyId = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().ApiKeys.Where(k => k.Name == "curation").Select(k => k.Id).SingleAsync());
        await server.InScopeAsync(s => s.GetRequiredService<MembersService>().RevokeKeyAsync(TestServer.Operator, keyId));

        var entries = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.OrderBy(a => a.Sequence).ToListAsync());
        Assert.Equal(["organisation.create", "key.create", "person.create", "bank.create", "content.add", "content.status+labels", "key.revoke"],
            entries.Select(e => e.Action));
        var change = entries.Single(e => e.Action == "content.status+labels");
        Assert.Equal((Actor.KeyKind, keyId.ToString(), org.Id), (change.ActorKind, change.ActorId, change.OrganisationId));
        Assert.Equal(content.Id.ToString(), change.EntityId);
        var before = JsonDocument.Parse(change.Before!).RootElement;
        var after = JsonDocument.Parse(change.After!).RootElement;
        Assert.Equal("enabled", before.GetProperty("status").GetString());
        Assert.Equal("quarantined", after.GetProperty("status").GetString());
        Assert.Equal("severity:promotional", after.GetProperty("labels")[0].GetString());
        var revoke = entries.Last();
        Assert.Null(JsonDocument.Parse(revoke.Before!).RootElement.GetProperty("revokedAt").GetString());
        Assert.NotNull(JsonDocument.Parse(revoke.After!).RootElement.GetProperty("revokedAt").GetString());
        // Secrets stay out of the log too: the key entry carries the prefix, never the secret or its hash.
        Assert.All(entries, e => Assert.DoesNotContain(secret[16..], (e.Before ?? "") + e.After));
        Assert.DoesNotContain("secretHash", entries[1].After);

        // Chain links: each entry names its predecessor's hash.
        for (int i = 1; i < entries.Count; i++)
            Assert.Equal(entries[i - 1].Hash, entries[i].PreviousHash);
        Assert.Equal(AuditLog.GenesisHash, entries[0].PreviousHash);
    }

    [Fact]
    public async Task TheAuditPageShowsEntriesAndVerifiesTheChain()
    {
        await using var server = await TestServer.StartAsync();
        var auditor = await server.SignedInAsync(Roles.Auditor);
        var page = await auditor.GetStringAsync("/audit");
        Assert.Contains("organisation.create", page);
        var verify = await auditor.GetStringAsync("/audit?handler=Verify");
        Assert.Contains("Intact", verify);
        await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.Where(a => a.Sequence == 1)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.Action, "organisation.delete")));
        var broken = await auditor.GetStringAsync("/audit?handler=Verify");
        Assert.Contains("Broken at entry 1", broken);
    }
}

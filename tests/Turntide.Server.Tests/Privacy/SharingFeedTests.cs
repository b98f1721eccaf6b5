using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.HubSync;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Retroactive;
using Turntide.Core.Signals;
using Turntide.Server.Tests.Replicas;

namespace Turntide.Server.Tests.Privacy;

/// <summary>Sharing changes in the exchange feed, and what a node does with them, on both providers.</summary>
public sealed class SharingFeedTests
{
    private static object Contribution(string bank, string md5) => new
    {
        bank, signals = new[] { new { signal_type = "md5", value = md5 } }, labels = new[] { "severity:crisis" },
    };

    private static async Task<ExchangePage> PageAsync(HttpClient client, string? checkpoint)
    {
        var response = await client.GetAsync("/api/v1/exchange/updates?limit=1000" + (checkpoint is null ? "" : $"&checkpoint={checkpoint}"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ExchangePage>(Json.Options))!;
    }

    private static Task<HttpResponseMessage> ShareAsync(HttpClient owner, string bank, bool isPrivate, params Guid[] members) =>
        owner.PutAsJsonAsync($"/api/v1/banks/{bank}/sharing", new { @private = isPrivate, members });

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ASharingChangeReachesTheFeedAndTellsOnlyAMemberNoLongerNamedToDropTheBank(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var ownerOrg = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var keptOrg = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var removedOrg = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var owner = server.WithKey(await server.CreateKeyAsync(ownerOrg.Id, Roles.Analyst));
        var kept = server.WithKey(await server.CreateKeyAsync(keptOrg.Id, Roles.Moderator));
        var removed = server.WithKey(await server.CreateKeyAsync(removedOrg.Id, Roles.Moderator));
        var outsider = server.WithKey(await server.KeyForRoleAsync(Roles.Moderator, OrganisationKinds.Platform));
        var bank = (await (await owner.PostAsJsonAsync("/api/v1/banks", new { name = "CLOSING" })).Content.ReadFromJsonAsync<BankDto>(Json.Options))!;
        Assert.Equal(HttpStatusCode.OK, (await ShareAsync(owner, "CLOSING", true, keptOrg.Id, removedOrg.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/contributions", Contribution("CLOSING", new string('7', 32)))).StatusCode);
        var keptAt = (await PageAsync(kept, null)).Checkpoint;
        var removedAt = (await PageAsync(removed, null)).Checkpoint;
        var outsiderAt = (await PageAsync(outsider, null)).Checkpoint;
        Assert.Contains((await PageAsync(removed, null)).Updates, u => u.BankId == bank.Id && u.Kind == "add");

        // The push stream wakes the removed member's node for the change: its head moves past the checkpoint.
        using var stream = await removed.GetAsync("/api/v1/exchange/stream", HttpCompletionOption.ResponseHeadersRead);
        using var events = new StreamReader(await stream.Content.ReadAsStreamAsync());
        long announced = await NextHeadAsync(events, -1);
        Assert.Equal(HttpStatusCode.OK, (await ShareAsync(owner, "CLOSING", true, keptOrg.Id)).StatusCode);
        long sharingSequence = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries
            .Where(a => a.EntityType == CatalogChanges.BankSharing).MaxAsync(a => a.Sequence));
        Assert.True(await NextHeadAsync(events, announced) >= sharingSequence);

        var toRemoved = Assert.Single((await PageAsync(removed, removedAt)).Updates);
        Assert.Equal((ExchangeService.WithdrawKind, ExchangeService.WithdrawAction, bank.Id, (BankDto?)null, (BankContentDto?)null),
            (toRemoved.Kind, toRemoved.Action, toRemoved.BankId, toRemoved.Bank, toRemoved.Item));
        var toKept = Assert.Single((await PageAsync(kept, keptAt)).Updates);
        Assert.Equal(("bank", ExchangeService.SharingAction, "CLOSING"), (toKept.Kind, toKept.Action, toKept.Bank!.Name));
        Assert.Empty((await PageAsync(outsider, outsiderAt)).Updates);
        // Read from the start, the removed member's feed holds nothing of the bank: there is nothing to withdraw.
        Assert.DoesNotContain((await PageAsync(removed, null)).Updates, u => u.BankId == bank.Id);

        // Shared with every member again: the outsider and the removed member are told of the bank (their nodes, lacking
        // its earlier items, resync), and a feed read from the start holds its items.
        var removedNext = (await PageAsync(removed, removedAt)).Checkpoint;
        var outsiderNext = (await PageAsync(outsider, outsiderAt)).Checkpoint;
        Assert.Equal(HttpStatusCode.OK, (await ShareAsync(owner, "CLOSING", false)).StatusCode);
        var reopened = Assert.Single((await PageAsync(removed, removedNext)).Updates);
        Assert.Equal(("bank", ExchangeService.SharingAction, bank.Id), (reopened.Kind, reopened.Action, reopened.BankId));
        var toOutsider = Assert.Single((await PageAsync(outsider, outsiderNext)).Updates);
        Assert.Equal(("bank", ExchangeService.SharingAction, bank.Id), (toOutsider.Kind, toOutsider.Action, toOutsider.BankId));
        Assert.Contains((await PageAsync(outsider, null)).Updates, u => u.BankId == bank.Id && u.Kind == "add");
    }

    private static async Task<long> NextHeadAsync(StreamReader events, long beyond)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await events.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                long head = JsonDocument.Parse(line[6..]).RootElement.GetProperty("head").GetInt64();
                if (head > beyond)
                    return head;
            }
        }
        throw new InvalidOperationException("The stream ended.");
    }

    private static readonly Guid CopiedBank = new("0190a000-0000-7000-8000-0000000000b1");

    private static BankDto Bank() => new(CopiedBank, "CLOSING", "", true, Guid.NewGuid(), DateTime.UtcNow, 0, false);

    private static BankContentDto Item(Guid id, string md5) =>
        new(id, CopiedBank, "CLOSING", "enabled", "", Guid.NewGuid(), "someone", DateTime.UtcNow, DateTime.UtcNow, [new SignalDto("md5", md5)], ["severity:crisis"]);

    private static async Task<bool> ApplyAsync(TestServer server, string checkpoint, params ExchangeUpdate[] updates) =>
        await server.InScopeAsync(async s =>
        {
            var mirror = s.GetRequiredService<HubMirror>();
            var state = await mirror.StateAsync(CancellationToken.None);
            return await mirror.ApplyPageAsync(state.Version, new ExchangePage(checkpoint, false, updates), CancellationToken.None);
        });

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ANodeDropsAWithdrawnBankWithItsItemsFromItsDatabaseAndCatalogAndRecordsIt(string provider)
    {
        await using var server = await TestServer.StartAsync(provider, role: "node");
        var platform = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var key = server.WithKey(await server.CreateKeyAsync(platform.Id, Roles.Moderator));
        Guid first = Guid.NewGuid(), second = Guid.NewGuid();
        string md5 = new('8', 32), other = new('9', 32);
        Assert.True(await ApplyAsync(server, "e.3",
            new ExchangeUpdate(1, "bank", "bank.create", CopiedBank, null, DateTime.UtcNow, null, Bank()),
            new ExchangeUpdate(2, "add", "content.add", CopiedBank, first, DateTime.UtcNow, Item(first, md5), null),
            new ExchangeUpdate(3, "add", "content.add", CopiedBank, second, DateTime.UtcNow, Item(second, other), null)));
        Assert.Single(await MatchesAsync(key, md5));
        var (_, email) = await server.CreatePersonAsync(platform.Id, Roles.Moderator);
        var person = await server.SignInAsync(email, TestServer.Password);
        foreach (var page in new[] { $"/banks/{CopiedBank}", $"/content/{first}" })
            Assert.Equal(HttpStatusCode.OK, (await person.GetAsync(page)).StatusCode);
        Assert.Contains("CLOSING", await person.GetStringAsync("/banks"));
        // A retroactive match raised on the copied item goes with it.
        await server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            db.Set<RetroactiveMatch>().Add(new RetroactiveMatch
            {
                OrganisationId = platform.Id, Reference = "upload-1", SignalType = "md5", Signal = md5, ContentId = first, BankId = CopiedBank,
                BankName = "CLOSING", FoundAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        });

        Assert.True(await ApplyAsync(server, "e.5",
            new ExchangeUpdate(4, "update", "content.labels", CopiedBank, first, DateTime.UtcNow, Item(first, md5), null),
            new ExchangeUpdate(5, ExchangeService.WithdrawKind, ExchangeService.WithdrawAction, CopiedBank, null, DateTime.UtcNow, null, null)));

        Assert.Empty(await MatchesAsync(key, md5));
        Assert.Empty(await MatchesAsync(key, other));
        Assert.False(server.Catalog.TryGetBank(CopiedBank, out _));
        Assert.Empty(server.Catalog.Match(SignalTypes.Find("md5")!, md5, 0, 10));
        var (banks, contents, signals, retro, withdrawn) = await server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            return (await db.Banks.CountAsync(b => b.Id == CopiedBank), await db.Contents.CountAsync(c => c.BankId == CopiedBank),
                await db.Signals.CountAsync(x => x.Value == md5 || x.Value == other), await db.Set<RetroactiveMatch>().CountAsync(),
                await db.AuditEntries.AsNoTracking().Where(a => a.Action == HubMirror.WithdrawnAction).ToListAsync());
        });
        Assert.Equal((0, 0, 0, 0), (banks, contents, signals, retro));
        var entry = Assert.Single(withdrawn);
        Assert.Equal((CatalogChanges.Bank, CopiedBank.ToString()), (entry.EntityType, entry.EntityId));
        Assert.Equal(2, JsonDocument.Parse(entry.Before!).RootElement.GetProperty("items").GetInt32());
        foreach (var page in new[] { $"/banks/{CopiedBank}", $"/content/{first}" })
            Assert.Equal(HttpStatusCode.NotFound, (await person.GetAsync(page)).StatusCode);
        Assert.DoesNotContain("CLOSING", await person.GetStringAsync("/banks"));
        Assert.DoesNotContain(first.ToString(), await person.GetStringAsync($"/search?q={md5}"));

        // A withdrawal of a bank the node has no copy of changes nothing and records nothing.
        Assert.True(await ApplyAsync(server, "e.6",
            new ExchangeUpdate(6, ExchangeService.WithdrawKind, ExchangeService.WithdrawAction, CopiedBank, null, DateTime.UtcNow, null, null)));
        Assert.Equal(1, await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.CountAsync(a => a.Action == HubMirror.WithdrawnAction)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnotherReplicaOnTheNodesDatabaseDropsTheWithdrawnBankFromItsCatalogToo(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var first = await TestServer.StartAsync(provider, role: "node", database: database);
        await using var second = await TestServer.StartAsync(provider, role: "node", database: database);
        Guid item = Guid.NewGuid();
        string md5 = new('a', 32);
        Assert.True(await ApplyAsync(first, "e.2",
            new ExchangeUpdate(1, "bank", "bank.create", CopiedBank, null, DateTime.UtcNow, null, Bank()),
            new ExchangeUpdate(2, "add", "content.add", CopiedBank, item, DateTime.UtcNow, Item(item, md5), null)));
        await Wait.UntilAsync(() => Task.FromResult(second.Catalog.Match(SignalTypes.Find("md5")!, md5, 0, 10).Count == 1),
            "the other replica to follow the page");
        Assert.True(await ApplyAsync(first, "e.3",
            new ExchangeUpdate(3, ExchangeService.WithdrawKind, ExchangeService.WithdrawAction, CopiedBank, null, DateTime.UtcNow, null, null)));
        await Wait.UntilAsync(() => Task.FromResult(second.Catalog.Match(SignalTypes.Find("md5")!, md5, 0, 10).Count == 0
            && !second.Catalog.TryGetBank(CopiedBank, out _)), "the other replica to drop the withdrawn bank");
    }

    [Fact]
    public async Task ABankNewlySharedWithANodeThatHasNoCopyOfItAsksForAResync()
    {
        await using var server = await TestServer.StartAsync(role: "node");
        var opened = await Assert.ThrowsAsync<MirrorNeedsResyncException>(() => ApplyAsync(server, "e.9",
            new ExchangeUpdate(9, "bank", ExchangeService.SharingAction, CopiedBank, null, DateTime.UtcNow, null, Bank())));
        Assert.Contains(CopiedBank.ToString(), opened.Message);
        // Nothing of the page was kept, so the resync starts from a clean state.
        Assert.Equal(0, await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Banks.CountAsync(b => b.Id == CopiedBank)));
        // A bank created in the same page needs none: its items follow it in the feed.
        Assert.True(await ApplyAsync(server, "e.11",
            new ExchangeUpdate(10, "bank", "bank.create", CopiedBank, null, DateTime.UtcNow, null, Bank()),
            new ExchangeUpdate(11, "bank", ExchangeService.SharingAction, CopiedBank, null, DateTime.UtcNow, null, Bank())));
    }

    private static async Task<List<JsonElement>> MatchesAsync(HttpClient client, string md5)
    {
        var response = await client.GetAsync($"/api/v1/match?signal_type=md5&signal={md5}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("matches").EnumerateArray()];
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AMemberRemovedFromAPrivateBankLosesItsMatchesRetroactiveMatchesSearchAndExportAtOnce(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var ownerOrg = await server.CreateOrgAsync(OrganisationKinds.Forum);
        var memberOrg = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var owner = server.WithKey(await server.CreateKeyAsync(ownerOrg.Id, Roles.Analyst));
        var member = server.WithKey(await server.CreateKeyAsync(memberOrg.Id, Roles.Moderator));
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/banks", new { name = "NARROWING" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ShareAsync(owner, "NARROWING", true, memberOrg.Id)).StatusCode);
        string md5 = new('6', 32);
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsJsonAsync("/api/v1/match",
            new { reference = "upload-9", signals = new[] { new { signal_type = "md5", signal = md5 } } })).StatusCode);
        await Wait.UntilAsync(async () => await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().KeptSignals.CountAsync()) == 1,
            "the upload to be kept");
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/banks/NARROWING/content",
            new { signals = new[] { new { signal_type = "md5", value = md5 } } })).StatusCode);
        await Wait.UntilAsync(async () => (await RetroactiveAsync(member)).Count == 1, "the retroactive match");
        Assert.Single(await MatchesAsync(member, md5));
        var (_, email) = await server.CreatePersonAsync(memberOrg.Id, Roles.Moderator);
        var person = await server.SignInAsync(email, TestServer.Password);
        Assert.Contains("NARROWING", await person.GetStringAsync($"/search?q={md5}"));
        var export = await member.GetAsync("/api/v1/banks/NARROWING/export?format=csv");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Contains(md5, await export.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await ShareAsync(owner, "NARROWING", true)).StatusCode);
        Assert.Empty(await RetroactiveAsync(member));
        Assert.Empty(await MatchesAsync(member, md5));
        Assert.DoesNotContain("NARROWING", await person.GetStringAsync($"/search?q={md5}"));
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync("/api/v1/banks/NARROWING/export?format=csv")).StatusCode);
        // Kept, not deleted: named again, the member sees it again.
        Assert.Equal(HttpStatusCode.OK, (await ShareAsync(owner, "NARROWING", true, memberOrg.Id)).StatusCode);
        Assert.Single(await RetroactiveAsync(member));
    }

    private static async Task<List<RetroactiveMatchDto>> RetroactiveAsync(HttpClient client) =>
        [.. (await client.GetFromJsonAsync<RetroactiveMatchPage>("/api/v1/retroactive-matches", Json.Options))!.Matches];
}

using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Core.Signals;

namespace Turntide.Server.Tests.Replicas;

/// <summary>
/// The catalog applier applies the entries other writers leave in the audit log without touching the catalog: the
/// exchange sync's batches and resyncs, written here by hand as that sync writes them.
/// </summary>
public sealed class CatalogFollowerTests
{
    private const string First = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private const string Second = "0707f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ExchangeBatchesAndResyncsWrittenBehindTheCatalogsBackReachMatching(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
        using var client = server.WithKey(await server.CreateKeyAsync(forum.Id, Roles.Analyst));
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/banks", new { name = "MIRROR", @private = false })).StatusCode);
        var bankId = (await client.GetFromJsonAsync<List<BankDto>>("/api/v1/banks", Json.Options))!.Single(b => b.Name == "MIRROR").Id;

        // A batch: a new bank and an item in it, committed straight to the database.
        var (mirrored, first) = await server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            var audit = s.GetRequiredService<AuditLog>();
            await using var scope = await audit.BeginAsync();
            var bank = new Bank { Name = "HUB-COPY", NormalizedName = "HUB-COPY", OwnerOrganisationId = forum.Id, CreatedAt = DateTime.UtcNow };
            db.Banks.Add(bank);
            var content = NewContent(bank.Id, forum.Id, First);
            db.Contents.Add(content);
            scope.Record(Actor.System("exchange sync"), "exchange.batch", CatalogChanges.ExchangeBatch, "1.10", null,
                new ExchangeBatchRecord("1.10", [bank.Id], [content.Id]));
            await scope.CommitAsync();
            return (bank.Id, content.Id);
        });
        await Wait.UntilAsync(async () => (await ReplicaProcessTests.MatchAsync(client, "pdq", First)).Any(m => m.ContentId == first && m.Bank == "HUB-COPY"),
            "the batch's item to match");

        // A resync: the copy replaced wholesale (first item gone, a second one in), then the catalog rebuilt.
        var second = await server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            var audit = s.GetRequiredService<AuditLog>();
            await using var scope = await audit.BeginAsync();
            await db.Contents.Where(c => c.Id == first).ExecuteDeleteAsync();
            var content = NewContent(mirrored, forum.Id, Second);
            db.Contents.Add(content);
            scope.Record(Actor.System("exchange sync"), "exchange.resync", CatalogChanges.ExchangeResync, "2.0", null, null);
            await scope.CommitAsync();
            return content.Id;
        });
        await Wait.UntilAsync(async () => (await ReplicaProcessTests.MatchAsync(client, "pdq", Second)).Any(m => m.ContentId == second),
            "the resync's new item to match");
        Assert.DoesNotContain(await ReplicaProcessTests.MatchAsync(client, "pdq", First), m => m.ContentId == first);
        // The bank made through the API before the resync is still there and still takes items.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/banks/MIRROR/content",
            new { signals = new[] { new { signal_type = "md5", value = new string('3', 32) } } })).StatusCode);
        Assert.Equal(bankId, Assert.Single(await ReplicaProcessTests.MatchAsync(client, "md5", new string('3', 32))).BankId);
    }

    [Fact]
    public void AReplacedCatalogMatchesLikeOneLoadedFreshAndReportsOnlyWhatChanged()
    {
        var catalog = new SignalCatalog(SignalCatalog.DefaultIndexes);
        var bank = new CatalogBank(Guid.NewGuid(), "B", true);
        var kept = new CatalogContent(Guid.NewGuid(), bank.Id, ContentStatus.Enabled, [], [(1, SignalTypes.PdqName, First)]);
        var dropped = new CatalogContent(Guid.NewGuid(), bank.Id, ContentStatus.Enabled, [], [(2, SignalTypes.Md5Name, new string('1', 32))]);
        catalog.Load([bank], [kept, dropped]);
        var changed = new List<CatalogContent>();
        catalog.ItemsChanged += items => changed.AddRange(items);

        var added = new CatalogContent(Guid.NewGuid(), bank.Id, ContentStatus.Enabled, [], [(3, SignalTypes.PdqName, Second)]);
        catalog.Replace([bank], [kept, added]);
        Assert.Equal([added.Id], changed.Select(c => c.Id));
        Assert.Empty(catalog.Match(SignalTypes.Md5, new string('1', 32), 0, 10));
        Assert.Single(catalog.Match(SignalTypes.Pdq, First, 0, 10));
        Assert.Single(catalog.Match(SignalTypes.Pdq, Second, 0, 10));
        Assert.Equal(2, catalog.SignalCount);

        // Upserting an item exactly as it is says nothing; a change does.
        changed.Clear();
        catalog.Upsert(kept with { Signals = [.. kept.Signals] });
        Assert.Empty(changed);
        catalog.Upsert(kept with { Labels = ["x"] });
        Assert.Single(changed);
    }

    [Fact]
    public void ABankChangeReportsItsItemsOnlyWhenTheyMatchForSomeoneNew()
    {
        var catalog = new SignalCatalog();
        var owner = Guid.NewGuid();
        var member = Guid.NewGuid();
        var bank = new CatalogBank(Guid.NewGuid(), "B", true, Private: true, Owner: owner);
        var item = new CatalogContent(Guid.NewGuid(), bank.Id, ContentStatus.Enabled, [], [(1, SignalTypes.Md5Name, new string('1', 32))]);
        catalog.Load([bank], [item]);
        var reported = 0;
        catalog.ItemsChanged += items => reported += items.Count;

        catalog.SetBank(bank with { Name = "renamed" });
        Assert.Equal(0, reported);
        catalog.SetBank(bank with { Name = "renamed", Members = [member] });
        Assert.Equal(1, reported);
        catalog.SetBank(bank with { Name = "renamed", Members = [member], Enabled = false });
        Assert.Equal(1, reported);
        catalog.SetBank(bank with { Name = "renamed", Members = [member] });
        Assert.Equal(2, reported);
        catalog.SetBank(bank with { Name = "renamed", Members = [member], Private = false });
        Assert.Equal(3, reported);
    }

    private static BankContent NewContent(Guid bankId, Guid organisationId, string pdq) => new()
    {
        BankId = bankId, AddedByOrganisationId = organisationId, AddedBy = "exchange sync", AddedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        Signals = [new ContentSignal { SignalType = SignalTypes.PdqName, Value = pdq }],
    };
}

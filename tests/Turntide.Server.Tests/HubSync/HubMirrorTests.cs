using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.HubSync;
using Turntide.Server.Features.Matching;
using Turntide.Core.Signals;

namespace Turntide.Server.Tests.HubSync;

/// <summary>The node's copy of the hub's banks, written page by page, on both providers.</summary>
public sealed class HubMirrorTests
{
    private static readonly Guid BankId = new("0190a000-0000-7000-8000-000000000001");

    private static BankDto Bank(bool enabled = true, bool benign = false) =>
        new(BankId, "SHARED", "", enabled, Guid.NewGuid(), DateTime.UtcNow, 0, benign);

    private static BankContentDto Item(Guid id, string md5, string status = "enabled") =>
        new(id, BankId, "SHARED", status, "", Guid.NewGuid(), "someone", DateTime.UtcNow, DateTime.UtcNow, [new SignalDto("md5", md5)], ["severity:crisis"]);

    private static ExchangePage Page(string checkpoint, params ExchangeUpdate[] updates) => new(checkpoint, false, updates);

    private static ExchangeUpdate Add(long sequence, BankContentDto item) => new(sequence, "add", "content.add", item.BankId, item.Id, DateTime.UtcNow, item, null);

    private static Task<bool> ApplyAsync(TestServer server, long version, ExchangePage page) =>
        server.InScopeAsync(s => s.GetRequiredService<HubMirror>().ApplyPageAsync(version, page, CancellationToken.None));

    private static IReadOnlyList<MatchDto> Match(TestServer server, string md5) =>
        server.Catalog.Match(SignalTypes.Find("md5")!, md5, 0, 10);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task APageAppliesOnceWhenTwoReplicasHoldTheSameCheckpoint(string provider)
    {
        await using var server = await TestServer.StartAsync(provider, role: "node");
        var state = await server.InScopeAsync(s => s.GetRequiredService<HubMirror>().StateAsync(CancellationToken.None));
        var item = Item(Guid.NewGuid(), new string('a', 32));
        var page = Page("e.2", new ExchangeUpdate(1, "bank", "bank.create", BankId, null, DateTime.UtcNow, null, Bank()), Add(2, item));

        // Both replicas read version 0; the second's compare-and-swap fails and it writes nothing.
        var results = await Task.WhenAll(ApplyAsync(server, state.Version, page), ApplyAsync(server, state.Version, page));
        Assert.Equal(1, results.Count(r => r));
        var (contents, signals, batches, after) = await server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            return (await db.Contents.CountAsync(), await db.Signals.CountAsync(),
                await db.AuditEntries.CountAsync(a => a.EntityType == CatalogChanges.ExchangeBatch),
                await db.HubSyncStates.AsNoTracking().SingleAsync());
        });
        Assert.Equal((1, 1, 1), (contents, signals, batches));
        Assert.Equal(("e.2", state.Version + 1), (after.Checkpoint, after.Version));
        Assert.Equal(item.Id, Assert.Single(Match(server, item.Signals[0].Value)).ContentId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task LaterUpdatesInAPageWinAndQuarantinedOrDeletedItemsStopMatching(string provider)
    {
        await using var server = await TestServer.StartAsync(provider, role: "node");
        var mirror = (TestServer s) => s.InScopeAsync(p => p.GetRequiredService<HubMirror>().StateAsync(CancellationToken.None));
        Guid kept = Guid.NewGuid(), quarantined = Guid.NewGuid(), deleted = Guid.NewGuid();
        string k = new('1', 32), q = new('2', 32), d = new('3', 32);
        Assert.True(await ApplyAsync(server, (await mirror(server)).Version, Page("e.4",
            new ExchangeUpdate(1, "bank", "bank.create", BankId, null, DateTime.UtcNow, null, Bank()),
            Add(2, Item(kept, k)), Add(3, Item(quarantined, q)), Add(4, Item(deleted, d)))));
        Assert.Single(Match(server, q));
        Assert.True(await ApplyAsync(server, (await mirror(server)).Version, Page("e.7",
            new ExchangeUpdate(5, "update", "content.quarantine", BankId, quarantined, DateTime.UtcNow, Item(quarantined, q, "quarantined"), null),
            new ExchangeUpdate(6, "update", "content.update", BankId, deleted, DateTime.UtcNow, Item(deleted, d), null),
            new ExchangeUpdate(7, "delete", "content.delete", BankId, deleted, DateTime.UtcNow, null, null))));
        Assert.Single(Match(server, k));
        Assert.Empty(Match(server, q));
        Assert.Empty(Match(server, d));
        // A bank turned negative suppresses its matches entirely.
        Assert.True(await ApplyAsync(server, (await mirror(server)).Version, Page("e.8",
            new ExchangeUpdate(8, "bank", "bank.update", BankId, null, DateTime.UtcNow, null, Bank(benign: true)))));
        Assert.Empty(Match(server, k));
        var rows = await server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            return await db.Contents.AsNoTracking().OrderBy(c => c.Status).Select(c => c.Status).ToListAsync();
        });
        Assert.Equal([ContentStatus.Enabled, ContentStatus.Quarantined], rows.Order());
        var bank = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Banks.AsNoTracking().SingleAsync(b => b.Id == BankId));
        Assert.Equal((HubMirror.Origin, HubMirror.NormalizedName(BankId)), (bank.Origin, bank.NormalizedName));
    }

    [Fact]
    public async Task APageReachesTheCatalogThroughTheApplierBeforeApplyingItReturns()
    {
        // A poll far beyond the test: only the commit's own wake-up can bring the page in.
        await using var server = await TestServer.StartAsync("sqlite", role: "node",
            settings: new Dictionary<string, string?> { ["Turntide:CatalogFollowMilliseconds"] = "60000" });
        var applied = server.App.Services.GetRequiredService<AuditApplied>();
        var item = Guid.NewGuid();
        string md5 = new('5', 32);
        var state = await server.InScopeAsync(s => s.GetRequiredService<HubMirror>().StateAsync(CancellationToken.None));
        Assert.True(await ApplyAsync(server, state.Version, Page("e.2",
            new ExchangeUpdate(1, "bank", "bank.create", BankId, null, DateTime.UtcNow, null, Bank()), Add(2, Item(item, md5)))));
        long written = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.MaxAsync(a => a.Sequence));
        Assert.True(applied.Sequence >= written, $"applied {applied.Sequence}, page committed at {written}");
        Assert.Single(Match(server, md5));

        // The row changed behind the catalog's back stays as the catalog read it until an entry names it; then it is read again.
        await SetStatusBehindTheCatalogsBackAsync(server, item, ContentStatus.Disabled);
        Assert.Single(Match(server, md5));
        await server.InScopeAsync(async s =>
        {
            await using var scope = await s.GetRequiredService<AuditLog>().BeginAsync();
            scope.Record(Actor.System("another replica"), "exchange.batch", CatalogChanges.ExchangeBatch, "e.2", null,
                new ExchangeBatchRecord("e.2", [BankId], [item]));
            await scope.CommitAsync();
            await scope.WaitAppliedAsync();
            return 0;
        });
        Assert.Empty(Match(server, md5));
    }

    private static Task SetStatusBehindTheCatalogsBackAsync(TestServer server, Guid item, ContentStatus status) =>
        server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contents.Where(c => c.Id == item)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, status)));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnItemOfABankTheNodeHasNoCopyOfAsksForAResync(string provider)
    {
        await using var server = await TestServer.StartAsync(provider, role: "node");
        var state = await server.InScopeAsync(s => s.GetRequiredService<HubMirror>().StateAsync(CancellationToken.None));
        await Assert.ThrowsAsync<MirrorNeedsResyncException>(() => ApplyAsync(server, state.Version, Page("e.1", Add(1, Item(Guid.NewGuid(), new string('4', 32))))));
        var after = await server.InScopeAsync(s => s.GetRequiredService<HubMirror>().StateAsync(CancellationToken.None));
        Assert.Equal((state.Checkpoint, state.Version), (after.Checkpoint, after.Version));
    }
}

/// <summary>The catalog's bulk upsert (a resync) against its plain one-by-one twin.</summary>
public sealed class CatalogBulkUpsertTests
{
    [Fact]
    public void UpsertManyMatchesExactlyAsUpsertOneByOne()
    {
        var random = new Random(7);
        string Pdq() => Convert.ToHexStringLower(Enumerable.Range(0, 32).Select(_ => (byte)random.Next(256)).ToArray());
        var bank = new CatalogBank(Guid.NewGuid(), "B", true);
        var first = Enumerable.Range(0, 3000).Select(i => new CatalogContent(Guid.NewGuid(), bank.Id,
            i % 10 == 0 ? ContentStatus.Quarantined : ContentStatus.Enabled, [], [(i + 1, "pdq", Pdq()), (100_000 + i, "md5", Guid.NewGuid().ToString("n"))])).ToList();
        // A second round replaces half the items' signals with new ids (as a resync re-inserts rows) and adds new items.
        var second = first.Take(1500).Select((c, i) => c with { Signals = [(200_000 + i, "pdq", c.Signals[0].Value), (300_000 + i, "md5", c.Signals[1].Value)] })
            .Concat(Enumerable.Range(0, 2000).Select(i => new CatalogContent(Guid.NewGuid(), bank.Id, ContentStatus.Enabled, [], [(400_000 + i, "pdq", Pdq())])))
            .ToList();
        var bulk = new SignalCatalog();
        var plain = new SignalCatalog();
        foreach (var catalog in new[] { bulk, plain })
            catalog.SetBank(bank);
        bulk.UpsertMany(first);
        bulk.UpsertMany(second);
        foreach (var c in first.Concat(second))
            plain.Upsert(c);
        Assert.Equal((plain.ContentCount, plain.SignalCount), (bulk.ContentCount, bulk.SignalCount));
        var pdq = SignalTypes.Find("pdq")!;
        var queries = first.Concat(second).Select(c => c.Signals[0].Value).Concat(Enumerable.Range(0, 200).Select(_ => Pdq()));
        foreach (var q in queries)
            Assert.Equal(plain.Match(pdq, q, 31, 100), bulk.Match(pdq, q, 31, 100));
    }
}

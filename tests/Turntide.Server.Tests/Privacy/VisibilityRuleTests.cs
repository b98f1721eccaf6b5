using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Privacy;

/// <summary>The one visibility rule: its query form, its in-memory form and the catalog's use of it give the same answers.</summary>
public sealed class VisibilityRuleTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheQueryAndTheInMemoryFormOfTheRuleAgreeForEveryBankAndViewer(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var owner = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var named = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var alsoNamed = await server.CreateOrgAsync(OrganisationKinds.Forum);
        var outsider = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var ownerActor = new Actor(Actor.KeyKind, "k", "owner key", owner.Id, OrganisationKinds.Platform, [Roles.Analyst]);
        var sharings = new (string Name, BankSharing Sharing)[]
        {
            ("SHARED", new(false, [])),
            ("ALONE", new(true, [])),
            ("ONE", new(true, [named.Id])),
            ("TWO", new(true, [named.Id, alsoNamed.Id])),
        };
        await server.InScopeAsync(async s =>
        {
            foreach (var (name, sharing) in sharings)
            {
                await s.GetRequiredService<BankService>().CreateBankAsync(ownerActor, name, "");
                await s.GetRequiredService<ExchangeService>().SetSharingAsync(ownerActor, name, sharing);
            }
        });
        var viewers = new Guid?[] { owner.Id, named.Id, alsoNamed.Id, outsider.Id, Guid.NewGuid(), null };
        await server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            var banks = await db.Banks.AsNoTracking().Where(b => sharings.Select(x => x.Name).Contains(b.Name)).ToListAsync();
            var members = await db.BankMembers.AsNoTracking().ToListAsync();
            Assert.Equal(4, banks.Count);
            int seen = 0;
            foreach (var viewer in viewers)
            {
                var byQuery = (await db.Banks.AsNoTracking().VisibleTo(db, viewer).Select(b => b.Id).ToListAsync()).ToHashSet();
                foreach (var bank in banks)
                {
                    var named = members.Where(m => m.BankId == bank.Id).Select(m => m.OrganisationId).ToList();
                    bool inMemory = BankVisibility.Sees(bank.OwnerOrganisationId, bank.Private, named, viewer);
                    bool catalog = CatalogBank.From(bank, named).VisibleTo(CatalogViewer.For(viewer));
                    Assert.True(byQuery.Contains(bank.Id) == inMemory && catalog == inMemory,
                        $"bank {bank.Name}, viewer {viewer}: query {byQuery.Contains(bank.Id)}, in memory {inMemory}, catalog {catalog}");
                    seen += inMemory ? 1 : 0;
                }
            }
            // Not a vacuous agreement: SHARED for all six viewers, ALONE for the owner, ONE for two, TWO for three.
            Assert.Equal(6 + 1 + 2 + 3, seen);
        });
    }

    [Fact]
    public void AuditHistoryOfAPrivateBankIsTheOwnersAloneAndOfASharedBankEveryones()
    {
        Guid owner = Guid.NewGuid(), other = Guid.NewGuid();
        Assert.True(BankVisibility.SeesHistory(owner, isPrivate: true, owner));
        Assert.False(BankVisibility.SeesHistory(owner, isPrivate: true, other));
        Assert.False(BankVisibility.SeesHistory(owner, isPrivate: true, null));
        Assert.True(BankVisibility.SeesHistory(owner, isPrivate: false, other));
    }
}

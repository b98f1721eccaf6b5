using System.Net;
using System.Net.Http.Json;
using Turntide.Core.Index;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Core.Signals;

namespace Turntide.Server.Tests.Matching;

/// <summary>Private banks in matching: their items match only for the owner and the members named on them.</summary>
public sealed class PrivateBankMatchingTests
{
    private const string Pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private const string NearPdq = "58f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private static readonly string Md5 = new('7', 32);

    private static async Task<List<MatchDto>> MatchAsync(HttpClient client, string type, string value) =>
        [.. (await client.GetFromJsonAsync<MatchResponse>($"/api/v1/match?signal_type={type}&signal={value}", Json.Options))!.Matches];

    private static async Task AddAsync(HttpClient client, string bank, string type, string value) =>
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/v1/banks/{bank}/content",
            new { signals = new[] { new { signal_type = type, value } } })).StatusCode);

    private static async Task ShareAsync(HttpClient owner, string bank, params Guid[] members) =>
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync($"/api/v1/banks/{bank}/sharing", new { @private = true, members })).StatusCode);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task APrivateBankMatchesForItsOwnerAndNamedMembersOnlyAcrossARestart(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        string ownerKey, namedKey, otherKey;
        await using (var server = await TestServer.StartAsync(provider, database: database))
        {
            var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
            var named = await server.CreateOrgAsync(OrganisationKinds.Platform);
            var other = await server.CreateOrgAsync(OrganisationKinds.Platform);
            ownerKey = await server.CreateKeyAsync(forum.Id, Roles.Analyst);
            namedKey = await server.CreateKeyAsync(named.Id, Roles.Moderator);
            otherKey = await server.CreateKeyAsync(other.Id, Roles.Moderator);
            using var owner = server.WithKey(ownerKey);
            using var namedClient = server.WithKey(namedKey);
            using var otherClient = server.WithKey(otherKey);
            Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/banks", new { name = "CLOSED", @private = false })).StatusCode);
            await AddAsync(owner, "CLOSED", "md5", Md5);
            // Shared with everyone until it is made private.
            Assert.Single(await MatchAsync(otherClient, "md5", Md5));
            await ShareAsync(owner, "CLOSED", named.Id);
            Assert.Single(await MatchAsync(owner, "md5", Md5));
            Assert.Single(await MatchAsync(namedClient, "md5", Md5));
            Assert.Empty(await MatchAsync(otherClient, "md5", Md5));
            // The batch form answers the same way.
            var batch = await otherClient.PostAsJsonAsync("/api/v1/match", new { signals = new[] { new { signal_type = "md5", signal = Md5 } } });
            Assert.Empty((await batch.Content.ReadFromJsonAsync<BatchMatchResponse>(Json.Options))!.Results.Single().Matches);

            // A benign private bank suppresses only for those who see it.
            Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/banks", new { name = "OPEN", @private = false })).StatusCode);
            await AddAsync(owner, "OPEN", "pdq", Pdq);
            Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/banks", new { name = "QUIET", benign = true })).StatusCode);
            await AddAsync(owner, "QUIET", "pdq", NearPdq);
            await ShareAsync(owner, "QUIET", named.Id);
            Assert.Empty(await MatchAsync(namedClient, "pdq", Pdq));
            Assert.Equal("OPEN", Assert.Single(await MatchAsync(otherClient, "pdq", Pdq)).Bank);
            await server.App.StopAsync();
        }
        // The start-up load carries the sharing too; a bank switched off and on again keeps it.
        await using var again = await TestServer.StartAsync(provider, database: database);
        using var ownerAgain = again.WithKey(ownerKey);
        using var namedAgain = again.WithKey(namedKey);
        using var otherAgain = again.WithKey(otherKey);
        Assert.Equal(HttpStatusCode.OK, (await ownerAgain.PatchAsJsonAsync("/api/v1/banks/CLOSED", new { enabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ownerAgain.PatchAsJsonAsync("/api/v1/banks/CLOSED", new { enabled = true })).StatusCode);
        Assert.Single(await MatchAsync(namedAgain, "md5", Md5));
        Assert.Empty(await MatchAsync(otherAgain, "md5", Md5));
        Assert.Empty(await MatchAsync(namedAgain, "pdq", Pdq));
        Assert.Single(await MatchAsync(otherAgain, "pdq", Pdq));
    }

    [Fact]
    public void MatchesForAViewerEqualAPlainScanOverTheBanksItMaySee()
    {
        var random = new Random(20261130);
        var orgs = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var banks = new[]
        {
            new CatalogBank(Guid.NewGuid(), "SHARED", true),
            new CatalogBank(Guid.NewGuid(), "OWNED", true, Private: true, Owner: orgs[0]),
            new CatalogBank(Guid.NewGuid(), "NAMED", true, Private: true, Owner: orgs[0], Members: [orgs[1], orgs[2]]),
            new CatalogBank(Guid.NewGuid(), "BENIGN", true, Benign: true, Private: true, Owner: orgs[3]),
        };
        var catalog = new SignalCatalog();
        foreach (var b in banks)
            catalog.SetBank(b);
        var seeds = Enumerable.Range(0, 10).Select(_ => SyntheticHashes.Random(random)).ToArray();
        var items = new List<CatalogContent>();
        for (int i = 0; i < 400; i++)
        {
            // Benign items are few, so that most queries have matches to lose.
            var bank = random.Next(20) == 0 ? banks[3] : banks[random.Next(3)];
            var item = new CatalogContent(Guid.NewGuid(), bank.Id, random.Next(6) == 0 ? ContentStatus.Disabled : ContentStatus.Enabled, [],
                [(i + 1, SignalTypes.PdqName, SyntheticHashes.FlipBits(seeds[random.Next(seeds.Length)], random.Next(40), random).ToString())]);
            items.Add(item);
            catalog.Upsert(item);
        }
        var viewers = orgs.Select(o => CatalogViewer.For(o)).Append(CatalogViewer.For(Guid.NewGuid())).Append(CatalogViewer.For(null)).Append(CatalogViewer.Everyone).ToList();
        int compared = 0;
        for (int q = 0; q < 60; q++)
        {
            var query = SyntheticHashes.FlipBits(seeds[random.Next(seeds.Length)], random.Next(20), random);
            foreach (var viewer in viewers)
            {
                var expected = Scan(items, banks, viewer, query, 31);
                var actual = catalog.Match(SignalTypes.Pdq, query.ToString(), 31, 10_000, viewer).Select(m => (m.ContentId, m.Distance)).ToList();
                Assert.Equal(expected, actual);
                compared += expected.Count;
            }
        }
        Assert.True(compared > 100, "The queries should find matches to compare.");
    }

    /// <summary>The twin: every item, every bit, the visibility rule written out.</summary>
    private static List<(Guid, int)> Scan(List<CatalogContent> items, CatalogBank[] banks, CatalogViewer viewer, Hash256 query, int maxDistance)
    {
        bool Sees(CatalogBank b) => !b.Private || viewer.Everything
            || viewer.Organisation == b.Owner || (viewer.Organisation is { } o && (b.Members ?? []).Contains(o));
        var result = new List<(Guid Id, int Distance)>();
        foreach (var item in items)
        {
            var bank = banks.Single(b => b.Id == item.BankId);
            if (item.Status != ContentStatus.Enabled || !bank.Enabled || !Sees(bank))
                continue;
            var h = Hash256.Parse(item.Signals[0].Value);
            int d = 0;
            for (int bit = 0; bit < 256; bit++)
                d += h.GetBit(bit) != query.GetBit(bit) ? 1 : 0;
            if (d > maxDistance)
                continue;
            if (bank.Benign)
                return [];
            result.Add((item.Id, d));
        }
        return [.. result.OrderBy(r => r.Distance).ThenBy(r => r.Id)];
    }
}

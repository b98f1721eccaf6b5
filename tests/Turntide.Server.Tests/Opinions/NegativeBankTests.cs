using System.Net;
using System.Net.Http.Json;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Core.Signals;

namespace Turntide.Server.Tests.Opinions;

/// <summary>Negative banks: known-benign signals suppress the matches a query would otherwise have.</summary>
public sealed class NegativeBankTests
{
    private const string Pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    // The same hash with its first hex digit changed: 2 bits apart, well within the default distance of 31.
    private const string NearPdq = "58f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private static readonly string Md5 = new('9', 32);

    private static async Task<List<MatchDto>> MatchAsync(HttpClient client, string type, string value) =>
        [.. (await client.GetFromJsonAsync<MatchResponse>($"/api/v1/match?signal_type={type}&signal={value}", Json.Options))!.Matches];

    private static async Task AddAsync(HttpClient client, string bank, string type, string value) =>
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/v1/banks/{bank}/content",
            new { signals = new[] { new { signal_type = type, value } } })).StatusCode);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AKnownBenignSignalSuppressesMatchesAndSurvivesARestart(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        string key;
        await using (var first = await TestServer.StartAsync(provider, database: database))
        {
            key = await first.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Forum);
            using var client = first.WithKey(key);
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/banks", new { name = "BLOCK" })).StatusCode);
            var created = await client.PostAsJsonAsync("/api/v1/banks", new { name = "BENIGN", description = "news photos", benign = true });
            Assert.True((await created.Content.ReadFromJsonAsync<BankDto>(Json.Options))!.Benign);
            await AddAsync(client, "BLOCK", "pdq", Pdq);
            await AddAsync(client, "BLOCK", "md5", Md5);
            Assert.Single(await MatchAsync(client, "pdq", Pdq));
            await AddAsync(client, "BENIGN", "pdq", NearPdq);
            Assert.Empty(await MatchAsync(client, "pdq", Pdq));
            Assert.Empty(await MatchAsync(client, "pdq", NearPdq));
            // Other signals are not touched.
            Assert.Single(await MatchAsync(client, "md5", Md5));
            await first.App.StopAsync();
        }
        await using var second = await TestServer.StartAsync(provider, database: database);
        using var again = second.WithKey(key);
        Assert.Empty(await MatchAsync(again, "pdq", Pdq));
        Assert.True((await again.GetFromJsonAsync<List<BankDto>>("/api/v1/banks", Json.Options))!.Single(b => b.Name == "BENIGN").Benign);
        // A disabled negative bank suppresses nothing.
        Assert.Equal(HttpStatusCode.OK, (await again.PatchAsJsonAsync("/api/v1/banks/BENIGN", new { enabled = false })).StatusCode);
        var hit = Assert.Single(await MatchAsync(again, "pdq", Pdq));
        Assert.Equal("BLOCK", hit.Bank);
    }

    [Fact]
    public void TheCatalogSuppressesOnlyQueriesThatReachAMatchableBenignItem()
    {
        var catalog = new SignalCatalog();
        var block = new CatalogBank(Guid.NewGuid(), "BLOCK", true);
        var benign = new CatalogBank(Guid.NewGuid(), "BENIGN", true, Benign: true);
        catalog.Load([block, benign], [
            new CatalogContent(Guid.NewGuid(), block.Id, ContentStatus.Enabled, [], [(1, "pdq", Pdq)]),
            new CatalogContent(Guid.NewGuid(), benign.Id, ContentStatus.Disabled, [], [(2, "pdq", Pdq)]),
        ]);
        var pdq = SignalTypes.Find("pdq")!;
        Assert.Single(catalog.Match(pdq, Pdq, 31, 10));
        var benignItem = new CatalogContent(Guid.NewGuid(), benign.Id, ContentStatus.Enabled, [], [(3, "pdq", NearPdq)]);
        catalog.Upsert(benignItem);
        Assert.Empty(catalog.Match(pdq, Pdq, 31, 10));
        // Out of reach at distance 1: the benign item is 2 bits away.
        Assert.Single(catalog.Match(pdq, Pdq, 1, 10));
        catalog.Upsert(benignItem with { Status = ContentStatus.Quarantined });
        Assert.Single(catalog.Match(pdq, Pdq, 31, 10));
    }
}

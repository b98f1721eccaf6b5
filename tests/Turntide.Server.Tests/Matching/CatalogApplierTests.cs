using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Core.Signals;
using Turntide.Server.Tests.Replicas;

namespace Turntide.Server.Tests.Matching;

/// <summary>
/// The one write path into the catalog (docs/catalog.md): every change reaches it through <see cref="CatalogApplier"/>, in
/// audit order, and a writer's request answers only once its change is in.
/// </summary>
public sealed class CatalogApplierTests
{
    private static readonly string Md5 = new('7', 32);

    private static async Task<List<MatchDto>> MatchAsync(HttpClient client, string type, string value) =>
        [.. (await client.GetFromJsonAsync<MatchResponse>($"/api/v1/match?signal_type={type}&signal={value}", Json.Options))!.Matches];

    private static async Task<Guid> AddAsync(HttpClient client, string bank, string type, string value, params string[] labels)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/banks/{bank}/content", new { signals = new[] { new { signal_type = type, value } }, labels });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!.Id;
    }

    private static Task<long> AuditHeadAsync(TestServer server) =>
        server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.MaxAsync(a => a.Sequence));

    /// <summary>Holds the applier's next pass that has read rows, after the read and before the apply, until released.</summary>
    private sealed class HeldPass
    {
        private readonly TaskCompletionSource<CatalogPass> _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldPass(CatalogApplier applier) =>
            applier.BeforeApply = async (pass, ct) =>
            {
                if (_held.TrySetResult(pass))
                    await _release.Task.WaitAsync(ct);
            };

        public Task<CatalogPass> Held => _held.Task.WaitAsync(TimeSpan.FromSeconds(60));

        public void Release() => _release.TrySetResult();
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AReadTakenBeforeACommitNeverLandsOverTheNewerStateTheCommitLeft(string provider)
    {
        // No bound in the way: the held pass decides when the writers answer.
        await using var server = await TestServer.StartAsync(provider, settings: new Dictionary<string, string?> { ["Turntide:CatalogWaitMilliseconds"] = "600000" });
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
        var named = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var other = await server.CreateOrgAsync(OrganisationKinds.Platform);
        using var owner = server.WithKey(await server.CreateKeyAsync(forum.Id, Roles.Analyst));
        using var namedClient = server.WithKey(await server.CreateKeyAsync(named.Id, Roles.Moderator));
        using var otherClient = server.WithKey(await server.CreateKeyAsync(other.Id, Roles.Moderator));
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/banks", new { name = "CLOSED", @private = false })).StatusCode);
        await AddAsync(owner, "CLOSED", "md5", Md5);
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync("/api/v1/banks/CLOSED/sharing", new { @private = true, members = new[] { named.Id } })).StatusCode);
        Assert.Single(await MatchAsync(namedClient, "md5", Md5));

        // The old interleaving: a pass reads the bank switched off, and before it applies that read the bank is switched on again.
        var held = new HeldPass(server.Service<CatalogApplier>());
        var off = owner.PatchAsJsonAsync("/api/v1/banks/CLOSED", new { enabled = false });
        var pass = await held.Held;
        var on = owner.PatchAsJsonAsync("/api/v1/banks/CLOSED", new { enabled = true });
        await Wait.UntilAsync(async () => await AuditHeadAsync(server) > pass.UpTo, "the second switch to commit while the pass is held");
        // Neither writer has answered: each waits for its own commit to be in the catalog.
        Assert.False(off.IsCompleted);
        Assert.False(on.IsCompleted);
        var bankId = (await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Banks.SingleAsync(b => b.Name == "CLOSED"))).Id;
        Assert.True(server.Catalog.TryGetBank(bankId, out var before) && before.Enabled, "the held read has not been applied yet");

        held.Release();
        Assert.Equal(HttpStatusCode.OK, (await off).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await on).StatusCode);
        // The switch-on answered, so its state is the catalog's: the older read (switched off) came first and was overtaken.
        Assert.True(server.Catalog.TryGetBank(bankId, out var after) && after.Enabled && after.Private && after.Members!.SequenceEqual([named.Id]));
        Assert.Single(await MatchAsync(namedClient, "md5", Md5));
        Assert.Empty(await MatchAsync(otherClient, "md5", Md5));
        Assert.True(server.Service<AuditApplied>().Sequence >= await AuditHeadAsync(server));
    }

    [Fact]
    public async Task AWriterAnswers503PastTheBoundWhenTheCatalogIsBehindAndTheChangeIsKept()
    {
        await using var server = await TestServer.StartAsync();
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
        using var owner = server.WithKey(await server.CreateKeyAsync(forum.Id, Roles.Analyst));
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/banks", new { name = "SLOW", @private = false })).StatusCode);
        // Short only from here: on a loaded machine the setup's own writes may take longer than this to apply.
        server.Service<Microsoft.Extensions.Options.IOptions<AuditOptions>>().Value.CatalogWaitMilliseconds = 200;

        var held = new HeldPass(server.Service<CatalogApplier>());
        var response = await owner.PostAsJsonAsync("/api/v1/banks/SLOW/content", new { signals = new[] { new { signal_type = "md5", value = Md5 } } });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("the matching catalog is behind", detail);
        Assert.Contains("do not repeat the change", detail);
        await held.Held;
        Assert.Empty(await MatchAsync(owner, "md5", Md5));

        // The change was saved: once the applier goes on, it matches, and it was not added twice.
        held.Release();
        await Wait.UntilAsync(async () => (await MatchAsync(owner, "md5", Md5)).Count == 1, "the held item to match");
        Assert.Equal(1, await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contents.CountAsync()));
    }

    /// <summary>
    /// The scenario of <see cref="PrivateBankMatchingTests.APrivateBankMatchesForItsOwnerAndNamedMembersOnlyAcrossARestart"/>
    /// (where the race once showed), 200 rounds on one database, each with its own banks, the server restarted every 50.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ThePrivateBankScenarioHoldsTwoHundredTimesInARow(string provider)
    {
        const int rounds = 200, perStart = 50;
        await using var database = await TestDatabase.CreateAsync(provider);
        string ownerKey, namedKey, otherKey;
        Guid namedId;
        await using (var first = await TestServer.StartAsync(provider, database: database))
        {
            var forum = await first.CreateOrgAsync(OrganisationKinds.Forum);
            var named = await first.CreateOrgAsync(OrganisationKinds.Platform);
            var other = await first.CreateOrgAsync(OrganisationKinds.Platform);
            (ownerKey, namedKey, otherKey, namedId) = (await first.CreateKeyAsync(forum.Id, Roles.Analyst),
                await first.CreateKeyAsync(named.Id, Roles.Moderator), await first.CreateKeyAsync(other.Id, Roles.Moderator), named.Id);
            await first.App.StopAsync();
        }
        for (int start = 0; start < rounds; start += perStart)
        {
            await using var server = await TestServer.StartAsync(provider, database: database);
            using var owner = server.WithKey(ownerKey);
            using var namedClient = server.WithKey(namedKey);
            using var otherClient = server.WithKey(otherKey);
            for (int round = start; round < start + perStart; round++)
                await RoundAsync(round, owner, namedClient, otherClient, namedId);
            await server.App.StopAsync();
        }
    }

    private static async Task RoundAsync(int round, HttpClient owner, HttpClient namedClient, HttpClient otherClient, Guid named)
    {
        string closed = $"CLOSED-{round}", open = $"OPEN-{round}", quiet = $"QUIET-{round}";
        // A hash of its own each round, far from the others'; the benign bank's is one bit off it, so within distance.
        var bytes = new byte[32];
        new Random(round).NextBytes(bytes);
        string md5 = round.ToString("x32"), pdq = Convert.ToHexStringLower(bytes);
        bytes[0] ^= 1;
        string nearPdq = Convert.ToHexStringLower(bytes);
        string where = $"round {round}";
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/banks", new { name = closed, @private = false })).StatusCode);
        await AddAsync(owner, closed, "md5", md5);
        Assert.True((await MatchAsync(otherClient, "md5", md5)).Count == 1, where);
        await ShareAsync(owner, closed, named);
        Assert.True((await MatchAsync(owner, "md5", md5)).Count == 1, where);
        Assert.True((await MatchAsync(namedClient, "md5", md5)).Count == 1, where);
        Assert.True((await MatchAsync(otherClient, "md5", md5)).Count == 0, where);

        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/banks", new { name = open, @private = false })).StatusCode);
        await AddAsync(owner, open, "pdq", pdq);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/banks", new { name = quiet, benign = true })).StatusCode);
        await AddAsync(owner, quiet, "pdq", nearPdq);
        await ShareAsync(owner, quiet, named);
        Assert.True((await MatchAsync(namedClient, "pdq", pdq)).Count == 0, where);
        Assert.True((await MatchAsync(otherClient, "pdq", pdq)).Any(m => m.Bank == open), where);

        // Where the race showed: a bank switched off and on again keeps its sharing.
        Assert.Equal(HttpStatusCode.OK, (await owner.PatchAsJsonAsync($"/api/v1/banks/{closed}", new { enabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.PatchAsJsonAsync($"/api/v1/banks/{closed}", new { enabled = true })).StatusCode);
        Assert.True((await MatchAsync(namedClient, "md5", md5)).Count == 1, where);
        Assert.True((await MatchAsync(otherClient, "md5", md5)).Count == 0, where);
        Assert.True((await MatchAsync(namedClient, "pdq", pdq)).Count == 0, where);
        Assert.True((await MatchAsync(otherClient, "pdq", pdq)).Any(m => m.Bank == open), where);
    }

    private static async Task ShareAsync(HttpClient owner, string bank, params Guid[] members) =>
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync($"/api/v1/banks/{bank}/sharing", new { @private = true, members })).StatusCode);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AfterRandomConcurrentWritesThroughTheApiTheCatalogEqualsAFreshLoad(string provider)
    {
        await using var server = await TestServer.StartAsync(provider, settings: new Dictionary<string, string?>
        {
            // Two disagreements quarantine, so opinions change the catalog too.
            ["Turntide:QuarantineDisagreements"] = "2",
            ["Turntide:QuarantineDisagreementShare"] = "0.5",
        });
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
        var platforms = new List<Organisation>();
        for (int i = 0; i < 3; i++)
            platforms.Add(await server.CreateOrgAsync(OrganisationKinds.Platform));
        var curators = new List<HttpClient> { server.WithKey(await server.CreateKeyAsync(forum.Id, Roles.Analyst)) };
        foreach (var p in platforms)
            curators.Add(server.WithKey(await server.CreateKeyAsync(p.Id, Roles.Analyst)));
        var banks = new[] { "ALPHA", "BRAVO", "CHARLIE" };
        foreach (var bank in banks)
            Assert.Equal(HttpStatusCode.Created, (await curators[0].PostAsJsonAsync("/api/v1/banks", new { name = bank, @private = false })).StatusCode);
        string[] labels = ["severity:crisis", "severity:promotional", "behaviour:financing"];

        // Workers speak for their own members but change anyone's items: two edits of one item's labels at once, and an
        // opinion on an item a retraction is deleting, must both answer (200, or 404 for the item gone), never fail.
        var added = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        async Task WorkAsync(int worker)
        {
            var random = new Random(1000 + worker);
            var contributions = new List<Guid>();
            var client = curators[worker];
            string Hex(int bytes) => Convert.ToHexStringLower(Enumerable.Range(0, bytes).Select(_ => (byte)random.Next(256)).ToArray());
            string Label() => labels[random.Next(labels.Length)];
            for (int step = 0; step < 50; step++)
            {
                HttpResponseMessage response;
                switch (random.Next(8))
                {
                    case 0:
                        response = await curators[0].PostAsJsonAsync($"/api/v1/banks/{banks[random.Next(banks.Length)]}/content", new
                        {
                            signals = new[] { new { signal_type = random.Next(2) == 0 ? "pdq" : "md5", value = random.Next(2) == 0 ? Hex(32) : Hex(16) } },
                            labels = new[] { Label() },
                        });
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            var id = (await response.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!.Id;
                            added.Add(id);
                        }
                        break;
                    case 1 when !added.IsEmpty:
                        var any = added.ToArray();
                        response = await curators[0].PatchAsJsonAsync($"/api/v1/content/{any[random.Next(any.Length)]}", new
                        {
                            status = new[] { "enabled", "disabled", "quarantined" }[random.Next(3)], labels = new[] { Label(), Label() },
                        });
                        break;
                    case 2:
                        response = await curators[0].PatchAsJsonAsync($"/api/v1/banks/{banks[random.Next(banks.Length)]}", new { enabled = random.Next(3) != 0 });
                        break;
                    case 3:
                        var members = platforms.Where(_ => random.Next(2) == 0).Select(p => p.Id).ToArray();
                        response = await curators[0].PutAsJsonAsync($"/api/v1/banks/{banks[random.Next(banks.Length)]}/sharing",
                            random.Next(3) == 0 ? new { @private = false, members = Array.Empty<Guid>() } : new { @private = true, members });
                        break;
                    case 4 when !added.IsEmpty:
                        var anyone = added.ToArray();
                        response = await client.PutAsJsonAsync($"/api/v1/content/{anyone[random.Next(anyone.Length)]}/opinion",
                            new { opinion = random.Next(3) == 0 ? "agree" : "disagree" });
                        break;
                    case 5 or 6:
                        response = await client.PostAsJsonAsync("/api/v1/contributions", new
                        {
                            bank = banks[random.Next(banks.Length)],
                            // A small pool of values, so contributions often merge into an item already there.
                            signals = new[] { new { signal_type = "md5", value = (worker * 16 + random.Next(4)).ToString("x32") } },
                            labels = new[] { Label() },
                        });
                        if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<ContributionResult>(Json.Options) is { } result)
                        {
                            added.Add(result.Content.Id);
                            contributions.Add(result.Contribution.Id);
                        }
                        break;
                    default:
                        if (contributions.Count == 0)
                            continue;
                        var retracted = contributions[random.Next(contributions.Count)];
                        contributions.Remove(retracted);
                        response = await client.DeleteAsync($"/api/v1/contributions/{retracted}");
                        break;
                }
                // Refusals are fine (another member's bank, an item gone, nothing to change); a failure is not.
                Assert.True((int)response.StatusCode < 500, $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {await response.Content.ReadAsStringAsync()}");
                response.Dispose();
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(WorkAsync));

        long head = await AuditHeadAsync(server);
        var applied = server.Service<AuditApplied>();
        await Wait.UntilAsync(() => Task.FromResult(applied.Sequence >= head), "the applier to reach the audit head");
        List<CatalogBank> freshBanks = [];
        List<CatalogContent> freshContents = [];
        await server.InScopeAsync(s => CatalogLoader.ReadAllAsync(s.GetRequiredService<TurntideDb>(), (b, c, _, _) =>
        {
            freshBanks = [.. b];
            freshContents = [.. c];
        }, CancellationToken.None));
        var live = server.Catalog;
        Assert.True(freshContents.Count > 10, $"only {freshContents.Count} items were written");
        Assert.Equal(freshContents.Count, live.ContentCount);
        foreach (var bank in freshBanks)
            Assert.True(live.TryGetBank(bank.Id, out var kept) && kept.Equals(bank), $"bank {bank.Name}: {bank} in the database, {kept} in the catalog");
        foreach (var content in freshContents)
        {
            Assert.True(live.TryGetContent(content.Id, out var kept), $"item {content.Id} is missing from the catalog");
            Assert.Equal((content.BankId, content.Status), (kept.BankId, kept.Status));
            Assert.Equal(content.Labels, kept.Labels);
            Assert.Equal(content.Signals.OrderBy(s => s.SignalId), kept.Signals.OrderBy(s => s.SignalId));
        }
        // The indexes too: every signal matches in the catalog as in one loaded fresh.
        var fresh = new SignalCatalog();
        fresh.Load(freshBanks, freshContents);
        Assert.Equal(fresh.SignalCount, live.SignalCount);
        foreach (var (_, type, value) in freshContents.SelectMany(c => c.Signals))
        {
            var signalType = SignalTypes.Find(type)!;
            Assert.Equal(Answers(fresh.Match(signalType, value, 0, 100)), Answers(live.Match(signalType, value, 0, 100)));
        }
        foreach (var client in curators)
            client.Dispose();
    }

    private static List<string> Answers(IReadOnlyList<MatchDto> matches) =>
        [.. matches.Select(m => $"{m.BankId} {m.ContentId} {m.Distance} {string.Join(',', m.Labels)}")];
}

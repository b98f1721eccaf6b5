using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Opinions;

namespace Turntide.Server.Tests.Exchange;

/// <summary>
/// Match counts reported by members' nodes: only node keys send them, only items the member's nodes hold count, each
/// member counts at most its share, one member alone only puts an item under review, and two members quarantine it.
/// </summary>
public sealed class MatchFloodTests
{
    private const string Reports = "/api/v1/exchange/match-reports";

    private sealed record World(TestServer Server, HttpClient Operator, HttpClient A, HttpClient B, Guid Item, Guid PlatformA) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private static async Task<World> StartAsync(string provider, long threshold = 1000, int reportsPerMinute = 60)
    {
        var server = await TestServer.StartAsync(provider, settings: new Dictionary<string, string?>
        {
            ["Turntide:QuarantineFloodMatches"] = threshold.ToString(),
            ["Turntide:MatchReportsPerMinute"] = reportsPerMinute.ToString(),
        });
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
        var operatorClient = server.WithKey(await server.CreateKeyAsync(forum.Id, Roles.Analyst));
        Assert.Equal(HttpStatusCode.Created, (await operatorClient.PostAsJsonAsync("/api/v1/banks", new { name = "FLOOD", @private = false })).StatusCode);
        var item = await AddAsync(operatorClient, new string('7', 32));
        var platformA = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var a = server.WithKey(await server.CreateKeyAsync(platformA.Id, Roles.Analyst, "node sync", KeyScopes.Node));
        var b = server.WithKey(await server.CreateKeyAsync((await server.CreateOrgAsync(OrganisationKinds.Platform)).Id, Roles.Analyst, "node sync", KeyScopes.Node));
        return new World(server, operatorClient, a, b, item, platformA.Id);
    }

    private static async Task<Guid> AddAsync(HttpClient curator, string md5, string bank = "FLOOD")
    {
        var added = await curator.PostAsJsonAsync($"/api/v1/banks/{bank}/content", new { signals = new[] { new { signal_type = "md5", value = md5 } } });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        return (await added.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!.Id;
    }

    private static async Task<MatchReportResult> ReportAsync(HttpClient node, params (Guid Item, long Matches)[] items)
    {
        var response = await node.PostAsJsonAsync(Reports, new MatchReport([.. items.Select(i => new MatchReportItem(i.Item, i.Matches))]), Json.Options);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<MatchReportResult>(Json.Options))!;
    }

    private static async Task<bool> MatchesAsync(HttpClient client, string md5) =>
        (await client.GetFromJsonAsync<MatchResponseBody>($"/api/v1/match?signal_type=md5&signal={md5}", Json.Options))!.Matches.Count > 0;

    private sealed record MatchResponseBody(List<MatchBody> Matches);
    private sealed record MatchBody(Guid ContentId);

    private static Task<string> StatusAsync(World w, Guid item) =>
        w.Operator.GetFromJsonAsync<BankContentDto>($"/api/v1/content/{item}", Json.Options).ContinueWith(t => t.Result!.Status);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OneMemberAloneOnlyPutsAnItemUnderReviewAndASecondMembersShareQuarantinesIt(string provider)
    {
        await using var w = await StartAsync(provider);
        var tenMatches = (w.Item, 10L);

        // Replicas of one member reporting at the same moment: every count arrives.
        var reports = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => w.A.PostAsJsonAsync(Reports, new MatchReport([new MatchReportItem(w.Item, 10)]), Json.Options)));
        Assert.All(reports, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, (await reports[0].Content.ReadFromJsonAsync<MatchReportResult>(Json.Options))!.Counted);
        Assert.Equal(200, await CountAsync(w.Server, w.Item));

        // Member B alone reports ten times the threshold: its share (half the threshold) puts the item under review; it
        // goes on matching and waits in the operator's queue.
        var flood = await ReportAsync(w.B, (w.Item, 10_000));
        Assert.Empty(flood.Quarantined);
        Assert.Equal([w.Item], flood.UnderReview);
        Assert.Equal("enabled", await StatusAsync(w, w.Item));
        Assert.True(await MatchesAsync(w.Operator, new string('7', 32)));
        var review = Assert.Single((await w.Operator.GetFromJsonAsync<List<QuarantineCaseDto>>("/api/v1/quarantine", Json.Options))!);
        Assert.True(review.UnderReview);
        Assert.StartsWith("Match flood under review: 10200 matches from 2 member(s)", review.Reason);
        using var operatorPage = await w.Server.SignedInAsync(Roles.Analyst, OrganisationKinds.Forum);
        var page = await operatorPage.GetStringAsync("/quarantine");
        Assert.Contains("data-testid=\"under-review\">Under review: still matching", page);
        Assert.Empty((await ReportAsync(w.B, (w.Item, 10_000))).Quarantined);
        Assert.Equal("enabled", await StatusAsync(w, w.Item));

        // Member A brings its count to its share: two members' shares reach the threshold, and the item leaves matching
        // in the same case.
        var confirm = await ReportAsync(w.A, (w.Item, 300));
        Assert.Equal([w.Item], confirm.Quarantined);
        Assert.Equal("quarantined", await StatusAsync(w, w.Item));
        Assert.False(await MatchesAsync(w.Operator, new string('7', 32)));
        Assert.Equal(0, await CountAsync(w.Server, w.Item));
        var queued = Assert.Single((await w.Operator.GetFromJsonAsync<List<QuarantineCaseDto>>("/api/v1/quarantine", Json.Options))!);
        Assert.Equal(review.Id, queued.Id);
        Assert.False(queued.UnderReview);
        Assert.StartsWith("Match flood: 20500 matches from 2 member(s)", queued.Reason);

        // Restored by the operator, the item starts counting afresh: the matches that flooded it do not send it back.
        Assert.Equal(HttpStatusCode.OK, (await w.Operator.PostAsJsonAsync($"/api/v1/quarantine/{queued.Id}", new { decision = "restore", note = "a benign meme" })).StatusCode);
        var after = await ReportAsync(w.A, tenMatches);
        Assert.Empty(after.Quarantined);
        Assert.Empty(after.UnderReview!);
        Assert.Equal("enabled", await StatusAsync(w, w.Item));
        var actions = await w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.Where(e => e.EntityType == "quarantine_case")
            .OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());
        Assert.Equal(["quarantine.review", "quarantine.confirm", "quarantine.restore"], actions);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OneNodeFloodingAThousandItemsAtOnceTakesNoneOutOfMatching(string provider)
    {
        await using var w = await StartAsync(provider, threshold: 10_000);
        var items = new List<Guid> { w.Item };
        var entries = Enumerable.Range(0, 999).Select(i => new { signal_type = "md5", value = $"{i:x32}" }).ToList();
        // A thousand items in the bank, added through the import so the set-up stays quick.
        var csv = "signal_type,signal,labels,note\r\n" + string.Concat(entries.Select(e => $"md5,{e.value},,\r\n"));
        var import = await w.Operator.PostAsync("/api/v1/banks/FLOOD/import?format=csv", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        items.AddRange(await w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contents.Where(c => c.Id != w.Item).Select(c => c.Id).ToListAsync()));
        Assert.Equal(1000, items.Count);

        var result = await ReportAsync(w.A, [.. items.Select(i => (i, 10_000L))]);
        Assert.Equal(1000, result.Counted);
        Assert.Empty(result.Quarantined);
        Assert.Equal(1000, result.UnderReview!.Count);
        Assert.Equal(0, await w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contents.CountAsync(c => c.Status != ContentStatus.Enabled)));
        Assert.True(await MatchesAsync(w.Operator, new string('7', 32)));
        Assert.True(await MatchesAsync(w.Operator, $"{5:x32}"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AReportFromAPersonsRoleKeyIsRefusedAndNothingCounts(string provider)
    {
        await using var w = await StartAsync(provider);
        // The finding: a platform moderator's key quarantined another member's item with one request.
        foreach (var role in new[] { Roles.Moderator, Roles.Analyst, Roles.Admin })
        {
            using var key = w.Server.WithKey(await w.Server.CreateKeyAsync(w.PlatformA, role));
            var response = await key.PostAsJsonAsync(Reports, new MatchReport([new MatchReportItem(w.Item, 10_000)]), Json.Options);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        // A node key of an authority (not a member that matches) is refused too.
        var authority = await w.Server.CreateOrgAsync(OrganisationKinds.Authority);
        using var authorityNode = w.Server.WithKey(await w.Server.CreateKeyAsync(authority.Id, Roles.Admin, "node", KeyScopes.Node));
        Assert.Equal(HttpStatusCode.Forbidden, (await authorityNode.PostAsJsonAsync(Reports, new MatchReport([new MatchReportItem(w.Item, 10_000)]), Json.Options)).StatusCode);
        Assert.Equal(0, await CountAsync(w.Server, w.Item));
        Assert.Equal("enabled", await StatusAsync(w, w.Item));
        Assert.Empty((await w.Operator.GetFromJsonAsync<List<QuarantineCaseDto>>("/api/v1/quarantine", Json.Options))!);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ReportsCountOnlyForItemsTheMembersNodesHold(string provider)
    {
        await using var w = await StartAsync(provider);
        // A private bank that names neither member, and a disabled item in the shared bank.
        Assert.Equal(HttpStatusCode.Created, (await w.Operator.PostAsJsonAsync("/api/v1/banks", new { name = "PRIVATE" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.Operator.PutAsJsonAsync("/api/v1/banks/PRIVATE/sharing", new { @private = true, members = Array.Empty<string>() })).StatusCode);
        var hidden = await AddAsync(w.Operator, new string('8', 32), "PRIVATE");
        var disabled = await AddAsync(w.Operator, new string('9', 32));
        Assert.Equal(HttpStatusCode.OK, (await w.Operator.PatchAsJsonAsync($"/api/v1/content/{disabled}", new { status = "disabled" })).StatusCode);

        foreach (var node in new[] { w.A, w.B })
        {
            var result = await ReportAsync(node, (hidden, 10_000), (disabled, 10_000));
            Assert.Equal(0, result.Counted);
            Assert.Empty(result.UnderReview!);
        }
        Assert.Equal(0, await CountAsync(w.Server, hidden));
        Assert.Equal(0, await CountAsync(w.Server, disabled));
        Assert.Empty((await w.Operator.GetFromJsonAsync<List<QuarantineCaseDto>>("/api/v1/quarantine", Json.Options))!);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ASecondMembersDisagreementConfirmsAnItemUnderReviewButTheFloodingMembersOwnDoesNot(string provider)
    {
        await using var w = await StartAsync(provider);
        Assert.Equal([w.Item], (await ReportAsync(w.A, (w.Item, 5000))).UnderReview);
        // The member whose node flooded cannot confirm its own flood.
        using var aAnalyst = w.Server.WithKey(await w.Server.CreateKeyAsync(w.PlatformA, Roles.Analyst));
        Assert.Equal(HttpStatusCode.OK, (await aAnalyst.PutAsJsonAsync($"/api/v1/content/{w.Item}/opinion", new { opinion = "disagree" })).StatusCode);
        Assert.Equal("enabled", await StatusAsync(w, w.Item));
        // Another member's disagreement does.
        using var other = w.Server.WithKey(await w.Server.KeyForRoleAsync(Roles.Moderator, OrganisationKinds.Platform));
        var opinion = await other.PutAsJsonAsync($"/api/v1/content/{w.Item}/opinion", new { opinion = "disagree" });
        Assert.Equal(HttpStatusCode.OK, opinion.StatusCode);
        Assert.Equal("quarantined", await StatusAsync(w, w.Item));
        var queued = Assert.Single((await w.Operator.GetFromJsonAsync<List<QuarantineCaseDto>>("/api/v1/quarantine", Json.Options))!);
        Assert.False(queued.UnderReview);
        Assert.StartsWith("A second member disagrees", queued.Reason);
        // The operator disables it.
        Assert.Equal(HttpStatusCode.OK, (await w.Operator.PostAsJsonAsync($"/api/v1/quarantine/{queued.Id}", new { decision = "disable" })).StatusCode);
        Assert.Equal("disabled", await StatusAsync(w, w.Item));
    }

    [Fact]
    public async Task MatchReportsAreRateLimitedPerNodeKeyWithRetryAfter()
    {
        await using var w = await StartAsync("sqlite", reportsPerMinute: 3);
        var statuses = new List<HttpResponseMessage>();
        for (int i = 0; i < 10; i++)
            statuses.Add(await w.A.PostAsJsonAsync(Reports, new MatchReport([new MatchReportItem(w.Item, 1)]), Json.Options));
        // Three a minute: of ten sent at once, at most the bucket and one refill's worth get through.
        Assert.InRange(statuses.Count(r => r.StatusCode == HttpStatusCode.OK), 3, 6);
        var refused = statuses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Contains("match reports a minute", await refused.Content.ReadAsStringAsync());
        // Another node key has its own allowance.
        Assert.Equal(HttpStatusCode.OK, (await w.B.PostAsJsonAsync(Reports, new MatchReport([new MatchReportItem(w.Item, 1)]), Json.Options)).StatusCode);
    }

    private static Task<long> CountAsync(TestServer server, Guid item) =>
        server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().MatchFloodCounts.Where(c => c.ContentId == item).SumAsync(c => c.Matches));
}

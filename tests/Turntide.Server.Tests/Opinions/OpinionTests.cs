using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Opinions;

namespace Turntide.Server.Tests.Opinions;

/// <summary>Opinions on shared items, their figures, and the quarantine that disagreement triggers.</summary>
public sealed class OpinionTests
{
    private static readonly string Md5 = new('e', 32);

    private sealed record World(TestServer Server, HttpClient Forum, HttpClient Contributor, Guid ContentId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();

        public async Task<HttpClient> MemberAsync(string role = Roles.Moderator) =>
            Server.WithKey(await Server.KeyForRoleAsync(role, OrganisationKinds.Platform));
    }

    private static async Task<World> StartAsync(string provider = "sqlite", int disagreements = 3)
    {
        var server = await TestServer.StartAsync(provider, settings: new Dictionary<string, string?>
        {
            ["Turntide:QuarantineDisagreements"] = disagreements.ToString(),
            ["Turntide:QuarantineDisagreementShare"] = "0.5",
            // Small, so an oversized body is sent whole before the server answers 413.
            ["Turntide:MaxJsonBytes"] = "16384",
        });
        var forum = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Forum));
        Assert.Equal(HttpStatusCode.Created, (await forum.PostAsJsonAsync("/api/v1/banks", new { name = "SHARED", @private = false })).StatusCode);
        var contributor = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform));
        var sent = await contributor.PostAsJsonAsync("/api/v1/contributions", new
        {
            bank = "SHARED", signals = new[] { new { signal_type = "md5", value = Md5 } }, labels = new[] { "severity:crisis" },
        });
        var result = (await sent.Content.ReadFromJsonAsync<ContributionResult>(Json.Options))!;
        return new World(server, forum, contributor, result.Content.Id);
    }

    private static async Task<OpinionResult> GiveAsync(HttpClient member, Guid contentId, object body)
    {
        var response = await member.PutAsJsonAsync($"/api/v1/content/{contentId}/opinion", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<OpinionResult>(Json.Options))!;
    }

    private static async Task<int> MatchesAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<MatchResponse>($"/api/v1/match?signal_type=md5&signal={Md5}", Json.Options))!.Matches.Count;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DisagreementOverTheThresholdQuarantinesAtOnceAndQueuesForTheOperator(string provider)
    {
        await using var w = await StartAsync(provider, disagreements: 2);
        var agreed = await GiveAsync(await w.MemberAsync(), w.ContentId, new { opinion = "agree" });
        Assert.Equal((1, 0.6667), (agreed.Summary.Agree, agreed.Summary.Confidence));
        var first = await GiveAsync(await w.MemberAsync(), w.ContentId, new { opinion = "disagree", note = "a news photo" });
        Assert.False(first.Quarantined);
        Assert.Equal(1, await MatchesAsync(w.Contributor));

        var second = await GiveAsync(await w.MemberAsync(Roles.Admin), w.ContentId, new { opinion = "disagree" });
        Assert.True(second.Quarantined);
        Assert.Equal(("quarantined", 2, 0.4), (second.Summary.Status, second.Summary.Disagree, second.Summary.Confidence));
        Assert.Equal(0, await MatchesAsync(w.Contributor));
        var queue = (await w.Forum.GetFromJsonAsync<List<QuarantineCaseDto>>("/api/v1/quarantine", Json.Options))!;
        var queued = Assert.Single(queue);
        Assert.Equal((w.ContentId, "open"), (queued.ContentId, queued.State));
        Assert.Contains("2 of 3 members disagree", queued.Reason);

        // A further disagreement does not queue the item twice.
        Assert.False((await GiveAsync(await w.MemberAsync(), w.ContentId, new { opinion = "disagree" })).Quarantined);
        Assert.Single((await w.Forum.GetFromJsonAsync<List<QuarantineCaseDto>>("/api/v1/quarantine", Json.Options))!);

        var restored = await w.Forum.PostAsJsonAsync($"/api/v1/quarantine/{queued.Id}", new { decision = "restore", note = "checked: it is what it says" });
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(1, await MatchesAsync(w.Contributor));
        Assert.Empty((await w.Forum.GetFromJsonAsync<List<QuarantineCaseDto>>("/api/v1/quarantine", Json.Options))!);
        Assert.Equal("restored", Assert.Single((await w.Forum.GetFromJsonAsync<List<QuarantineCaseDto>>("/api/v1/quarantine?all=true", Json.Options))!).State);

        var (actions, audit) = await w.Server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            return (await db.AuditEntries.Where(a => a.EntityType != "organisation" && a.EntityType != "api_key" && a.EntityType != "bank")
                .OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync(), await AuditLog.VerifyAsync(db));
        });
        Assert.Equal(["content.add", "contribution.add", "opinion.give", "opinion.give", "opinion.give", "content.quarantine", "quarantine.open",
            "opinion.give", "quarantine.restore", "content.status"], actions);
        Assert.True(audit.Intact, audit.Problem);
    }

    [Fact]
    public async Task OpinionsAreCountedOncePerMemberWithAConfidenceScore()
    {
        await using var w = await StartAsync();
        var one = await w.MemberAsync();
        await GiveAsync(one, w.ContentId, new { opinion = "agree" });
        await GiveAsync(await w.MemberAsync(), w.ContentId, new { opinion = "saw_this_too", note = "on our service too" });
        var labelled = await GiveAsync(await w.MemberAsync(), w.ContentId, new { opinion = "disagree_with_labels", labels = new[] { "severity:promotional" } });
        Assert.Equal(["severity:promotional"], labelled.Opinion.Labels);
        Assert.Equal(0.8, labelled.Summary.Confidence);

        // The same member changing its mind replaces its opinion.
        var changed = await GiveAsync(one, w.ContentId, new { opinion = "disagree" });
        Assert.Equal((0, 1, 1, 1, 0.6), (changed.Summary.Agree, changed.Summary.Disagree, changed.Summary.DisagreeWithLabels, changed.Summary.SawThisToo, changed.Summary.Confidence));
        Assert.False(changed.Quarantined);
        var page = (await w.Contributor.GetFromJsonAsync<OpinionsPage>($"/api/v1/content/{w.ContentId}/opinions", Json.Options))!;
        Assert.Equal(3, page.Opinions.Count);
        Assert.Equal("on our service too", page.Opinions.Single(o => o.Opinion == "saw_this_too").Note);
        Assert.Equal(changed.Summary, page.Summary);
    }

    [Fact]
    public async Task TheOperatorCanDisableAQuarantinedItemOnceAndOnlyTheOperator()
    {
        await using var w = await StartAsync(disagreements: 1);
        Assert.True((await GiveAsync(await w.MemberAsync(), w.ContentId, new { opinion = "disagree" })).Quarantined);
        var queued = Assert.Single((await w.Forum.GetFromJsonAsync<List<QuarantineCaseDto>>("/api/v1/quarantine", Json.Options))!);
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Contributor.PostAsJsonAsync($"/api/v1/quarantine/{queued.Id}", new { decision = "restore" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await w.Forum.PostAsJsonAsync($"/api/v1/quarantine/{queued.Id}", new { decision = "maybe" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.Forum.PostAsJsonAsync($"/api/v1/quarantine/{queued.Id}", new { decision = "disable" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await w.Forum.PostAsJsonAsync($"/api/v1/quarantine/{queued.Id}", new { decision = "restore" })).StatusCode);
        Assert.Equal(0, await MatchesAsync(w.Contributor));
        var page = (await w.Contributor.GetFromJsonAsync<OpinionsPage>($"/api/v1/content/{w.ContentId}/opinions", Json.Options))!;
        Assert.Equal("disabled", page.Summary.Status);
    }

    [Fact]
    public async Task BadOpinionsAreRefusedWithAProblemAndNothingIsWritten()
    {
        await using var w = await StartAsync();
        var member = await w.MemberAsync();
        async Task RefusedAsync(Guid id, object body, HttpStatusCode status, string detail)
        {
            var response = await member.PutAsJsonAsync($"/api/v1/content/{id}/opinion", body);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(detail, await response.Content.ReadAsStringAsync());
        }
        await RefusedAsync(w.ContentId, new { opinion = "love" }, HttpStatusCode.BadRequest, "Unknown opinion");
        await RefusedAsync(w.ContentId, new { opinion = "disagree_with_labels" }, HttpStatusCode.BadRequest, "needs the labels");
        await RefusedAsync(w.ContentId, new { opinion = "agree", labels = new[] { "severity:crisis" } }, HttpStatusCode.BadRequest, "Only disagree_with_labels");
        await RefusedAsync(w.ContentId, new { opinion = "disagree_with_labels", labels = new[] { "entity:unknown-one" } }, HttpStatusCode.UnprocessableEntity, "entity:unknown-one");
        await RefusedAsync(w.ContentId, new { opinion = "agree", note = new string('n', 2001) }, HttpStatusCode.BadRequest, "limit is 2000");
        await RefusedAsync(Guid.NewGuid(), new { opinion = "agree" }, HttpStatusCode.NotFound, "No content");
        var huge = new StringContent("{\"opinion\":\"agree\",\"note\":\"" + new string('n', 40_000) + "\"}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await (await w.MemberAsync()).PutAsync($"/api/v1/content/{w.ContentId}/opinion", huge)).StatusCode);
        Assert.Equal(0, await w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Opinions.CountAsync()));
    }
}

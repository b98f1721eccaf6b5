using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Contributions;

/// <summary>Members sending signals to the hub: merging, provenance and retraction, over HTTP, on both providers.</summary>
public sealed class ContributionTests
{
    private const string Pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private static readonly string Md5 = new('a', 32);
    private static readonly string Sha = new('b', 64);

    private sealed record World(TestServer Server, HttpClient One, HttpClient Two, Guid OneId, Guid TwoId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private static async Task<World> StartAsync(string provider)
    {
        // A small body limit, so an oversized body is small enough to be sent whole before the server answers 413.
        var server = await TestServer.StartAsync(provider, settings: new Dictionary<string, string?> { ["Turntide:MaxJsonBytes"] = "16384" });
        var forum = server.WithKey(await server.KeyForRoleAsync(Roles.Admin, OrganisationKinds.Forum));
        Assert.Equal(HttpStatusCode.Created, (await forum.PostAsJsonAsync("/api/v1/banks", new { name = "SHARED", @private = false })).StatusCode);
        var one = await server.CreateOrgAsync(OrganisationKinds.Platform, "Platform One");
        var two = await server.CreateOrgAsync(OrganisationKinds.Platform, "Platform Two");
        return new World(server, server.WithKey(await server.CreateKeyAsync(one.Id, Roles.Analyst)),
            server.WithKey(await server.CreateKeyAsync(two.Id, Roles.Admin)), one.Id, two.Id);
    }

    private static object Contribution(string[] labels, params (string Type, string Value)[] signals) => new
    {
        bank = "SHARED",
        signals = signals.Select(s => new { signal_type = s.Type, value = s.Value }).ToArray(),
        labels,
        note = "seen on our service",
    };

    private static async Task<ContributionResult> SendAsync(HttpClient client, object body, HttpStatusCode expected)
    {
        var response = await client.PostAsJsonAsync("/api/v1/contributions", body);
        Assert.True(expected == response.StatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ContributionResult>(Json.Options))!;
    }

    private static async Task<List<MatchDto>> MatchAsync(HttpClient client, string type, string value) =>
        [.. (await client.GetFromJsonAsync<MatchResponse>($"/api/v1/match?signal_type={type}&signal={value}", Json.Options))!.Matches];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ASignalAnotherMemberSharedJoinsItsItemAndTheProvenanceListsBoth(string provider)
    {
        await using var w = await StartAsync(provider);
        var first = await SendAsync(w.One, Contribution(["severity:crisis"], ("pdq", Pdq), ("md5", Md5)), HttpStatusCode.Created);
        Assert.False(first.Merged);
        Assert.Equal(w.OneId, Assert.Single(first.Provenance).OrganisationId);

        // The same md5 (in capitals) and a new sha256, from another member: one item, both contributors.
        var second = await SendAsync(w.Two, Contribution(["behaviour:recruitment", "severity:crisis"], ("md5", Md5.ToUpperInvariant()), ("sha256", Sha)), HttpStatusCode.OK);
        Assert.True(second.Merged);
        Assert.Equal(first.Content.Id, second.Content.Id);
        Assert.Equal(["md5", "pdq", "sha256"], second.Content.Signals.Select(s => s.SignalType).Order());
        Assert.Equal(["behaviour:recruitment", "severity:crisis"], second.Content.Labels);
        Assert.Equal([w.OneId, w.TwoId], second.Provenance.Select(p => p.OrganisationId));
        Assert.Equal(["behaviour:recruitment", "severity:crisis"], second.Provenance[1].Labels);

        // The signal the second member brought matches at once.
        var hit = Assert.Single(await MatchAsync(w.One, "sha256", Sha));
        Assert.Equal(first.Content.Id, hit.ContentId);

        // A retry by the first member changes nothing but its own contribution.
        var retry = await SendAsync(w.One, Contribution(["severity:crisis"], ("pdq", Pdq)), HttpStatusCode.OK);
        Assert.Equal(2, retry.Provenance.Count);
        var provenance = await w.Two.GetFromJsonAsync<List<ContributionDto>>($"/api/v1/content/{first.Content.Id}/contributions", Json.Options);
        Assert.Equal([w.OneId, w.TwoId], provenance!.Select(p => p.OrganisationId));

        var (items, actions, audit) = await w.Server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            return (await db.Contents.CountAsync(), await db.AuditEntries.Where(a => a.EntityType == "contribution" || a.Action == "content.merge")
                .OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync(), await AuditLog.VerifyAsync(db));
        });
        Assert.Equal(1, items);
        Assert.Equal(["contribution.add", "contribution.add", "content.merge", "contribution.update"], actions);
        Assert.True(audit.Intact, audit.Problem);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AMemberRetractsOnlyItsOwnContributionAndTheLastRetractionDeletesTheItem(string provider)
    {
        await using var w = await StartAsync(provider);
        var first = await SendAsync(w.One, Contribution(["severity:crisis"], ("md5", Md5)), HttpStatusCode.Created);
        var second = await SendAsync(w.Two, Contribution(["behaviour:threat", "severity:crisis"], ("md5", Md5)), HttpStatusCode.OK);

        var refused = await w.One.DeleteAsync($"/api/v1/contributions/{second.Contribution.Id}");
        // Another member's contribution is answered as missing, so its existence does not show (docs/ownership.md).
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Contains($"No contribution {second.Contribution.Id}", await refused.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await w.Two.DeleteAsync($"/api/v1/contributions/{second.Contribution.Id}")).StatusCode);
        // The label only the second member gave goes; the shared one and the item stay.
        Assert.Equal(["severity:crisis"], Assert.Single(await MatchAsync(w.One, "md5", Md5)).Labels);
        Assert.Equal([w.OneId], (await w.One.GetFromJsonAsync<List<ContributionDto>>($"/api/v1/content/{first.Content.Id}/contributions", Json.Options))!
            .Select(p => p.OrganisationId));
        Assert.Equal(HttpStatusCode.NotFound, (await w.Two.DeleteAsync($"/api/v1/contributions/{second.Contribution.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await w.One.DeleteAsync($"/api/v1/contributions/{first.Contribution.Id}")).StatusCode);
        Assert.Empty(await MatchAsync(w.One, "md5", Md5));
        Assert.Equal(HttpStatusCode.NotFound, (await w.One.GetAsync($"/api/v1/content/{first.Content.Id}")).StatusCode);
        var (actions, audit) = await w.Server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            return (await db.AuditEntries.Where(a => a.Action == "contribution.retract" || a.Action.StartsWith("content.")).OrderBy(a => a.Sequence)
                .Select(a => a.Action).ToListAsync(), await AuditLog.VerifyAsync(db));
        });
        Assert.Equal(["content.add", "content.merge", "contribution.retract", "content.labels", "contribution.retract", "content.delete"], actions);
        Assert.True(audit.Intact, audit.Problem);
    }

    [Fact]
    public async Task MembersSendingOneSignalAtOnceMakeOneItem()
    {
        await using var w = await StartAsync("sqlite");
        var keys = new List<HttpClient>();
        for (int i = 0; i < 8; i++)
            keys.Add(w.Server.WithKey(await w.Server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform)));
        var responses = await Task.WhenAll(keys.Select(k => k.PostAsJsonAsync("/api/v1/contributions", Contribution(["severity:crisis"], ("md5", Md5)))));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var (items, contributions) = await w.Server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            return (await db.Contents.CountAsync(), await db.Contributions.CountAsync());
        });
        Assert.Equal((1, 8), (items, contributions));
    }

    [Fact]
    public async Task BadContributionsAreRefusedWithAProblemAndNothingIsWritten()
    {
        await using var w = await StartAsync("sqlite");
        async Task RefusedAsync(object body, HttpStatusCode status, string detail)
        {
            var response = await w.One.PostAsJsonAsync("/api/v1/contributions", body);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(detail, await response.Content.ReadAsStringAsync());
        }
        await RefusedAsync(new { bank = "NOPE", signals = new[] { new { signal_type = "md5", value = Md5 } } }, HttpStatusCode.NotFound, "No bank");
        await RefusedAsync(new { bank = "SHARED", signals = Array.Empty<object>() }, HttpStatusCode.BadRequest, "at least one signal");
        await RefusedAsync(new { bank = "SHARED", signals = new[] { new { signal_type = "pdq", value = "xyz" } } }, HttpStatusCode.BadRequest, "pdq");
        await RefusedAsync(new { bank = "SHARED", signals = Enumerable.Range(0, 65).Select(i => new { signal_type = "md5", value = $"{i:x32}" }).ToArray() },
            HttpStatusCode.BadRequest, "at most 64 signals");
        await RefusedAsync(Contribution(["entity:nobody-listed"], ("md5", Md5)), HttpStatusCode.UnprocessableEntity, "entity:nobody-listed");
        await RefusedAsync(new { bank = "SHARED", signals = new[] { new { signal_type = "md5", value = Md5 } }, note = new string('n', 2001) },
            HttpStatusCode.BadRequest, "limit is 2000");
        var huge = new StringContent("{\"bank\":\"SHARED\",\"note\":\"" + new string('n', 40_000) + "\"}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await w.Two.PostAsync("/api/v1/contributions", huge)).StatusCode);
        var (items, contributions) = await w.Server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            return (await db.Contents.CountAsync(), await db.Contributions.CountAsync());
        });
        Assert.Equal((0, 0), (items, contributions));
    }
}

using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Taxonomy;

namespace Turntide.Server.Tests.Taxonomy;

/// <summary>The label vocabulary as data: seeded, edited by the forum operator, enforced on every item write.</summary>
public sealed class TaxonomyTests
{
    private static object Item(params string[] labels) =>
        new { signals = new[] { new { signal_type = "md5", value = Guid.NewGuid().ToString("n") } }, labels };

    private static async Task<(TestServer Server, HttpClient Operator, HttpClient Platform)> StartAsync(string provider = "sqlite")
    {
        // A small body limit, so an oversized body is small enough to be sent whole before the server answers 413.
        var server = await TestServer.StartAsync(provider, settings: new Dictionary<string, string?> { ["Turntide:MaxJsonBytes"] = "16384" });
        var op = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Forum));
        var platform = server.WithKey(await server.KeyForRoleAsync(Roles.Admin, OrganisationKinds.Platform));
        Assert.Equal(HttpStatusCode.Created, (await platform.PostAsJsonAsync("/api/v1/banks", new { name = "TAXONOMY", @private = false })).StatusCode);
        return (server, op, platform);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheDefaultVocabularyIsSeededAndEditsSurviveARestart(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        string key;
        await using (var first = await TestServer.StartAsync(provider, database: database))
        {
            key = await first.KeyForRoleAsync(Roles.Admin, OrganisationKinds.Forum);
            using var op = first.WithKey(key);
            var terms = (await op.GetFromJsonAsync<List<TaxonomyTermDto>>("/api/v1/taxonomy", Json.Options))!;
            Assert.Equal(DefaultTaxonomy.Terms.Select(t => t.Label).Order(), terms.Select(t => t.Label).Order());
            Assert.Equal(Facets.All.Order(), terms.Select(t => t.Facet).Distinct().Order());
            Assert.Contains(terms, t => t.Label == "severity:threat-to-life" && t.Active);
            Assert.Equal(HttpStatusCode.Created, (await op.PostAsJsonAsync("/api/v1/taxonomy", new { label = "entity:restart-group", description = "kept" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await op.PatchAsJsonAsync("/api/v1/taxonomy/content_type:audio", new { active = false })).StatusCode);
            await first.App.StopAsync();
        }
        await using var second = await TestServer.StartAsync(provider, database: database);
        using var again = second.WithKey(key);
        var after = (await again.GetFromJsonAsync<List<TaxonomyTermDto>>("/api/v1/taxonomy", Json.Options))!;
        Assert.Equal("kept", after.Single(t => t.Label == "entity:restart-group").Description);
        Assert.False(after.Single(t => t.Label == "content_type:audio").Active);
        var audit = await second.InScopeAsync(s => AuditLog.VerifyAsync(s.GetRequiredService<TurntideDb>()));
        Assert.True(audit.Intact, audit.Problem);
    }

    [Fact]
    public async Task AnItemMayCarryOnlyTermsOfTheTaxonomy()
    {
        var (server, op, platform) = await StartAsync();
        await using var _ = server;
        await AssertProblemAsync(await platform.PostAsJsonAsync("/api/v1/banks/TAXONOMY/content", Item("severity:crisis", "entity:new-group")),
            HttpStatusCode.UnprocessableEntity, "entity:new-group");
        Assert.Equal(0, await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contents.CountAsync()));

        var added = await op.PostAsJsonAsync("/api/v1/taxonomy", new { label = " Entity:New-Group ", description = "A group the forum just listed." });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var term = (await added.Content.ReadFromJsonAsync<TaxonomyTermDto>(Json.Options))!;
        Assert.Equal(("entity:new-group", "entity", true), (term.Label, term.Facet, term.Active));

        var item = await platform.PostAsJsonAsync("/api/v1/banks/TAXONOMY/content", Item("severity:crisis", "entity:new-group"));
        Assert.Equal(HttpStatusCode.Created, item.StatusCode);
        var content = (await item.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!;
        Assert.Equal(["entity:new-group", "severity:crisis"], content.Labels);
        await AssertProblemAsync(await platform.PatchAsJsonAsync($"/api/v1/content/{content.Id}", new { labels = new[] { "behaviour:made-up" } }),
            HttpStatusCode.UnprocessableEntity, "behaviour:made-up");
        Assert.Equal(["entity:new-group", "severity:crisis"],
            (await platform.GetFromJsonAsync<BankContentDto>($"/api/v1/content/{content.Id}", Json.Options))!.Labels);

        var entry = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.SingleAsync(a => a.Action == "taxonomy.add"));
        Assert.Equal(("taxonomy_term", "entity:new-group"), (entry.EntityType, entry.EntityId));
        Assert.Null(entry.Before);
        Assert.Contains("A group the forum just listed.", entry.After);
    }

    [Fact]
    public async Task ARetiredTermStaysOnItsItemsButCannotBeAddedAnew()
    {
        var (server, op, platform) = await StartAsync();
        await using var _ = server;
        var content = (await (await platform.PostAsJsonAsync("/api/v1/banks/TAXONOMY/content", Item("behaviour:financing")))
            .Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!;
        var retired = await op.PatchAsJsonAsync("/api/v1/taxonomy/behaviour:financing", new { active = false, description = "Folded into another term." });
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.False((await retired.Content.ReadFromJsonAsync<TaxonomyTermDto>(Json.Options))!.Active);

        // The item keeps it through other changes, including a change of its other labels.
        Assert.Equal(HttpStatusCode.OK, (await platform.PatchAsJsonAsync($"/api/v1/content/{content.Id}",
            new { labels = new[] { "behaviour:financing", "severity:promotional" } })).StatusCode);
        await AssertProblemAsync(await platform.PostAsJsonAsync("/api/v1/banks/TAXONOMY/content", Item("behaviour:financing")),
            HttpStatusCode.UnprocessableEntity, "retired");
        var other = (await (await platform.PostAsJsonAsync("/api/v1/banks/TAXONOMY/content", Item("severity:crisis")))
            .Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!;
        await AssertProblemAsync(await platform.PatchAsJsonAsync($"/api/v1/content/{other.Id}", new { labels = new[] { "behaviour:financing" } }),
            HttpStatusCode.UnprocessableEntity, "behaviour:financing");

        Assert.Equal(HttpStatusCode.OK, (await op.PatchAsJsonAsync("/api/v1/taxonomy/behaviour:financing", new { active = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await platform.PatchAsJsonAsync($"/api/v1/content/{other.Id}", new { labels = new[] { "behaviour:financing" } })).StatusCode);
        var actions = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries
            .Where(a => a.EntityType == "taxonomy_term").OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync());
        Assert.Equal(["taxonomy.description+retire", "taxonomy.restore"], actions);
    }

    [Fact]
    public async Task BadTermsAreRefusedWithAProblemAndNothingIsWritten()
    {
        var (server, op, _) = await StartAsync();
        await using var __ = server;
        await AssertProblemAsync(await op.PostAsJsonAsync("/api/v1/taxonomy", new { label = "colour:red" }), HttpStatusCode.BadRequest, "facet");
        await AssertProblemAsync(await op.PostAsJsonAsync("/api/v1/taxonomy", new { label = "entity:" }), HttpStatusCode.BadRequest, "facet");
        await AssertProblemAsync(await op.PostAsJsonAsync("/api/v1/taxonomy", new { label = "entity:" + new string('a', 80) }), HttpStatusCode.BadRequest, "Label");
        await AssertProblemAsync(await op.PostAsJsonAsync("/api/v1/taxonomy", new { label = "entity:Bad Name!" }), HttpStatusCode.BadRequest, "Label");
        await AssertProblemAsync(await op.PostAsJsonAsync("/api/v1/taxonomy", new { label = "entity:x", description = new string('d', 501) }), HttpStatusCode.BadRequest, "limit is 500");
        await AssertProblemAsync(await op.PostAsJsonAsync("/api/v1/taxonomy", new { label = "severity:crisis" }), HttpStatusCode.Conflict, "already exists");
        await AssertProblemAsync(await op.PatchAsJsonAsync("/api/v1/taxonomy/entity:nobody", new { active = false }), HttpStatusCode.NotFound, "No taxonomy term");
        await AssertProblemAsync(await op.PatchAsJsonAsync("/api/v1/taxonomy/severity:crisis", new { description = new string('d', 501) }), HttpStatusCode.BadRequest, "limit is 500");
        var tooBig = new StringContent("{\"label\":\"entity:x\",\"description\":\"" + new string('d', 40_000) + "\"}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await op.PostAsync("/api/v1/taxonomy", tooBig)).StatusCode);
        var terms = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().TaxonomyTerms.CountAsync());
        Assert.Equal(DefaultTaxonomy.Terms.Count, terms);
        Assert.Equal(0, await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.CountAsync(a => a.EntityType == "taxonomy_term")));
    }

    [Fact]
    public async Task APlatformCannotEditTheTaxonomyEvenThroughTheService()
    {
        await using var server = await TestServer.StartAsync();
        var platform = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var actor = new Actor(Actor.KeyKind, "k", "platform admin", platform.Id, OrganisationKinds.Platform, [Roles.Admin]);
        var refused = await Assert.ThrowsAsync<DomainException>(() => server.InScopeAsync(s =>
            s.GetRequiredService<TaxonomyService>().AddAsync(actor, new NewTerm("entity:sneaky", null))));
        Assert.Equal(403, refused.StatusCode);
    }

    [Fact]
    public async Task TheForumOperatorEditsTheTaxonomyFromItsPage()
    {
        await using var server = await TestServer.StartAsync();
        var analyst = await server.SignedInAsync(Roles.Analyst, OrganisationKinds.Forum);
        var added = await TestServer.PostFormAsync(analyst, "/taxonomy", new() { ["Label"] = "entity:page-group", ["Description"] = "From the page." });
        Assert.Equal("/taxonomy", added.Headers.Location?.ToString());
        // Retiring asks first (DangerousActionTests); the confirmed post retires.
        var asked = await TestServer.PostFormAsync(analyst, "/taxonomy?handler=Active", new() { ["Label"] = "entity:page-group", ["Active"] = "false" });
        Assert.Contains("Retire the term entity:page-group?", await asked.Content.ReadAsStringAsync());
        var retired = await TestServer.PostFormAsync(analyst, "/taxonomy?handler=Active", new() { ["Label"] = "entity:page-group", ["Active"] = "false", ["Confirmed"] = "true" });
        Assert.Equal("/taxonomy", retired.Headers.Location?.ToString());
        var html = await analyst.GetStringAsync("/taxonomy");
        Assert.Contains("entity:page-group", html);
        Assert.Contains("Restore entity:page-group", html);
        var bad = await TestServer.PostFormAsync(analyst, "/taxonomy", new() { ["Label"] = "colour:red" });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("is not facet:name", System.Net.WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()));

        var moderator = await server.SignedInAsync(Roles.Moderator, OrganisationKinds.Platform);
        var readOnly = await moderator.GetStringAsync("/taxonomy");
        Assert.Contains("severity:threat-to-life", readOnly);
        Assert.DoesNotContain("Add term", readOnly);
    }
}

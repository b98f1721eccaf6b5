using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Exchange;

/// <summary>The exchange feed over HTTP: order, paging by checkpoint, private banks, and stale checkpoints, on both providers.</summary>
public sealed class ExchangeFeedTests
{
    private static object Contribution(string bank, string md5) => new
    {
        bank, signals = new[] { new { signal_type = "md5", value = md5 } }, labels = new[] { "severity:crisis" },
    };

    private static async Task<ExchangePage> PageAsync(HttpClient client, string? checkpoint, int limit)
    {
        var response = await client.GetAsync($"/api/v1/exchange/updates?limit={limit}" + (checkpoint is null ? "" : $"&checkpoint={checkpoint}"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ExchangePage>(Json.Options))!;
    }

    /// <summary>Reads the whole feed from the checkpoint in pages, as a node's fetcher would.</summary>
    private static async Task<(List<ExchangeUpdate> Updates, string Checkpoint)> DrainAsync(HttpClient client, string? checkpoint, int limit)
    {
        var all = new List<ExchangeUpdate>();
        for (int pages = 0; pages < 100; pages++)
        {
            var page = await PageAsync(client, checkpoint, limit);
            Assert.True(page.Updates.Count <= limit);
            all.AddRange(page.Updates);
            checkpoint = page.Checkpoint;
            if (!page.HasMore)
                return (all, checkpoint);
        }
        throw new InvalidOperationException("The feed did not end.");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheFeedListsEveryChangeInOrderAndResumesFromItsCheckpoint(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var forum = server.WithKey(await server.KeyForRoleAsync(Roles.Admin, OrganisationKinds.Forum));
        var one = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform));
        var two = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform));
        var node = server.WithKey(await server.KeyForRoleAsync(Roles.Moderator, OrganisationKinds.Platform));
        Assert.Equal(HttpStatusCode.Created, (await forum.PostAsJsonAsync("/api/v1/banks", new { name = "SHARED", @private = false })).StatusCode);
        var first = (await (await one.PostAsJsonAsync("/api/v1/contributions", Contribution("SHARED", new string('1', 32)))).Content.ReadFromJsonAsync<ContributionResult>(Json.Options))!;
        var other = (await (await one.PostAsJsonAsync("/api/v1/contributions", Contribution("SHARED", new string('2', 32)))).Content.ReadFromJsonAsync<ContributionResult>(Json.Options))!;
        await two.PostAsJsonAsync("/api/v1/contributions", new { bank = "SHARED", signals = new[] { new { signal_type = "md5", value = new string('1', 32) } }, labels = new[] { "behaviour:threat" } });
        await forum.PatchAsJsonAsync($"/api/v1/content/{first.Content.Id}", new { status = "disabled" });
        await one.DeleteAsync($"/api/v1/contributions/{other.Contribution.Id}");

        var (updates, checkpoint) = await DrainAsync(node, null, 2);
        Assert.Equal(updates.Select(u => u.Sequence).Order(), updates.Select(u => u.Sequence));
        Assert.Equal(updates.Count, updates.Select(u => u.Sequence).Distinct().Count());
        Assert.Equal(["bank", "add", "add", "update", "update", "delete"], updates.Select(u => u.Kind));
        Assert.Equal(["bank.create", "content.add", "content.add", "content.merge", "content.status", "content.delete"], updates.Select(u => u.Action));
        Assert.Equal("SHARED", updates[0].Bank!.Name);
        Assert.Equal(["behaviour:threat", "severity:crisis"], updates[3].Item!.Labels);
        Assert.Equal("disabled", updates[4].Item!.Status);
        Assert.Equal((other.Content.Id, (BankContentDto?)null), (updates[5].ContentId, updates[5].Item));

        // Nothing new: an empty page at the same checkpoint. Then exactly the new change, once.
        var idle = await PageAsync(node, checkpoint, 10);
        Assert.Equal((0, checkpoint, false), (idle.Updates.Count, idle.Checkpoint, idle.HasMore));
        await forum.PatchAsJsonAsync($"/api/v1/content/{first.Content.Id}", new { status = "enabled" });
        var (next, _) = await DrainAsync(node, checkpoint, 10);
        var change = Assert.Single(next);
        Assert.Equal(("update", "enabled"), (change.Kind, change.Item!.Status));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task APrivateBankReachesOnlyItsOwnerAndNamedMembers(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var ownerOrg = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var namedOrg = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var owner = server.WithKey(await server.CreateKeyAsync(ownerOrg.Id, Roles.Analyst));
        var named = server.WithKey(await server.CreateKeyAsync(namedOrg.Id, Roles.Moderator));
        var outsider = server.WithKey(await server.KeyForRoleAsync(Roles.Admin, OrganisationKinds.Platform));
        var forumAdmin = server.WithKey(await server.KeyForRoleAsync(Roles.Admin, OrganisationKinds.Forum));
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/banks", new { name = "OPEN", @private = false })).StatusCode);
        var created = await owner.PostAsJsonAsync("/api/v1/banks", new { name = "PRIVATE" });
        var bank = (await created.Content.ReadFromJsonAsync<BankDto>(Json.Options))!;
        // A new bank is private to its owner: an outsider cannot even find it; a shared one it sees but may not change.
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PutAsJsonAsync("/api/v1/banks/PRIVATE/sharing", new { @private = false, members = Array.Empty<Guid>() })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PutAsJsonAsync("/api/v1/banks/OPEN/sharing", new { @private = true, members = Array.Empty<Guid>() })).StatusCode);
        var shared = await owner.PutAsJsonAsync("/api/v1/banks/PRIVATE/sharing", new { @private = true, members = new[] { namedOrg.Id } });
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/contributions", Contribution("PRIVATE", new string('3', 32)))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/contributions", Contribution("OPEN", new string('4', 32)))).StatusCode);

        var (outsiderSees, _) = await DrainAsync(outsider, null, 1);
        var (forumSees, _) = await DrainAsync(forumAdmin, null, 100);
        var (namedSees, _) = await DrainAsync(named, null, 100);
        var (ownerSees, _) = await DrainAsync(owner, null, 100);
        Assert.DoesNotContain(outsiderSees, u => u.BankId == bank.Id);
        Assert.DoesNotContain(forumSees, u => u.BankId == bank.Id);
        Assert.Equal(["bank", "add"], outsiderSees.Select(u => u.Kind));
        Assert.Equal(["bank", "bank", "bank", "add", "add"], namedSees.Select(u => u.Kind));
        Assert.Equal(ExchangeService.SharingAction, namedSees[2].Action);
        Assert.Equal(namedSees.Select(u => u.Sequence), ownerSees.Select(u => u.Sequence));
        Assert.Contains(namedSees, u => u.Item?.Bank == "PRIVATE");

        // Made shared again: everyone's feed from the start holds it.
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync("/api/v1/banks/PRIVATE/sharing", new { @private = false, members = Array.Empty<Guid>() })).StatusCode);
        Assert.Contains((await DrainAsync(outsider, null, 100)).Updates, u => u.BankId == bank.Id);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnUnknownOrStaleCheckpointForcesAFullResync(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        await using var elsewhere = await TestServer.StartAsync(provider);
        var node = server.WithKey(await server.KeyForRoleAsync(Roles.Moderator, OrganisationKinds.Platform));
        var otherNode = elsewhere.WithKey(await elsewhere.KeyForRoleAsync(Roles.Moderator, OrganisationKinds.Platform));
        var here = (await PageAsync(node, null, 10)).Checkpoint;
        var there = (await PageAsync(otherNode, null, 10)).Checkpoint;
        var epoch = here.Split('.')[0];
        foreach (var stale in new[] { there, $"{epoch}.{long.Parse(here.Split('.')[1]) + 1000}", "0123456789abcdef.1" })
        {
            var response = await node.GetAsync($"/api/v1/exchange/updates?checkpoint={stale}");
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.True(problem.GetProperty("resync").GetBoolean());
            Assert.Contains("resync from the start", problem.GetProperty("detail").GetString());
        }
        foreach (var bad in new[] { "checkpoint=abc", "checkpoint=" + epoch + ".-1", "checkpoint=" + new string('a', 65) + ".1", "limit=0", "limit=1001" })
            Assert.Equal(HttpStatusCode.BadRequest, (await node.GetAsync($"/api/v1/exchange/updates?{bad}")).StatusCode);
    }

    [Fact]
    public async Task APrivateBankIsNotFoundThroughTheApiByOutsiders()
    {
        await using var server = await TestServer.StartAsync();
        var ownerOrg = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var namedOrg = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var owner = server.WithKey(await server.CreateKeyAsync(ownerOrg.Id, Roles.Analyst));
        var named = server.WithKey(await server.CreateKeyAsync(namedOrg.Id, Roles.Analyst));
        var outsider = server.WithKey(await server.KeyForRoleAsync(Roles.Admin, OrganisationKinds.Forum));
        await owner.PostAsJsonAsync("/api/v1/banks", new { name = "PRIVATE" });
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync("/api/v1/banks/PRIVATE/sharing", new { @private = true, members = new[] { namedOrg.Id } })).StatusCode);
        var item = (await (await owner.PostAsJsonAsync("/api/v1/contributions", Contribution("PRIVATE", new string('5', 32))))
            .Content.ReadFromJsonAsync<ContributionResult>(Json.Options))!.Content;

        Assert.DoesNotContain((await outsider.GetFromJsonAsync<List<BankDto>>("/api/v1/banks", Json.Options))!, b => b.Name == "PRIVATE");
        Assert.Contains((await named.GetFromJsonAsync<List<BankDto>>("/api/v1/banks", Json.Options))!, b => b.Name == "PRIVATE");
        foreach (var (method, path, body) in new (string, string, object?)[]
        {
            ("GET", "/api/v1/banks/PRIVATE/content", null),
            ("PATCH", "/api/v1/banks/PRIVATE", new { enabled = false }),
            ("POST", "/api/v1/banks/PRIVATE/content", new { signals = new[] { new { signal_type = "md5", value = new string('6', 32) } } }),
            ("GET", $"/api/v1/content/{item.Id}", null),
            ("PATCH", $"/api/v1/content/{item.Id}", new { note = "seen" }),
            ("GET", $"/api/v1/content/{item.Id}/contributions", null),
            ("GET", $"/api/v1/content/{item.Id}/opinions", null),
            ("PUT", $"/api/v1/content/{item.Id}/opinion", new { opinion = "disagree" }),
            ("POST", "/api/v1/contributions", Contribution("PRIVATE", new string('5', 32))),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : JsonContent.Create(body) };
            var response = await outsider.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.OK, (await named.GetAsync($"/api/v1/content/{item.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await named.GetAsync("/api/v1/banks/PRIVATE/content")).StatusCode);
    }
}

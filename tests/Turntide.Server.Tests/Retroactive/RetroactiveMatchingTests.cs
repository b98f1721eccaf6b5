using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Hashing;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Retroactive;
using Turntide.Server.Tests.Matching;
using Turntide.Server.Tests.Replicas;

namespace Turntide.Server.Tests.Retroactive;

/// <summary>Uploads kept with a reference are re-checked when signals arrive later; each new match is raised once.</summary>
public sealed class RetroactiveMatchingTests
{
    private const string Pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private const string NearPdq = "58f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private const string OtherPdq = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private sealed class Setup : IAsyncDisposable
    {
        public required TestServer Server { get; init; }
        public required HttpClient Curator { get; init; }
        public required HttpClient Platform { get; init; }
        public required Organisation PlatformOrg { get; init; }
        public required Organisation ForumOrg { get; init; }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private static async Task<Setup> StartAsync(string provider, IDictionary<string, string?>? settings = null)
    {
        var server = await TestServer.StartAsync(provider, settings: settings);
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
        var platform = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var curator = server.WithKey(await server.CreateKeyAsync(forum.Id, Roles.Analyst));
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/api/v1/banks", new { name = "LATE", @private = false })).StatusCode);
        return new Setup
        {
            Server = server, Curator = curator, ForumOrg = forum, PlatformOrg = platform,
            Platform = server.WithKey(await server.CreateKeyAsync(platform.Id, Roles.Moderator)),
        };
    }

    private static async Task<Guid> AddAsync(HttpClient curator, string bank, string type, string value)
    {
        var response = await curator.PostAsJsonAsync($"/api/v1/banks/{bank}/content", new { signals = new[] { new { signal_type = type, value } } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!.Id;
    }

    private static async Task MatchWithReferenceAsync(HttpClient client, string reference, params (string Type, string Value)[] signals)
    {
        var response = await client.PostAsJsonAsync("/api/v1/match", new { reference, signals = signals.Select(s => new { signal_type = s.Type, signal = s.Value }) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<List<RetroactiveMatchDto>> ListAsync(HttpClient client, string query = "")
    {
        var response = await client.GetAsync("/api/v1/retroactive-matches" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<RetroactiveMatchPage>(Json.Options))!.Matches];
    }

    private static Task<int> KeptCountAsync(TestServer server) =>
        server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().KeptSignals.CountAsync());

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnItemAddedAfterAnUploadIsRaisedOnceForThatUpload(string provider)
    {
        await using var s = await StartAsync(provider);
        await MatchWithReferenceAsync(s.Platform, "upload-1", ("pdq", Pdq), ("md5", new string('5', 32)));
        await MatchWithReferenceAsync(s.Platform, "upload-2", ("pdq", OtherPdq));
        await Wait.UntilAsync(async () => await KeptCountAsync(s.Server) == 3, "the uploads to be kept");
        Assert.Empty(await ListAsync(s.Platform));

        var item = await AddAsync(s.Curator, "LATE", "pdq", NearPdq);
        await Wait.UntilAsync(async () => (await ListAsync(s.Platform)).Count > 0, "the retroactive match");
        var raised = Assert.Single(await ListAsync(s.Platform));
        Assert.Equal(("upload-1", item, "pdq", Pdq, 2, "LATE"), (raised.Reference, raised.ContentId, raised.SignalType, raised.Signal, raised.Distance, raised.Bank));

        // Exact types too, and the same item changed again is not raised again.
        var exact = await AddAsync(s.Curator, "LATE", "md5", new string('5', 32));
        await Wait.UntilAsync(async () => (await ListAsync(s.Platform)).Count == 2, "the MD5 match");
        Assert.Equal(HttpStatusCode.OK, (await s.Curator.PatchAsJsonAsync($"/api/v1/content/{item}", new { status = "disabled" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Curator.PatchAsJsonAsync($"/api/v1/content/{item}", new { status = "enabled" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Curator.PatchAsJsonAsync($"/api/v1/content/{exact}", new { note = "seen again" })).StatusCode);
        // A later item that matches upload-2 is checked after those changes: once it is raised, they had their chance.
        var marker = await AddAsync(s.Curator, "LATE", "pdq", OtherPdq);
        await Wait.UntilAsync(async () => (await ListAsync(s.Platform)).Any(m => m.ContentId == marker), "the later item's match");
        var all = await ListAsync(s.Platform);
        Assert.Equal(new[] { exact, item, marker }.Order(), all.Select(m => m.ContentId).Order());

        // Pages continue by id; a time filter past the last one gives nothing; the curator's organisation sees none of them.
        var firstPage = await s.Platform.GetFromJsonAsync<RetroactiveMatchPage>("/api/v1/retroactive-matches?limit=1", Json.Options);
        Assert.Single(firstPage!.Matches);
        var nextPage = await s.Platform.GetFromJsonAsync<RetroactiveMatchPage>($"/api/v1/retroactive-matches?limit=1&after={firstPage.NextAfter}", Json.Options);
        Assert.NotEqual(firstPage.Matches[0].Id, Assert.Single(nextPage!.Matches).Id);
        Assert.Empty(await ListAsync(s.Platform, "?since=" + Uri.EscapeDataString(all.Max(m => m.FoundAt).AddSeconds(1).ToString("O"))));
        Assert.Empty(await ListAsync(s.Curator));
    }

    [Fact]
    public async Task WhatMatchedAtUploadIsNotRaisedAgainWhenTheItemChanges()
    {
        await using var s = await StartAsync("sqlite");
        var item = await AddAsync(s.Curator, "LATE", "pdq", Pdq);
        await MatchWithReferenceAsync(s.Platform, "seen-at-upload", ("pdq", NearPdq));
        await Wait.UntilAsync(async () => await KeptCountAsync(s.Server) == 1, "the upload to be kept");
        Assert.Equal(HttpStatusCode.OK, (await s.Curator.PatchAsJsonAsync($"/api/v1/content/{item}", new { note = "relabelled" })).StatusCode);
        // A second item arriving later is raised, which also shows the re-check ran after the change above.
        var later = await AddAsync(s.Curator, "LATE", "pdq", NearPdq);
        await Wait.UntilAsync(async () => (await ListAsync(s.Platform)).Count > 0, "the later item's match");
        Assert.Equal(later, Assert.Single(await ListAsync(s.Platform)).ContentId);
    }

    [Fact]
    public async Task BenignBanksAndPrivateBanksTheUploaderMayNotSeeRaiseNothing()
    {
        await using var s = await StartAsync("sqlite");
        var named = await s.Server.CreateOrgAsync(OrganisationKinds.Platform);
        using var namedClient = s.Server.WithKey(await s.Server.CreateKeyAsync(named.Id, Roles.Moderator));
        Assert.Equal(HttpStatusCode.Created, (await s.Curator.PostAsJsonAsync("/api/v1/banks", new { name = "CLOSED" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Curator.PutAsJsonAsync("/api/v1/banks/CLOSED/sharing", new { @private = true, members = new[] { named.Id } })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await s.Curator.PostAsJsonAsync("/api/v1/banks", new { name = "HARMLESS", benign = true, @private = false })).StatusCode);
        await AddAsync(s.Curator, "HARMLESS", "pdq", OtherPdq);

        await MatchWithReferenceAsync(s.Platform, "p-1", ("pdq", Pdq));
        await MatchWithReferenceAsync(namedClient, "n-1", ("pdq", Pdq));
        await MatchWithReferenceAsync(s.Platform, "benign-1", ("pdq", OtherPdq));
        await Wait.UntilAsync(async () => await KeptCountAsync(s.Server) == 3, "the uploads to be kept");

        var closed = await AddAsync(s.Curator, "CLOSED", "pdq", NearPdq);
        await AddAsync(s.Curator, "LATE", "pdq", OtherPdq);
        await Wait.UntilAsync(async () => (await ListAsync(namedClient)).Count > 0, "the named member's match");
        Assert.Equal(closed, Assert.Single(await ListAsync(namedClient)).ContentId);
        // The benign item suppresses benign-1's match; the private bank is not the platform's to see. A later item the
        // platform may see is checked after both: once it is raised, they had their chance.
        var marker = await AddAsync(s.Curator, "LATE", "pdq", NearPdq);
        await Wait.UntilAsync(async () => (await ListAsync(s.Platform)).Count > 0, "the platform's match on the later item");
        Assert.Equal(marker, Assert.Single(await ListAsync(s.Platform)).ContentId);
    }

    [Fact]
    public async Task AFileUploadIsKeptByTheReferenceInTheQueryString()
    {
        await using var s = await StartAsync("sqlite");
        var jpeg = MatchingFixture.Jpeg(11);
        var response = await s.Platform.PostAsync("/api/v1/match?reference=video-42", new MultipartFormDataContent { { new ByteArrayContent(jpeg), "file", "a.jpg" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hashed = (await response.Content.ReadFromJsonAsync<FileMatchResponse>(Json.Options))!.Hashed;
        var md5 = hashed.Signals.Single(x => x.SignalType == "md5").Value;
        var item = await AddAsync(s.Curator, "LATE", "md5", md5);
        await Wait.UntilAsync(async () => (await ListAsync(s.Platform)).Count > 0, "the file's match");
        var raised = Assert.Single(await ListAsync(s.Platform));
        Assert.Equal(("video-42", item), (raised.Reference, raised.ContentId));
    }

    [Fact]
    public async Task BadReferencesAndQueriesAreRefused()
    {
        await using var s = await StartAsync("sqlite");
        var tooLong = await s.Platform.PostAsJsonAsync("/api/v1/match", new { reference = new string('r', 201), signals = new[] { new { signal_type = "pdq", signal = Pdq } } });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        var control = await s.Platform.PostAsJsonAsync("/api/v1/match", new { reference = "a\u0001b", signals = new[] { new { signal_type = "pdq", signal = Pdq } } });
        Assert.Equal(HttpStatusCode.BadRequest, control.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await s.Platform.GetAsync("/api/v1/retroactive-matches?since=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await s.Platform.GetAsync("/api/v1/retroactive-matches?limit=501")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await s.Platform.GetAsync("/api/v1/retroactive-matches?after=-1")).StatusCode);
        // Without a reference nothing is kept.
        await s.Platform.PostAsJsonAsync("/api/v1/match", new { signals = new[] { new { signal_type = "pdq", signal = Pdq } } });
        // An upload with a reference, sent after it, is kept after it: once that one is there, the first had its chance.
        await MatchWithReferenceAsync(s.Platform, "marker", ("pdq", OtherPdq));
        await Wait.UntilAsync(async () => (await KeptReferencesAsync(s.Server)).Contains("marker"), "the marker upload to be kept");
        Assert.Equal(["marker"], await KeptReferencesAsync(s.Server));
    }

    [Fact]
    public async Task KeptSignalsBeyondTheCapArePrunedOldestFirst()
    {
        await using var s = await StartAsync("sqlite", new Dictionary<string, string?>
        {
            ["Turntide:RetroactiveMaxKeptSignals"] = "2",
            ["Turntide:RetroactivePruneMinutes"] = "0.01",
        });
        // Each upload kept before the next is sent, so "one" is the oldest by far and all three were kept.
        foreach (var reference in new[] { "one", "two", "three" })
        {
            await MatchWithReferenceAsync(s.Platform, reference, ("pdq", Pdq));
            await Wait.UntilAsync(async () => (await KeptReferencesAsync(s.Server)).Contains(reference), $"the upload {reference} to be kept");
        }
        await Wait.UntilAsync(async () => (await KeptReferencesAsync(s.Server)).Count == 2, "the kept uploads to be pruned to the cap of 2");
        Assert.Equal(["three", "two"], (await KeptReferencesAsync(s.Server)).Order(StringComparer.Ordinal));
    }

    private static Task<List<string>> KeptReferencesAsync(TestServer server) =>
        server.InScopeAsync(sp => sp.GetRequiredService<TurntideDb>().KeptSignals.Select(k => k.Reference).ToListAsync());

    [Fact]
    public async Task ThePageListsTheOrganisationsRetroactiveMatches()
    {
        await using var s = await StartAsync("sqlite");
        var (_, email) = await s.Server.CreatePersonAsync(s.PlatformOrg.Id, Roles.Moderator);
        using var browser = await s.Server.SignInAsync(email, TestServer.Password);
        await MatchWithReferenceAsync(s.Platform, "page-ref-7", ("pdq", Pdq));
        await Wait.UntilAsync(async () => await KeptCountAsync(s.Server) == 1, "the upload to be kept");
        await AddAsync(s.Curator, "LATE", "pdq", Pdq);
        await Wait.UntilAsync(async () => (await ListAsync(s.Platform)).Count > 0, "the retroactive match");
        var html = await browser.GetStringAsync("/retroactive");
        Assert.Contains("page-ref-7", html);
        Assert.Contains("LATE", html);
    }
}

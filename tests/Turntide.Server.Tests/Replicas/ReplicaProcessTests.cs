using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Net.Http.Json;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Retroactive;

namespace Turntide.Server.Tests.Replicas;

/// <summary>
/// Two <c>turntide serve</c> processes on one database: what is changed through one is matched (or stops matching)
/// through the other. The waits are generous; how fast it really is, bench/replicas measures.
/// </summary>
public sealed class ReplicaProcessTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ASignalAddedThroughOneReplicaMatchesThroughTheOtherAndStopsWhenDisabledOrQuarantined(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        string curator, outsider;
        // Set up (and migrate) the database once, before either replica starts.
        await using (var setup = await TestServer.StartAsync(provider, database: database))
        {
            curator = await setup.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Forum);
            outsider = await setup.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Platform);
            using var client = setup.WithKey(curator);
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/banks", new { name = "REPLICATED", @private = false })).StatusCode);
            await setup.App.StopAsync();
        }

        await using var a = await ServerProcess.StartAsync(database);
        await using var b = await ServerProcess.StartAsync(database);
        using var atA = a.Client(curator);
        using var atB = b.Client(curator);
        using var outsiderAtB = b.Client(outsider);

        const string pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
        const string md5 = "0123456789abcdef0123456789abcdef";
        Assert.Empty(await MatchAsync(atB, "pdq", pdq));
        // An upload B kept: the item arriving through A is raised at B afterwards, by B's catalog applier.
        Assert.Equal(HttpStatusCode.OK, (await outsiderAtB.PostAsJsonAsync("/api/v1/match",
            new { reference = "kept-at-b", signals = new[] { new { signal_type = "pdq", signal = pdq } } })).StatusCode);
        await Wait.UntilAsync(async () =>
        {
            await using var db = database.OpenContext();
            return await db.KeptSignals.CountAsync() == 1;
        }, "B to keep the upload");
        var first = await AddAsync(atA, "pdq", pdq);
        await Wait.UntilAsync(async () => (await MatchAsync(atB, "pdq", pdq)).Any(m => m.ContentId == first), "the item added at A to match at B");
        await Wait.UntilAsync(async () => (await outsiderAtB.GetFromJsonAsync<RetroactiveMatchPage>("/api/v1/retroactive-matches", Json.Options))!
            .Matches.Any(m => m.Reference == "kept-at-b" && m.ContentId == first), "B to raise the retroactive match");

        var second = await AddAsync(atA, "md5", md5);
        await Wait.UntilAsync(async () => (await MatchAsync(atB, "md5", md5)).Any(m => m.ContentId == second), "the second item to match at B");

        await SetStatusAsync(atA, first, "disabled");
        await Wait.UntilAsync(async () => (await MatchAsync(atB, "pdq", pdq)).Count == 0, "the disabled item to stop matching at B");
        await SetStatusAsync(atA, second, "quarantined");
        await Wait.UntilAsync(async () => (await MatchAsync(atB, "md5", md5)).Count == 0, "the quarantined item to stop matching at B");

        // Enabled again through B, then made private through A: B follows the sharing change too.
        await SetStatusAsync(atB, second, "enabled");
        await Wait.UntilAsync(async () => (await MatchAsync(atA, "md5", md5)).Count == 1, "the item enabled at B to match at A");
        Assert.Single(await MatchAsync(outsiderAtB, "md5", md5));
        Assert.Equal(HttpStatusCode.OK, (await atA.PutAsJsonAsync("/api/v1/banks/REPLICATED/sharing", new { @private = true, members = Array.Empty<Guid>() })).StatusCode);
        await Wait.UntilAsync(async () => (await MatchAsync(outsiderAtB, "md5", md5)).Count == 0, "the private bank to stop matching for a member it does not name at B");
        Assert.Single(await MatchAsync(atB, "md5", md5));
    }

    private static async Task<Guid> AddAsync(HttpClient client, string type, string value)
    {
        var response = await client.PostAsJsonAsync("/api/v1/banks/REPLICATED/content", new { signals = new[] { new { signal_type = type, value } } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!.Id;
    }

    private static async Task SetStatusAsync(HttpClient client, Guid id, string status) =>
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsJsonAsync($"/api/v1/content/{id}", new { status })).StatusCode);

    internal static async Task<List<MatchDto>> MatchAsync(HttpClient client, string type, string value) =>
        [.. (await client.GetFromJsonAsync<MatchResponse>($"/api/v1/match?signal_type={type}&signal={value}", Json.Options))!.Matches];
}

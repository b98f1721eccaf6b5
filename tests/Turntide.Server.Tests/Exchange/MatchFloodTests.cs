using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Opinions;
using Turntide.Server.Tests.Infrastructure;

namespace Turntide.Server.Tests.Exchange;

/// <summary>Match counts reported by members' nodes, and the quarantine a flood of them triggers.</summary>
public sealed class MatchFloodTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ConcurrentReportsAddUpAndAFloodQuarantinesOnceUntilRestored(string provider)
    {
        await using var server = await TestServer.StartAsync(provider, settings: new Dictionary<string, string?> { ["Turntide:QuarantineFloodMatches"] = "1000" });
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
        using var operatorClient = server.WithKey(await server.CreateKeyAsync(forum.Id, Roles.Analyst));
        Assert.Equal(HttpStatusCode.Created, (await operatorClient.PostAsJsonAsync("/api/v1/banks", new { name = "FLOOD", @private = false })).StatusCode);
        var added = await operatorClient.PostAsJsonAsync("/api/v1/banks/FLOOD/content",
            new { signals = new[] { new { signal_type = "md5", value = new string('7', 32) } } });
        var item = (await added.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!.Id;
        using var a = server.WithKey(await server.CreateKeyAsync((await server.CreateOrgAsync(OrganisationKinds.Platform)).Id, Roles.Analyst));
        using var b = server.WithKey(await server.CreateKeyAsync((await server.CreateOrgAsync(OrganisationKinds.Platform)).Id, Roles.Analyst));
        var tenMatches = new MatchReport([new MatchReportItem(item, 10)]);

        // Replicas of one member reporting at the same moment: every count arrives.
        var reports = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => a.PostAsJsonAsync("/api/v1/exchange/match-reports", tenMatches, Json.Options)));
        Assert.All(reports, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, (await reports[0].Content.ReadFromJsonAsync<MatchReportResult>(Json.Options))!.Counted);
        Assert.Equal(200, await CountAsync(server, item));

        var flood = await b.PostAsJsonAsync("/api/v1/exchange/match-reports", new MatchReport([new MatchReportItem(item, 800)]), Json.Options);
        Assert.Equal([item], (await flood.Content.ReadFromJsonAsync<MatchReportResult>(Json.Options))!.Quarantined);
        Assert.Equal(0, await CountAsync(server, item));
        var queued = Assert.Single((await operatorClient.GetFromJsonAsync<List<QuarantineCaseDto>>("/api/v1/quarantine", Json.Options))!);
        Assert.StartsWith("Match flood: 1000 matches", queued.Reason);

        // Restored by the operator, the item starts counting afresh: the matches that flooded it do not send it back.
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PostAsJsonAsync($"/api/v1/quarantine/{queued.Id}", new { decision = "restore", note = "a benign meme" })).StatusCode);
        var after = await a.PostAsJsonAsync("/api/v1/exchange/match-reports", tenMatches, Json.Options);
        Assert.Empty((await after.Content.ReadFromJsonAsync<MatchReportResult>(Json.Options))!.Quarantined);
        Assert.Equal("enabled", (await operatorClient.GetFromJsonAsync<BankContentDto>($"/api/v1/content/{item}", Json.Options))!.Status);
    }

    private static Task<long> CountAsync(TestServer server, Guid item) =>
        server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().MatchFloodCounts.Where(c => c.ContentId == item).SumAsync(c => c.Matches));
}

using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Contributions;

/// <summary>
/// Provenance is append-only: the member that puts an item straight into a bank is its first contributor, merging a
/// contribution adds one and never replaces one, retraction removes only the caller's own, and contributors lost
/// before this held are rebuilt from the audit log by <c>turntide admin repair-provenance</c>. Over HTTP, on both databases.
/// </summary>
public sealed class ProvenanceTests
{
    private const string Pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    private sealed record Member(Guid Id, string Name, HttpClient Key, HttpClient Session);

    private static async Task<Member> MemberAsync(TestServer server, string kind, string name)
    {
        var org = await server.CreateOrgAsync(kind, name);
        var (_, email) = await server.CreatePersonAsync(org.Id, Roles.Analyst);
        return new Member(org.Id, name, server.WithKey(await server.CreateKeyAsync(org.Id, Roles.Analyst)), await server.SignInAsync(email, TestServer.Password));
    }

    private static async Task<List<ContributionDto>> ProvenanceAsync(HttpClient client, Guid item) =>
        (await client.GetFromJsonAsync<List<ContributionDto>>($"/api/v1/content/{item}/contributions", Json.Options))!;

    /// <summary>The item's last change in the feed, as a member reading it sees it.</summary>
    private static async Task<ExchangeUpdate> LastUpdateAsync(HttpClient client, Guid item)
    {
        var page = (await client.GetFromJsonAsync<ExchangePage>("/api/v1/exchange/updates?limit=1000", Json.Options))!;
        return page.Updates.Last(u => u.ContentId == item);
    }

    /// <summary>The member's contribution through the page, and the page it is sent to afterwards (with its message).</summary>
    private static async Task<string> ContributeOnThePageAsync(Member member, Guid bank, string label)
    {
        var response = await TestServer.PostFormAsync(member.Session, "/contribute", new()
        {
            ["Bank"] = bank.ToString(), ["SignalType"] = "pdq", ["SignalValue"] = Pdq, ["FromFile"] = "0", ["Labels"] = label,
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await member.Session.GetStringAsync(response.Headers.Location!.ToString());
    }

    private static string ProvenanceTable(string page)
    {
        int start = page.IndexOf("data-testid=\"provenance\"", StringComparison.Ordinal);
        return page[start..page.IndexOf("</table>", start, StringComparison.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ThreeMembersContributeInTurnAndARetractionKeepsTheOthers(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var forum = await MemberAsync(server, OrganisationKinds.Forum, "The Forum");
        var one = await MemberAsync(server, OrganisationKinds.Platform, "Platform One");
        var two = await MemberAsync(server, OrganisationKinds.Platform, "Platform Two");
        var created = await forum.Key.PostAsJsonAsync("/api/v1/banks", new { name = "CRISIS", @private = false });
        var bank = (await created.Content.ReadFromJsonAsync<BankDto>(Json.Options))!.Id;

        // The forum banks the picture itself, straight into its bank: it is the first contributor.
        var added = await forum.Key.PostAsJsonAsync("/api/v1/banks/CRISIS/content",
            new { signals = new[] { new { signal_type = "pdq", value = Pdq } }, labels = new[] { "severity:crisis" }, note = "banked by the forum" });
        var item = (await added.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!.Id;
        Assert.Equal([forum.Id], (await ProvenanceAsync(two.Key, item)).Select(c => c.OrganisationId));

        var page = await ContributeOnThePageAsync(one, bank, "behaviour:recruitment");
        Assert.Contains("Merged with an existing item: 2 members contributed it (1 besides yours).", page);
        Assert.Equal([forum.Id, one.Id], (await ProvenanceAsync(two.Key, item)).Select(c => c.OrganisationId));
        Assert.Contains("The Forum", ProvenanceTable(page));
        Assert.Contains("Platform One", ProvenanceTable(page));
        var merged = await LastUpdateAsync(two.Key, item);
        Assert.Equal("content.merge", merged.Action);
        Assert.Equal(["behaviour:recruitment", "severity:crisis"], merged.Item!.Labels);

        page = await ContributeOnThePageAsync(two, bank, "content_type:image");
        Assert.Contains("Merged with an existing item: 3 members contributed it (2 besides yours).", page);
        var three = await ProvenanceAsync(forum.Key, item);
        Assert.Equal([forum.Id, one.Id, two.Id], three.Select(c => c.OrganisationId));
        Assert.All(["The Forum", "Platform One", "Platform Two"], name => Assert.Contains(name, ProvenanceTable(page)));
        Assert.Equal(["behaviour:recruitment", "content_type:image", "severity:crisis"], (await LastUpdateAsync(one.Key, item)).Item!.Labels);

        // Platform One retracts its own: the forum and Platform Two stay, and so does the item, without the label only One gave.
        var mine = three.Single(c => c.OrganisationId == one.Id).Id;
        Assert.Equal(HttpStatusCode.NoContent, (await one.Key.DeleteAsync($"/api/v1/contributions/{mine}")).StatusCode);
        Assert.Equal([forum.Id, two.Id], (await ProvenanceAsync(one.Key, item)).Select(c => c.OrganisationId));
        page = await two.Session.GetStringAsync($"/shared/{item}");
        Assert.DoesNotContain("Platform One", ProvenanceTable(page));
        Assert.Contains("The Forum", ProvenanceTable(page));
        Assert.Contains("Platform Two", ProvenanceTable(page));
        var retracted = await LastUpdateAsync(two.Key, item);
        Assert.Equal("content.labels", retracted.Action);
        Assert.Equal(["content_type:image", "severity:crisis"], retracted.Item!.Labels);
        var matches = (await one.Key.GetFromJsonAsync<MatchResponse>($"/api/v1/match?signal_type=pdq&signal={Pdq}", Json.Options))!.Matches;
        Assert.Equal(item, Assert.Single(matches).ContentId);

        // Platform Two contributing again merges into its own contribution: still three entries at most, none replaced.
        page = await ContributeOnThePageAsync(two, bank, "severity:crisis");
        Assert.Contains("Merged with an existing item: 2 members contributed it (1 besides yours).", page);
        Assert.Equal([forum.Id, two.Id], (await ProvenanceAsync(one.Key, item)).Select(c => c.OrganisationId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnImportedItemNamesTheImporterAsItsFirstContributor(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var forum = await MemberAsync(server, OrganisationKinds.Forum, "The Forum");
        var one = await MemberAsync(server, OrganisationKinds.Platform, "Platform One");
        await forum.Key.PostAsJsonAsync("/api/v1/banks", new { name = "IMPORTED", @private = false });
        var import = await forum.Key.PostAsync("/api/v1/banks/IMPORTED/import?format=csv",
            new StringContent($"signal_type,signal,labels,note\r\npdq,{Pdq},severity:crisis,from a list\r\n", System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        var contributed = await one.Key.PostAsJsonAsync("/api/v1/contributions",
            new { bank = "IMPORTED", signals = new[] { new { signal_type = "pdq", value = Pdq } } });
        var result = (await contributed.Content.ReadFromJsonAsync<ContributionResult>(Json.Options))!;
        Assert.True(result.Merged);
        Assert.Equal([forum.Id, one.Id], result.Provenance.Select(c => c.OrganisationId));
        Assert.Equal(["severity:crisis"], result.Provenance[0].Labels);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheAdminRepairRestoresContributorsTheOldCodeLostAuditedAndIdempotent(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid forumId, oneId, twoId, banked, sent;
        await using (var server = await TestServer.StartAsync(provider, database: database))
        {
            var forum = await MemberAsync(server, OrganisationKinds.Forum, "The Forum");
            var one = await MemberAsync(server, OrganisationKinds.Platform, "Platform One");
            var two = await MemberAsync(server, OrganisationKinds.Platform, "Platform Two");
            (forumId, oneId, twoId) = (forum.Id, one.Id, two.Id);
            await forum.Key.PostAsJsonAsync("/api/v1/banks", new { name = "OLD", @private = false });
            var added = await forum.Key.PostAsJsonAsync("/api/v1/banks/OLD/content",
                new { signals = new[] { new { signal_type = "pdq", value = Pdq } }, labels = new[] { "severity:crisis" } });
            banked = (await added.Content.ReadFromJsonAsync<BankContentDto>(Json.Options))!.Id;
            // As the old code stored it: an item added straight into the bank had no contribution row.
            await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contributions.Where(c => c.ContentId == banked).ExecuteDeleteAsync());
            var merged = await (await one.Key.PostAsJsonAsync("/api/v1/contributions",
                new { bank = "OLD", signals = new[] { new { signal_type = "pdq", value = Pdq } } })).Content.ReadFromJsonAsync<ContributionResult>(Json.Options);
            Assert.Equal([oneId], merged!.Provenance.Select(c => c.OrganisationId));

            // A contributor that retracted stays retracted: Two sends an item, One joins it, then One retracts.
            var md5 = new string('d', 32);
            sent = (await (await two.Key.PostAsJsonAsync("/api/v1/contributions",
                new { bank = "OLD", signals = new[] { new { signal_type = "md5", value = md5 } } })).Content.ReadFromJsonAsync<ContributionResult>(Json.Options))!.Content.Id;
            var joined = await (await one.Key.PostAsJsonAsync("/api/v1/contributions",
                new { bank = "OLD", signals = new[] { new { signal_type = "md5", value = md5 } } })).Content.ReadFromJsonAsync<ContributionResult>(Json.Options);
            Assert.Equal(HttpStatusCode.NoContent, (await one.Key.DeleteAsync($"/api/v1/contributions/{joined!.Contribution.Id}")).StatusCode);
        }
        // A start-up does not repair by itself: the repair is the operator's command, not a side effect of migrating.
        long entries;
        await using (var server = await TestServer.StartAsync(provider, database: database))
        {
            var reader = server.WithKey(await server.CreateKeyAsync(twoId, Roles.Analyst));
            Assert.Equal([oneId], (await ProvenanceAsync(reader, banked)).Select(c => c.OrganisationId));

            // The operator runs it, as a separate process, while the server runs.
            var run = CliProcess.Run(BuiltCli.Assembly(), database.DataDirectory, database.Environment(), "admin", "repair-provenance");
            Assert.True(run.ExitCode == 0, run.StdErr);
            Assert.Equal("restored 1 contributor from the audit log, each audited as contribution.restore", run.StdOut.Trim());

            // Another process wrote the rows: the running server shows them once it has followed that write.
            await Wait.UntilAsync(async () => (await ProvenanceAsync(reader, banked)).Count == 2, "the restored contributor to show");
            var repaired = await ProvenanceAsync(reader, banked);
            Assert.Equal([forumId, oneId], repaired.Select(c => c.OrganisationId));
            Assert.Equal(["severity:crisis"], repaired[0].Labels);
            Assert.Equal([twoId], (await ProvenanceAsync(reader, sent)).Select(c => c.OrganisationId));
            await server.InScopeAsync(async s =>
            {
                var db = s.GetRequiredService<TurntideDb>();
                var restore = await db.AuditEntries.Where(a => a.Action == "contribution.restore").ToListAsync();
                var entry = Assert.Single(restore);
                Assert.Equal(ProvenanceRepair.RepairActor.Name, entry.ActorName);
                Assert.Equal(repaired[0].Id.ToString(), entry.EntityId);
                Assert.True((await AuditLog.VerifyAsync(db)).Intact);
            });
            entries = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.LongCountAsync());

            // Idempotent: run again, it finds nothing, says so, and writes nothing.
            var again = CliProcess.Run(BuiltCli.Assembly(), database.DataDirectory, database.Environment(), "admin", "repair-provenance");
            Assert.True(again.ExitCode == 0, again.StdErr);
            Assert.Equal("provenance is complete: nothing to restore", again.StdOut.Trim());
            Assert.Equal(entries, await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.LongCountAsync()));
            Assert.Equal([forumId, oneId], (await ProvenanceAsync(reader, banked)).Select(c => c.OrganisationId));
        }
    }
}

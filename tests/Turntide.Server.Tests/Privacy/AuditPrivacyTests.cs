using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Privacy;

/// <summary>The audit log page keeps a private bank's history to the bank's own organisation, and pages after filtering.</summary>
public sealed partial class AuditPrivacyTests
{
    private static object Contribution(string bank, string md5) => new
    {
        bank, signals = new[] { new { signal_type = "md5", value = md5 } }, labels = new[] { "severity:crisis" },
    };

    private static async Task<BankDto> CreateBankAsync(HttpClient curator, string name)
    {
        var response = await curator.PostAsJsonAsync("/api/v1/banks", new { name, @private = false });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<BankDto>(Json.Options))!;
    }

    private static async Task<ContributionResult> ContributeAsync(HttpClient curator, string bank, string md5)
    {
        var response = await curator.PostAsJsonAsync("/api/v1/contributions", Contribution(bank, md5));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ContributionResult>(Json.Options))!;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task APrivateBanksEntriesAreShownOnlyToTheAuditReadersOfItsOwningOrganisation(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
        var platform = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var auditors = await server.CreateOrgAsync(OrganisationKinds.Auditor);
        var forumCurator = server.WithKey(await server.CreateKeyAsync(forum.Id, Roles.Analyst));
        var platformCurator = server.WithKey(await server.CreateKeyAsync(platform.Id, Roles.Analyst));

        var open = await CreateBankAsync(platformCurator, "OPEN");
        var openItem = await ContributeAsync(platformCurator, "OPEN", new string('1', 32));
        // The platform's private bank names the forum: the forum sees its items, not its history.
        var platformBank = await CreateBankAsync(platformCurator, "PLATFORM-ONLY");
        Assert.Equal(HttpStatusCode.OK, (await platformCurator.PutAsJsonAsync("/api/v1/banks/PLATFORM-ONLY/sharing", new { @private = true, members = new[] { forum.Id } })).StatusCode);
        var platformItem = await ContributeAsync(platformCurator, "PLATFORM-ONLY", new string('2', 32));
        // Retracted: the item is deleted, and its contribution's entries still belong to the bank.
        var retracted = await ContributeAsync(platformCurator, "PLATFORM-ONLY", new string('3', 32));
        Assert.Equal(HttpStatusCode.NoContent, (await platformCurator.DeleteAsync($"/api/v1/contributions/{retracted.Contribution.Id}")).StatusCode);
        var forumBank = await CreateBankAsync(forumCurator, "FORUM-ONLY");
        Assert.Equal(HttpStatusCode.OK, (await forumCurator.PutAsJsonAsync("/api/v1/banks/FORUM-ONLY/sharing", new { @private = true, members = new[] { platform.Id } })).StatusCode);
        var forumItem = await ContributeAsync(forumCurator, "FORUM-ONLY", new string('4', 32));

        var shared = new[] { open.Id, openItem.Content.Id, openItem.Contribution.Id };
        var platformOnly = new[] { platformBank.Id, platformItem.Content.Id, platformItem.Contribution.Id, retracted.Content.Id, retracted.Contribution.Id };
        var forumOnly = new[] { forumBank.Id, forumItem.Content.Id, forumItem.Contribution.Id };
        var readers = new (string Who, HttpClient Client, Guid[] Sees, Guid[] DoesNotSee)[]
        {
            ("a forum admin", await SignInAsync(server, forum.Id, Roles.Admin), [.. shared, .. forumOnly], platformOnly),
            ("a forum auditor", await SignInAsync(server, forum.Id, Roles.Auditor), [.. shared, .. forumOnly], platformOnly),
            ("an auditor organisation's auditor", await SignInAsync(server, auditors.Id, Roles.Auditor), shared, [.. platformOnly, .. forumOnly]),
        };
        foreach (var (who, client, sees, doesNotSee) in readers)
        {
            var page = await client.GetStringAsync("/audit");
            foreach (var id in sees)
                Assert.True(page.Contains(id.ToString()), $"{who} should see {id}");
            foreach (var id in doesNotSee)
                Assert.False(page.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase), $"{who} should not see {id}");
        }
        // Shared again, the bank's whole history is everyone's, as in the exchange feed.
        Assert.Equal(HttpStatusCode.OK, (await platformCurator.PutAsJsonAsync("/api/v1/banks/PLATFORM-ONLY/sharing", new { @private = false, members = Array.Empty<Guid>() })).StatusCode);
        var after = await readers[2].Client.GetStringAsync("/audit");
        Assert.All(platformOnly, id => Assert.Contains(id.ToString(), after));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AuditPagesFillUpAfterFilteringAndTheOlderLinkWalksEveryVisibleEntryOnce(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var platform = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var auditors = await server.CreateOrgAsync(OrganisationKinds.Auditor);
        var curator = server.WithKey(await server.CreateKeyAsync(platform.Id, Roles.Analyst));
        await CreateBankAsync(curator, "OPEN");
        var hidden = await CreateBankAsync(curator, "HIDDEN");
        Assert.Equal(HttpStatusCode.OK, (await curator.PutAsJsonAsync("/api/v1/banks/HIDDEN/sharing", new { @private = true, members = Array.Empty<Guid>() })).StatusCode);
        // Runs of hidden entries longer than a page between the visible ones (an import writes one entry per item).
        int first = 0;
        foreach (var (bank, count) in new[] { ("HIDDEN", 130), ("OPEN", 110), ("HIDDEN", 120), ("OPEN", 10), ("HIDDEN", 5) })
        {
            var csv = "signal_type,signal,labels,note\n" + string.Concat(Enumerable.Range(first, count).Select(i => $"md5,{i:x32},,\n"));
            first += count;
            var response = await curator.PostAsync($"/api/v1/banks/{bank}/import?format=csv", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var auditor = await SignInAsync(server, auditors.Id, Roles.Auditor);
        var expected = await server.InScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TurntideDb>();
            var hiddenContents = await db.Contents.Where(c => c.BankId == hidden.Id).Select(c => c.Id).ToListAsync();
            var hiddenIds = hiddenContents.Select(id => id.ToString()).ToHashSet();
            hiddenIds.Add(hidden.Id.ToString());
            // An imported item's importer is its first contributor: those entries belong to the hidden bank too.
            hiddenIds.UnionWith((await db.Contributions.Where(c => hiddenContents.Contains(c.ContentId)).Select(c => c.Id).ToListAsync()).Select(id => id.ToString()));
            var all = await db.AuditEntries.AsNoTracking().Select(a => new { a.Sequence, a.EntityId }).ToListAsync();
            return all.Where(a => !hiddenIds.Contains(a.EntityId)).Select(a => a.Sequence).OrderDescending().ToList();
        });
        Assert.True(expected.Count > 100, "enough visible entries for two pages");

        var walked = new List<long>();
        string? next = "/audit";
        int pages = 0;
        while (next is not null && pages++ < 50)
        {
            var html = await auditor.GetStringAsync(next);
            var rows = RowSequence().Matches(html).Select(m => long.Parse(m.Groups[1].Value)).ToList();
            walked.AddRange(rows);
            var older = OlderLink().Match(html);
            next = older.Success ? "/audit?before=" + older.Groups[1].Value : null;
            // Every page but the last is full.
            if (next is not null)
                Assert.Equal(100, rows.Count);
        }
        Assert.Equal(expected, walked);
    }

    private static async Task<HttpClient> SignInAsync(TestServer server, Guid organisationId, string role)
    {
        var (_, email) = await server.CreatePersonAsync(organisationId, role);
        return await server.SignInAsync(email, TestServer.Password);
    }

    [GeneratedRegex(@"<tr>\s*<td>(\d+)</td>")]
    private static partial Regex RowSequence();

    [GeneratedRegex(@"href=""\?before=(\d+)""")]
    private static partial Regex OlderLink();
}

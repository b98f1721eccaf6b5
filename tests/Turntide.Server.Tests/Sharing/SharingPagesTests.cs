using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Opinions;

namespace Turntide.Server.Tests.Sharing;

/// <summary>The sharing pages over real HTTP with signed-in people: what they do, what they refuse and what they hide.</summary>
public sealed partial class SharingPagesTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private Guid _bankId;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Turntide:QuarantineDisagreements"] = "2",
            ["Turntide:QuarantineDisagreementShare"] = "0.5",
        });
        var forum = _server.WithKey(await _server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Forum));
        var bank = await (await forum.PostAsJsonAsync("/api/v1/banks", new { name = "PAGES", @private = false })).Content.ReadFromJsonAsync<BankDto>(Json.Options);
        _bankId = bank!.Id;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpClient Client, Guid Organisation)> MemberAsync(string role = Roles.Analyst, string kind = OrganisationKinds.Platform)
    {
        var org = await _server.CreateOrgAsync(kind);
        var (_, email) = await _server.CreatePersonAsync(org.Id, role);
        return (await _server.SignInAsync(email, TestServer.Password), org.Id);
    }

    private static async Task<HttpResponseMessage> ContributeAsync(HttpClient client, Guid bank, string type, string value, params string[] labels)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Bank", bank.ToString()), new("SignalType", type), new("SignalValue", value), new("FromFile", "0"),
            new("SignalType", "pdq"), new("SignalValue", ""), new("FromFile", "0"), new("Note", "seen on our service"),
        };
        fields.AddRange(labels.Select(l => new KeyValuePair<string, string>("Labels", l)));
        return await PostAsync(client, "/contribute", "/contribute", fields);
    }

    /// <summary>Posts form fields (names may repeat) with the antiforgery token of the page the form is on.</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string page, List<KeyValuePair<string, string>> fields)
    {
        var html = await client.GetStringAsync(page);
        var token = TokenPattern().Match(html);
        Assert.True(token.Success, "no antiforgery token on " + page);
        fields.Add(new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)));
        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    private static Guid ItemOf(HttpResponseMessage redirect)
    {
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!.ToString();
        Assert.StartsWith("/shared/", location);
        return Guid.Parse(location["/shared/".Length..]);
    }

    [Fact]
    public async Task ASecondMemberContributingTheSameSignalMergesAndTheItemListsBothMembers()
    {
        var (first, firstOrg) = await MemberAsync();
        var (second, secondOrg) = await MemberAsync(Roles.Admin);
        var md5 = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var item = ItemOf(await ContributeAsync(first, _bankId, "md5", md5, "severity:crisis"));
        Assert.Contains("New item", await first.GetStringAsync($"/shared/{item}"));

        var merged = await ContributeAsync(second, _bankId, "md5", md5.ToUpperInvariant(), "behaviour:recruitment");
        Assert.Equal(item, ItemOf(merged));
        var page = await second.GetStringAsync($"/shared/{item}");
        Assert.Contains("Merged with an existing item: 2 members contributed it", page);
        var names = await _server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Organisations
            .Where(o => o.Id == firstOrg || o.Id == secondOrg).Select(o => o.Name).ToListAsync());
        var provenance = page[page.IndexOf("data-testid=\"provenance\"", StringComparison.Ordinal)..];
        Assert.All(names, n => Assert.Contains(n, provenance));
        Assert.Contains("severity:crisis", page);
        Assert.Contains("behaviour:recruitment", page);
        // One retract button: the second member's own contribution, not the first member's.
        Assert.Single(Regex.Matches(page, "Retract our contribution"));
        Assert.Equal(1, await _server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contents.CountAsync(c => c.Signals.Any(x => x.Value == md5))));
    }

    [Fact]
    public async Task BadFieldsAreToldNextToTheFieldAndNothingIsStored()
    {
        var (member, _) = await MemberAsync();
        int before = await _server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contents.CountAsync());
        var response = await PostAsync(member, "/contribute", "/contribute",
        [
            new("Bank", ""), new("SignalType", "md5"), new("SignalValue", "xyz"), new("FromFile", "0"), new("Note", new string('n', 2001)),
        ]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"bank-error\">Pick the bank to contribute to.", html);
        Assert.Contains("Malformed md5 signal: ", html);
        Assert.Contains("is not an MD5 digest: expected 32 hex digits.", html);
        Assert.Contains("id=\"note-error\">The note is 2001 characters long; the limit is 2000.", html);
        Assert.Contains("value=\"xyz\"", html); // what the person typed stays in the form
        Assert.Equal(before, await _server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contents.CountAsync()));
    }

    [Fact]
    public async Task RetiredTermsAreNotOfferedAndAnUnknownLabelIsRefused()
    {
        var (member, _) = await MemberAsync();
        var forumAnalyst = _server.WithKey(await _server.KeyForRoleAsync(Roles.Analyst, OrganisationKinds.Forum));
        Assert.Equal(HttpStatusCode.OK, (await forumAnalyst.PatchAsJsonAsync("/api/v1/taxonomy/behaviour:threat", new { active = false })).StatusCode);
        var form = await member.GetStringAsync("/contribute");
        Assert.Contains("value=\"behaviour:incitement\"", form);
        Assert.DoesNotContain("value=\"behaviour:threat\"", form);
        Assert.Contains("<legend>Labels</legend>", form);

        var response = await ContributeAsync(member, _bankId, "md5", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), "behaviour:threat");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"label-error\">Not in the taxonomy (or retired): behaviour:threat. Pick from the terms offered.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnUploadedFileIsHashedInMemoryIntoSignalRows()
    {
        var (member, _) = await MemberAsync();
        var html = await member.GetStringAsync("/contribute");
        var headers = WebUtility.HtmlDecode(HeadersPattern().Match(html).Groups[1].Value);
        var token = System.Text.Json.JsonDocument.Parse(headers).RootElement.GetProperty("X-CSRF-Token").GetString()!;
        var bytes = RandomNumberGenerator.GetBytes(200_000); // larger than the form reader's in-memory threshold
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", "sample.bin" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/contribute?handler=Hash") { Content = form };
        request.Headers.Add("X-CSRF-Token", token);
        var response = await member.SendAsync(request);
        var fragment = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, fragment);
        Assert.Contains($"value=\"{Convert.ToHexStringLower(MD5.HashData(bytes))}\"", fragment);
        Assert.Contains($"value=\"{Convert.ToHexStringLower(SHA256.HashData(bytes))}\"", fragment);
        Assert.Contains("The file itself was not kept.", fragment);

        // Without the token header the form is read for a token, in memory (never a temporary file), and refused.
        var created = new List<string>();
        var marker = Path.Combine(Path.GetTempPath(), $"ASPNETCORE_marker-{Guid.NewGuid():n}.tmp");
        using (var watcher = new FileSystemWatcher(Path.GetTempPath()))
        {
            // The names ASP.NET Core's request buffers take; other test assemblies running at the same time make
            // temporary files of their own, so a wider pattern would blame them on this server.
            watcher.Filters.Add("ASPNETCORE_*.tmp");
            watcher.EnableRaisingEvents = true;
            watcher.Created += (_, e) => { lock (created) created.Add(e.FullPath); };
            using var bare = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", "sample.bin" } };
            Assert.Equal(HttpStatusCode.BadRequest, (await member.PostAsync("/contribute?handler=Hash", bare)).StatusCode);
            // The watcher reports creations in order: once a file made after the request is reported, any the request
            // made has been too.
            await File.WriteAllBytesAsync(marker, []);
            try
            {
                await Wait.UntilAsync(() => { lock (created) return created.Contains(marker); }, "the watcher to report the marker file");
            }
            finally
            {
                File.Delete(marker);
            }
        }
        lock (created)
            created.Remove(marker);
        Assert.Empty(created);
    }

    [GeneratedRegex("hx-headers=\"([^\"]+)\"")]
    private static partial Regex HeadersPattern();

    [Fact]
    public async Task DisagreementOnTheItemPageQuarantinesItAndTheOperatorRestoresIt()
    {
        var (contributor, _) = await MemberAsync();
        var item = ItemOf(await ContributeAsync(contributor, _bankId, "md5", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), "severity:crisis"));
        var (moderator, _) = await MemberAsync(Roles.Moderator);

        var missing = await PostAsync(moderator, $"/shared/{item}?handler=Opinion", $"/shared/{item}", [new("opinion", "disagree_with_labels")]);
        Assert.Contains("Pick the labels you would give the item.", await missing.Content.ReadAsStringAsync());

        var first = await PostAsync(moderator, $"/shared/{item}?handler=Opinion", $"/shared/{item}", [new("opinion", "disagree"), new("note", "a news photo")]);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Contains("Opinion recorded. Confidence is now 0.33.", await moderator.GetStringAsync($"/shared/{item}"));
        var (admin, _) = await MemberAsync(Roles.Admin);
        var second = await PostAsync(admin, $"/shared/{item}?handler=Opinion", $"/shared/{item}", [new("opinion", "disagree")]);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        var itemPage = await admin.GetStringAsync($"/shared/{item}");
        Assert.Contains("the item is quarantined", itemPage);
        Assert.Contains("a news photo", itemPage[itemPage.IndexOf("data-testid=\"opinions\"", StringComparison.Ordinal)..]);
        Assert.Contains("data-testid=\"status\">quarantined", itemPage);
        Assert.Contains("0 agree · 2 disagree", itemPage);

        // The contributor's people may browse but not decide.
        Assert.Contains("/denied", (await contributor.GetAsync("/quarantine")).Headers.Location!.ToString());
        var (operatorClient, _) = await MemberAsync(Roles.Analyst, OrganisationKinds.Forum);
        var queue = await operatorClient.GetStringAsync("/quarantine");
        Assert.Contains($"/shared/{item}", queue);
        Assert.Contains("2 of 2 members disagree", queue);
        var caseId = await _server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().QuarantineCases.Where(q => q.ContentId == item).Select(q => q.Id).SingleAsync());

        var noDecision = await PostAsync(operatorClient, "/quarantine", "/quarantine", [new("caseId", caseId.ToString()), new("note", "checked")]);
        Assert.Contains("Choose restore or disable.", await noDecision.Content.ReadAsStringAsync());
        var restored = await PostAsync(operatorClient, "/quarantine", "/quarantine",
            [new("caseId", caseId.ToString()), new("decision", "restore"), new("note", "a real propaganda still")]);
        Assert.Equal(HttpStatusCode.Redirect, restored.StatusCode);
        var after = await operatorClient.GetStringAsync("/quarantine");
        Assert.Contains("Restored: the item matches again.", after);
        Assert.Contains("a real propaganda still", after[after.IndexOf("closed-cases", StringComparison.Ordinal)..]);
        Assert.Equal(ContentStatus.Enabled, await _server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contents.Where(c => c.Id == item).Select(c => c.Status).SingleAsync()));
    }

    [Fact]
    public async Task APrivateBankIsHiddenFromNonMembersOnEveryPage()
    {
        var (owner, _) = await MemberAsync(Roles.Admin);
        var (member, memberOrg) = await MemberAsync(Roles.Moderator);
        var (outsider, _) = await MemberAsync(Roles.Analyst);
        var created = await PostAsync(owner, "/banks", "/banks", [new("Name", "SECRET_PAGES"), new("Description", "private")]);
        var bankId = Guid.Parse(created.Headers.Location!.ToString()["/banks/".Length..]);
        var md5 = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var item = ItemOf(await ContributeAsync(owner, bankId, "md5", md5, "severity:crisis"));
        var shared = await PostAsync(owner, $"/banks/{bankId}?handler=Sharing", $"/banks/{bankId}",
            [new("Private", "true"), new("Members", memberOrg.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, shared.StatusCode);

        foreach (var path in new[] { $"/banks/{bankId}", $"/content/{item}", $"/shared/{item}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await member.GetAsync(path)).StatusCode);
        }
        foreach (var path in new[] { "/banks", "/shared", "/contribute", $"/search?q={md5}", "/search?q=severity:crisis" })
        {
            Assert.DoesNotContain("SECRET_PAGES", await outsider.GetStringAsync(path));
        }
        Assert.Contains("SECRET_PAGES", await member.GetStringAsync("/banks"));
        Assert.Contains($"/shared/{item}", await member.GetStringAsync("/shared"));
        Assert.Contains($"/content/{item}", await member.GetStringAsync($"/search?q={md5}"));
        var opinion = await PostAsync(outsider, $"/shared/{item}?handler=Opinion", "/shared", [new("opinion", "disagree")]);
        Assert.Equal(HttpStatusCode.NotFound, opinion.StatusCode);
        var contribution = await ContributeAsync(outsider, bankId, "md5", md5);
        Assert.Equal(HttpStatusCode.NotFound, contribution.StatusCode);
        // Only the owner (or a forum admin) names members.
        var ownerPage = await owner.GetStringAsync($"/banks/{bankId}");
        Assert.Contains("Save who sees it", ownerPage);
        Assert.Contains("Private: seen only by its owner", ownerPage);
        Assert.DoesNotContain("Save who sees it", await member.GetStringAsync($"/banks/{bankId}"));

        // Sharing it with every member again drops the named members, and the outsider sees it.
        var opened = await PostAsync(owner, $"/banks/{bankId}?handler=Sharing", $"/banks/{bankId}", [new("Private", "false"), new("Members", memberOrg.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Contains("Shared with every member.", await outsider.GetStringAsync($"/banks/{bankId}"));
        Assert.Equal(0, await _server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().BankMembers.CountAsync(m => m.BankId == bankId)));
    }

    [Fact]
    public async Task AMemberRetractsItsOwnContributionFromTheItemPage()
    {
        var (first, _) = await MemberAsync();
        var (second, _) = await MemberAsync();
        var md5 = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var item = ItemOf(await ContributeAsync(first, _bankId, "md5", md5, "severity:crisis"));
        ItemOf(await ContributeAsync(second, _bankId, "md5", md5, "behaviour:recruitment"));
        var mine = await _server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Contributions
            .Where(c => c.ContentId == item).OrderBy(c => c.ContributedAt).Select(c => c.Id).ToListAsync());

        var refused = await PostAsync(second, $"/shared/{item}?handler=Retract", $"/shared/{item}", [new("contribution", mine[0].ToString())]);
        // Another member's contribution is answered as missing, so its existence does not show.
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        var retracted = await PostAsync(second, $"/shared/{item}?handler=Retract", $"/shared/{item}", [new("contribution", mine[1].ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, retracted.StatusCode);
        var page = await first.GetStringAsync($"/shared/{item}");
        var labels = page[page.IndexOf("<dt>Labels</dt>", StringComparison.Ordinal)..page.IndexOf("<dt>Note</dt>", StringComparison.Ordinal)];
        Assert.DoesNotContain("behaviour:recruitment", labels);
        Assert.Contains("severity:crisis", labels);
        Assert.Contains("severity:crisis", page);
    }

    [Fact]
    public async Task TheSharedSignalsPageFiltersByBankLabelAndStatusAndPages()
    {
        var (member, _) = await MemberAsync();
        var ids = new List<Guid>();
        for (int i = 0; i < SharingPageSize + 2; i++)
            ids.Add(ItemOf(await ContributeAsync(member, _bankId, "md5", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), "designation:au")));
        var first = await member.GetStringAsync($"/shared?bank={_bankId}&label=designation:au");
        Assert.Equal(SharingPageSize, Regex.Matches(first, "data-testid=\"shared-item\"").Count);
        Assert.Contains($"{SharingPageSize + 2} items", first);
        var second = await member.GetStringAsync($"/shared?handler=Results&bank={_bankId}&label=designation:au&skip={SharingPageSize}");
        Assert.Equal(2, Regex.Matches(second, "data-testid=\"shared-item\"").Count);
        Assert.Contains($"/shared/{ids[0]}", second); // oldest last
        Assert.Contains("0 items", await member.GetStringAsync($"/shared?label=designation:au&status=quarantined"));
        Assert.Contains("The status is enabled, disabled or quarantined.", await member.GetStringAsync("/shared?status=gone"));
    }

    private const int SharingPageSize = Turntide.Server.Features.Sharing.SharedModel.PageSize;

    [Fact]
    public async Task ANodeHasNoSharingPages()
    {
        await using var node = await TestServer.StartAsync(role: "node");
        var org = await node.CreateOrgAsync(OrganisationKinds.Platform);
        var (_, email) = await node.CreatePersonAsync(org.Id, Roles.Analyst);
        var client = await node.SignInAsync(email, TestServer.Password);
        foreach (var path in new[] { "/contribute", "/shared" })
        {
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode} {response.Headers.Location}");
        }
        Assert.DoesNotContain("href=\"/contribute\"", await client.GetStringAsync("/"));
    }
}

using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Banks;

/// <summary>
/// Disabling a bank and retiring a term ask first, naming what will happen, and act only on the confirmed post; a
/// disable is undone from the bank's history; the buttons are offered only to those who may use them.
/// </summary>
public sealed class DangerousActionTests
{
    private const string Md5A = "0123456789abcdef0123456789abcdef";
    private const string Md5B = "fedcba9876543210fedcba9876543210";

    private sealed record World(TestServer Server, HttpClient ForumKey, HttpClient ForumAdmin, HttpClient OtherAnalyst, Guid Bank) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private static async Task<World> StartAsync(string provider)
    {
        var server = await TestServer.StartAsync(provider);
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum, "The Forum");
        var one = await server.CreateOrgAsync(OrganisationKinds.Platform, "Platform One");
        await server.CreateOrgAsync(OrganisationKinds.Platform, "Platform Two");
        await server.CreateOrgAsync(OrganisationKinds.Authority, "An Authority");
        var key = server.WithKey(await server.CreateKeyAsync(forum.Id, Roles.Analyst));
        var bank = (await (await key.PostAsJsonAsync("/api/v1/banks", new { name = "CRISIS", @private = false })).Content.ReadFromJsonAsync<BankDto>(Json.Options))!.Id;
        foreach (var md5 in new[] { Md5A, Md5B })
            Assert.Equal(HttpStatusCode.Created, (await key.PostAsJsonAsync("/api/v1/banks/CRISIS/content",
                new { signals = new[] { new { signal_type = "md5", value = md5 } }, labels = new[] { "severity:crisis" } })).StatusCode);
        var (_, adminEmail) = await server.CreatePersonAsync(forum.Id, Roles.Admin);
        var (_, analystEmail) = await server.CreatePersonAsync(one.Id, Roles.Analyst);
        return new World(server, key, await server.SignInAsync(adminEmail, TestServer.Password),
            await server.SignInAsync(analystEmail, TestServer.Password), bank);
    }

    private static async Task<int> MatchCountAsync(HttpClient key) =>
        (await key.GetFromJsonAsync<MatchResponse>($"/api/v1/match?signal_type=md5&signal={Md5A}", Json.Options))!.Matches.Count;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DisablingABankAsksForConfirmationNamingWhatWillHappenAndItsOwnerUndoesItFromTheHistory(string provider)
    {
        await using var w = await StartAsync(provider);
        var path = $"/banks/{w.Bank}";
        Assert.Contains("<button type=\"submit\" class=\"danger\">Disable bank</button>", await w.ForumAdmin.GetStringAsync(path));
        // Another member sees the bank but is offered neither the button nor the curation forms.
        var others = await w.OtherAnalyst.GetStringAsync(path);
        Assert.DoesNotContain("Disable bank", others);
        Assert.DoesNotContain("Add an item", others);
        Assert.Contains("Contribute to this bank", others);

        var asked = await TestServer.PostFormAsync(w.ForumAdmin, $"{path}?handler=Enabled", new() { ["Enabled"] = "false" });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var panel = await asked.Content.ReadAsStringAsync();
        Assert.Contains("Disable the bank CRISIS?", panel);
        // Three organisations work with banks here (the forum and two platforms); the authority does not.
        Assert.Contains("CRISIS holds 2 items that 3 members match against.", panel);
        Assert.Contains("<button type=\"submit\" class=\"danger strong\">Disable CRISIS</button>", panel);
        Assert.True(w.Server.Catalog.TryGetBank(w.Bank, out var stillOn) && stillOn.Enabled);
        Assert.Equal(1, await MatchCountAsync(w.ForumKey));

        var done = await TestServer.PostFormAsync(w.ForumAdmin, $"{path}?handler=Enabled", new() { ["Enabled"] = "false", ["Confirmed"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.True(w.Server.Catalog.TryGetBank(w.Bank, out var off) && !off.Enabled);
        Assert.Equal(0, await MatchCountAsync(w.ForumKey));

        var id = w.Bank.ToString();
        long disable = await w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries
            .Where(a => a.EntityType == "bank" && a.EntityId == id && a.Action == "bank.disable").Select(a => a.Sequence).SingleAsync());
        var history = await w.ForumAdmin.GetStringAsync(path);
        Assert.Contains("data-testid=\"bank-history\"", history);
        Assert.Contains($"name=\"Entry\" value=\"{disable}\"", history);
        Assert.DoesNotContain("Undo this disable", await w.OtherAnalyst.GetStringAsync(path));

        var undone = await TestServer.PostFormAsync(w.ForumAdmin, $"{path}?handler=Undo", new() { ["Entry"] = disable.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, undone.StatusCode);
        Assert.True(w.Server.Catalog.TryGetBank(w.Bank, out var back) && back.Enabled);
        Assert.Equal(1, await MatchCountAsync(w.ForumKey));
        var last = await w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries
            .Where(a => a.EntityType == "bank" && a.EntityId == id).OrderByDescending(a => a.Sequence).FirstAsync());
        Assert.Equal("bank.enable", last.Action);
        Assert.StartsWith("Test admin", last.ActorName);

        // Nothing left to undo: said on the page, nothing written.
        var again = await TestServer.PostFormAsync(w.ForumAdmin, $"{path}?handler=Undo", new() { ["Entry"] = disable.ToString() });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("The bank is already enabled: there is nothing to undo.", await again.Content.ReadAsStringAsync());
        Assert.Equal(last.Sequence, await w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.MaxAsync(a => a.Sequence)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RetiringATermAsksForConfirmationNamingTheItemsThatCarryIt(string provider)
    {
        await using var w = await StartAsync(provider);
        Assert.Contains("<button type=\"submit\" class=\"danger\">Retire severity:crisis</button>", await w.ForumAdmin.GetStringAsync("/taxonomy"));

        var asked = await TestServer.PostFormAsync(w.ForumAdmin, "/taxonomy?handler=Active", new() { ["Label"] = "severity:crisis", ["Active"] = "false" });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var panel = await asked.Content.ReadAsStringAsync();
        Assert.Contains("Retire the term severity:crisis?", panel);
        Assert.Contains("2 items in 1 bank carry severity:crisis.", panel);
        Assert.True(await ActiveAsync(w, "severity:crisis"));

        var done = await TestServer.PostFormAsync(w.ForumAdmin, "/taxonomy?handler=Active", new() { ["Label"] = "severity:crisis", ["Active"] = "false", ["Confirmed"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.False(await ActiveAsync(w, "severity:crisis"));
        // Restoring is not destructive: it acts at once.
        var restored = await TestServer.PostFormAsync(w.ForumAdmin, "/taxonomy?handler=Active", new() { ["Label"] = "severity:crisis", ["Active"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, restored.StatusCode);
        Assert.True(await ActiveAsync(w, "severity:crisis"));
    }

    private static Task<bool> ActiveAsync(World w, string label) =>
        w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().TaxonomyTerms.Where(t => t.Label == label).Select(t => t.Active).SingleAsync());
}

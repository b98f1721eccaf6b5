using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Members;

/// <summary>What an organisation's admins do to its people, and how sessions end.</summary>
public sealed partial class PeopleTests
{
    private sealed record World(TestServer Server, Guid OrgId, HttpClient Admin, Person AdminPerson, Person Member, string MemberEmail);

    /// <summary>A platform with an admin (signed in) and a moderator.</summary>
    private static async Task<World> WorldAsync(string provider)
    {
        var server = await TestServer.StartAsync(provider);
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (admin, adminEmail) = await server.CreatePersonAsync(org.Id, Roles.Admin);
        var (member, memberEmail) = await server.CreatePersonAsync(org.Id, Roles.Moderator);
        return new World(server, org.Id, await server.SignInAsync(adminEmail, TestServer.Password), admin, member, memberEmail);
    }

    private static Task<HttpResponseMessage> PostAsync(World w, string handler, Dictionary<string, string> fields) =>
        TestServer.PostFormAsync(w.Admin, $"/organisations/{w.OrgId}?handler={handler}", fields, $"/organisations/{w.OrgId}");

    private static HttpClient CopyOf(TestServer server, HttpClient session)
    {
        var copy = server.CopyCookiesOf(session);
        Assert.NotEqual(copy, session);
        return copy;
    }

    private static async Task AssertSignedOutAsync(HttpClient client)
    {
        var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/signin", response.Headers.Location!.ToString());
    }

    private static Task<List<string>> AuditActionsAsync(TestServer server, Guid personId) =>
        server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.AsNoTracking()
            .Where(a => a.EntityId == personId.ToString()).OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync());

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ACookieCopiedBeforeSignOutStopsWorkingAtSignOut(string provider)
    {
        var w = await WorldAsync(provider);
        await using var _ = w.Server;
        var session = await w.Server.SignInAsync(w.MemberEmail, TestServer.Password);
        var copy = CopyOf(w.Server, session);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/")).StatusCode);

        var signedOut = await TestServer.PostFormAsync(session, "/signout", [], "/");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        await AssertSignedOutAsync(copy);
        await AssertSignedOutAsync(session);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EndingSessionsLockingAndRemovingEachEndEveryCopyOfTheCookieAtOnce(string provider)
    {
        var w = await WorldAsync(provider);
        await using var _ = w.Server;
        var id = w.Member.Id.ToString();

        var session = await w.Server.SignInAsync(w.MemberEmail, TestServer.Password);
        var copy = CopyOf(w.Server, session);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(w, "EndSessions", new() { ["PersonId"] = id })).StatusCode);
        await AssertSignedOutAsync(copy);
        await AssertSignedOutAsync(session);

        session = await w.Server.SignInAsync(w.MemberEmail, TestServer.Password);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(w, "Lock", new() { ["PersonId"] = id })).StatusCode);
        await AssertSignedOutAsync(session);
        var refused = await TestServer.PostFormAsync(w.Server.Anonymous(), "/signin", new() { ["Email"] = w.MemberEmail, ["Password"] = TestServer.Password });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        // The sign-in page gives a locked person the one refusal everyone gets (it must not tell who has an account);
        // the admin's page says why.
        Assert.Contains(System.Net.WebUtility.HtmlEncode(Turntide.Server.Features.Members.SignInModel.Refused), await refused.Content.ReadAsStringAsync());
        Assert.Contains("locked by an admin", await w.Admin.GetStringAsync($"/organisations/{w.OrgId}"));

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(w, "Unlock", new() { ["PersonId"] = id })).StatusCode);
        session = await w.Server.SignInAsync(w.MemberEmail, TestServer.Password);
        copy = CopyOf(w.Server, session);

        // Removal asks first, naming the person and what happens; nothing changes until confirmed.
        var asked = await PostAsync(w, "Remove", new() { ["PersonId"] = id });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var panel = await asked.Content.ReadAsStringAsync();
        Assert.Contains("role=\"alertdialog\"", panel);
        Assert.Contains($"Remove {w.Member.DisplayName} ({w.MemberEmail})", panel);
        Assert.Contains("signed out everywhere", panel);
        Assert.Contains("class=\"danger strong\"", panel);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/")).StatusCode);

        var removed = await PostAsync(w, "Remove", new() { ["PersonId"] = id, ["Confirmed"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        await AssertSignedOutAsync(copy);
        Assert.False(await w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Users.AnyAsync(u => u.Id == w.Member.Id)));
        // What happened to them stays in the audit log, the removal included.
        Assert.Equal(["person.create", "person.end_sessions", "person.lock", "person.unlock", "person.remove"], await AuditActionsAsync(w.Server, w.Member.Id));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARoleChangeIsAuditedAndTakesEffectAtTheNextSignIn(string provider)
    {
        var w = await WorldAsync(provider);
        await using var _ = w.Server;
        var session = await w.Server.SignInAsync(w.MemberEmail, TestServer.Password);
        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/contribute")).StatusCode); // moderators do not curate

        var changed = await PostAsync(w, "Roles", new() { ["PersonId"] = w.Member.Id.ToString(), ["PersonRoles"] = Roles.Analyst });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        await AssertSignedOutAsync(session);
        session = await w.Server.SignInAsync(w.MemberEmail, TestServer.Password);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/contribute")).StatusCode);

        var entry = await w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().AuditEntries.AsNoTracking()
            .SingleAsync(a => a.Action == "person.roles" && a.EntityId == w.Member.Id.ToString()));
        Assert.Contains("\"moderator\"", entry.Before);
        Assert.Contains("\"analyst\"", entry.After);
        Assert.Equal(w.AdminPerson.Id.ToString(), entry.ActorId);
        Assert.DoesNotContain("PasswordHash", entry.After, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("stamp", entry.After, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task NobodyRaisesTheirOwnRoleNorLeavesTheOrganisationWithoutAnAdmin(string provider)
    {
        await using var server = await TestServer.StartAsync(provider);
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum);
        var (admin, adminEmail) = await server.CreatePersonAsync(forum.Id, Roles.Admin);
        var session = await server.SignInAsync(adminEmail, TestServer.Password);
        var page = $"/organisations/{forum.Id}";
        var before = await StateAsync(server, forum.Id);

        // The page offers an admin no box for a role they lack; an analyst cannot make themselves admin through the service.
        Assert.Contains($"value=\"{Roles.Auditor}\" disabled", await session.GetStringAsync(page));
        var (analyst, _) = await server.CreatePersonAsync(forum.Id, Roles.Analyst);
        before = await StateAsync(server, forum.Id);
        var self = new Actor(Actor.PersonKind, analyst.Id.ToString(), "self", forum.Id, OrganisationKinds.Forum, [Roles.Analyst]);
        var ex = await Assert.ThrowsAsync<DomainException>(() => server.InScopeAsync(s =>
            s.GetRequiredService<MembersService>().ChangeRolesAsync(self, analyst.Id, [Roles.Admin, Roles.Analyst])));
        Assert.Equal(403, ex.StatusCode);

        // The only admin cannot drop admin, and cannot be locked or removed by the forum's system operator either.
        var demote = await TestServer.PostFormAsync(session, $"{page}?handler=Roles",
            new() { ["PersonId"] = admin.Id.ToString(), ["PersonRoles"] = Roles.Analyst }, page);
        Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        Assert.Contains("last admin of", await demote.Content.ReadAsStringAsync());
        foreach (var change in new Func<MembersService, Task>[]
        {
            m => m.SetLockedAsync(TestServer.Operator, admin.Id, true),
            m => m.RemovePersonAsync(TestServer.Operator, admin.Id),
        })
        {
            var last = await Assert.ThrowsAsync<DomainException>(() => server.InScopeAsync(s => change(s.GetRequiredService<MembersService>())));
            Assert.Equal(409, last.StatusCode);
        }
        // Nor lock, remove or reset themselves.
        foreach (var handler in new[] { "Lock", "ResetPassword" })
        {
            var own = await TestServer.PostFormAsync(session, $"{page}?handler={handler}", new() { ["PersonId"] = admin.Id.ToString() }, page);
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Contains("class=\"error\"", await own.Content.ReadAsStringAsync());
        }
        var removeSelf = await TestServer.PostFormAsync(session, $"{page}?handler=Remove", new() { ["PersonId"] = admin.Id.ToString(), ["Confirmed"] = "true" }, page);
        Assert.Contains("cannot remove yourself", await removeSelf.Content.ReadAsStringAsync());
        Assert.Equal(before, await StateAsync(server, forum.Id));
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/")).StatusCode);

        // With a second admin, the first may step down to analyst (dropping a role is no raise).
        await server.CreatePersonAsync(forum.Id, Roles.Admin);
        var stepDown = await TestServer.PostFormAsync(session, $"{page}?handler=Roles",
            new() { ["PersonId"] = admin.Id.ToString(), ["PersonRoles"] = Roles.Analyst }, page);
        Assert.Equal(HttpStatusCode.Redirect, stepDown.StatusCode);
        Assert.Equal([Roles.Analyst], await server.InScopeAsync(async s =>
            (await s.GetRequiredService<MembersService>().RolesOfAsync(await s.GetRequiredService<TurntideDb>().Users.SingleAsync(u => u.Id == admin.Id))).ToList()));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AForcedResetGivesAOneTimePasswordThatOnlyLeadsToChoosingANewOne(string provider)
    {
        var w = await WorldAsync(provider);
        await using var _ = w.Server;
        var session = await w.Server.SignInAsync(w.MemberEmail, TestServer.Password);
        var reset = await PostAsync(w, "ResetPassword", new() { ["PersonId"] = w.Member.Id.ToString() });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var oneTime = OneTimePattern().Match(await reset.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.NotEmpty(oneTime);
        await AssertSignedOutAsync(session);
        Assert.DoesNotContain(oneTime, await w.Admin.GetStringAsync($"/organisations/{w.OrgId}"));

        var browser = w.Server.Anonymous();
        var old = await TestServer.PostFormAsync(browser, "/signin", new() { ["Email"] = w.MemberEmail, ["Password"] = TestServer.Password });
        Assert.Contains("The email or password is wrong", await old.Content.ReadAsStringAsync());
        var step = await TestServer.PostFormAsync(browser, "/signin", new() { ["Email"] = w.MemberEmail, ["Password"] = oneTime });
        var html = await step.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, step.StatusCode);
        Assert.Contains("Choose a new password", html);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode); // not signed in yet
        var token = WebUtility.HtmlDecode(TokenPattern().Match(html).Groups[1].Value);
        Assert.NotEmpty(token);

        var same = await TestServer.PostFormAsync(browser, "/signin?handler=Choose", new() { ["Email"] = w.MemberEmail, ["ResetToken"] = token, ["NewPassword"] = oneTime }, "/signin");
        Assert.Contains("different from the one-time password", await same.Content.ReadAsStringAsync());
        var chosen = await TestServer.PostFormAsync(browser, "/signin?handler=Choose",
            new() { ["Email"] = w.MemberEmail, ["ResetToken"] = token, ["NewPassword"] = "a brand new passphrase" }, "/signin");
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        // The token was good once: the password change renewed the stamp it is bound to.
        var again = await TestServer.PostFormAsync(w.Server.Anonymous(), "/signin?handler=Choose",
            new() { ["Email"] = w.MemberEmail, ["ResetToken"] = token, ["NewPassword"] = "yet another passphrase" }, "/signin");
        Assert.DoesNotContain("Set password and sign in", await again.Content.ReadAsStringAsync());
        await w.Server.SignInAsync(w.MemberEmail, "a brand new passphrase");
        Assert.Null(await w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Users.Where(u => u.Id == w.Member.Id).Select(u => u.PasswordResetExpiresAt).SingleAsync()));
        Assert.Contains("person.password_reset", await AuditActionsAsync(w.Server, w.Member.Id));
        Assert.All(w.Server.Logs.Lines, line => Assert.DoesNotContain(oneTime, line));
    }

    [Fact]
    public async Task AnExpiredOneTimePasswordNoLongerSignsIn()
    {
        var w = await WorldAsync("sqlite");
        await using var _ = w.Server;
        var oneTime = await w.Server.InScopeAsync(s => s.GetRequiredService<MembersService>().ForcePasswordResetAsync(TestServer.Operator, w.Member.Id));
        await w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Users.Where(u => u.Id == w.Member.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.PasswordResetExpiresAt, DateTime.UtcNow.AddMinutes(-1))));
        var response = await TestServer.PostFormAsync(w.Server.Anonymous(), "/signin", new() { ["Email"] = w.MemberEmail, ["Password"] = oneTime });
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("has expired", html);
        Assert.DoesNotContain("Choose a new password", html);
    }

    /// <summary>Everything a refused change could have touched: people (stamps, locks, passwords, roles), keys, the audit log.</summary>
    private static Task<string> StateAsync(TestServer server, Guid orgId) => server.InScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TurntideDb>();
        var people = await db.Users.AsNoTracking().Where(u => u.OrganisationId == orgId).OrderBy(u => u.Id)
            .Select(u => $"{u.Id} {u.SecurityStamp} {u.LockoutEnd} {u.PasswordHash} {u.PasswordResetExpiresAt}").ToListAsync();
        var roles = await (from ur in db.UserRoles join u in db.Users on ur.UserId equals u.Id where u.OrganisationId == orgId
                           orderby ur.UserId, ur.RoleId select $"{ur.UserId}:{ur.RoleId}").ToListAsync();
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.OrganisationId == orgId).OrderBy(k => k.Id)
            .Select(k => $"{k.Id} {k.RevokedAt} {k.ExpiresAt} {k.Scope}").ToListAsync();
        var audit = await db.AuditEntries.CountAsync();
        return string.Join("\n", people.Concat(roles).Concat(keys).Append($"audit {audit}"));
    });

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AnotherOrganisationsAdminAndANonAdminOfTheOwnerChangeNoPersonAndNoKey(string provider)
    {
        var w = await WorldAsync(provider);
        await using var _ = w.Server;
        var key = (await w.Server.InScopeAsync(s => s.GetRequiredService<MembersService>()
            .CreateKeyAsync(TestServer.Operator, w.OrgId, Roles.Moderator, "owner's key"))).Key;
        var other = await w.Server.CreateOrgAsync(OrganisationKinds.Platform);
        var (otherAdmin, otherAdminEmail) = await w.Server.CreatePersonAsync(other.Id, Roles.Admin);
        var outsider = await w.Server.SignInAsync(otherAdminEmail, TestServer.Password);
        var (analyst, analystEmail) = await w.Server.CreatePersonAsync(w.OrgId, Roles.Analyst);
        var insider = await w.Server.SignInAsync(analystEmail, TestServer.Password);
        var person = w.Member.Id.ToString();
        var writes = new (string Handler, Dictionary<string, string> Fields)[]
        {
            ("Roles", new() { ["PersonId"] = person, ["PersonRoles"] = Roles.Analyst }),
            ("Lock", new() { ["PersonId"] = person }),
            ("Unlock", new() { ["PersonId"] = person }),
            ("EndSessions", new() { ["PersonId"] = person }),
            ("ResetPassword", new() { ["PersonId"] = person }),
            ("Remove", new() { ["PersonId"] = person, ["Confirmed"] = "true" }),
            ("Rotate", new() { ["KeyId"] = key.Id.ToString() }),
            ("Revoke", new() { ["KeyId"] = key.Id.ToString(), ["Confirmed"] = "true" }),
            ("Key", new() { ["KeyName"] = "intruder", ["Role"] = Roles.Admin }),
            ("Person", new() { ["Email"] = "intruder@example.test", ["DisplayName"] = "Intruder", ["Password"] = "long enough password", ["Role"] = Roles.Admin }),
        };
        var before = await StateAsync(w.Server, w.OrgId);
        var failures = new List<string>();
        foreach (var (handler, fields) in writes)
        {
            // The other organisation's admin, on the owner's page and on their own page naming the owner's person or key.
            var onOwners = await TestServer.PostFormAsync(outsider, $"/organisations/{w.OrgId}?handler={handler}", new(fields), "/");
            if (onOwners.StatusCode != HttpStatusCode.Redirect || !onOwners.Headers.Location!.ToString().Contains("/denied"))
                failures.Add($"other admin on owner's page {handler}: {(int)onOwners.StatusCode} {onOwners.Headers.Location}");
            if (handler is not ("Key" or "Person"))
            {
                var onOwn = await TestServer.PostFormAsync(outsider, $"/organisations/{other.Id}?handler={handler}", new(fields), "/");
                if (onOwn.StatusCode != HttpStatusCode.NotFound)
                    failures.Add($"other admin on own page {handler}: {(int)onOwn.StatusCode}");
            }
            var byAnalyst = await TestServer.PostFormAsync(insider, $"/organisations/{w.OrgId}?handler={handler}", new(fields), "/");
            if (byAnalyst.StatusCode != HttpStatusCode.Redirect || !byAnalyst.Headers.Location!.ToString().Contains("/denied"))
                failures.Add($"owner's analyst {handler}: {(int)byAnalyst.StatusCode} {byAnalyst.Headers.Location}");
        }
        // The services refuse as well, whoever calls them.
        var actors = new[]
        {
            new Actor(Actor.PersonKind, otherAdmin.Id.ToString(), "other admin", other.Id, OrganisationKinds.Platform, [Roles.Admin]),
            new Actor(Actor.PersonKind, analyst.Id.ToString(), "owner's analyst", w.OrgId, OrganisationKinds.Platform, [Roles.Analyst]),
        };
        foreach (var actor in actors)
        {
            foreach (var change in new Func<MembersService, Task>[]
            {
                m => m.ChangeRolesAsync(actor, w.Member.Id, [Roles.Analyst]),
                m => m.SetLockedAsync(actor, w.Member.Id, true),
                m => m.EndSessionsAsync(actor, w.Member.Id),
                m => m.ForcePasswordResetAsync(actor, w.Member.Id),
                m => m.RemovePersonAsync(actor, w.Member.Id),
                m => m.RotateKeyAsync(actor, key.Id),
                m => m.RevokeKeyAsync(actor, key.Id),
                m => m.CreateKeyAsync(actor, w.OrgId, new NewKey("x", Roles.Moderator)),
            })
            {
                var ex = await Assert.ThrowsAsync<DomainException>(() => w.Server.InScopeAsync(s => change(s.GetRequiredService<MembersService>())));
                if (ex.StatusCode != 403)
                    failures.Add($"{actor.Name}: {ex.StatusCode} {ex.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await StateAsync(w.Server, w.OrgId));
    }

    [GeneratedRegex("data-testid=\"one-time-password\">([A-Za-z0-9_-]+)<")]
    private static partial Regex OneTimePattern();

    [GeneratedRegex("name=\"ResetToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

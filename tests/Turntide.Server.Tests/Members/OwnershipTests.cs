using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Opinions;

namespace Turntide.Server.Tests.Members;

/// <summary>
/// The second question of authorization: does this organisation own this thing? Every write endpoint and form post is
/// tried as (a) the right role of another organisation and (b) the wrong role of the owner, on both databases; each
/// must answer 403 or 404 (a form post: 404 or the sign-in's "denied" page) and change nothing: the stored rows, the
/// in-memory catalog and the audit log (its length and head hash) are compared before and after. The rules are the
/// table in docs/ownership.md; <see cref="AuthorizationTests.EveryEndpointHasAnAuthorizationRuleAndACaseInTheseTests"/>
/// fails for a write endpoint with no case here.
/// </summary>
public sealed class OwnershipTests
{
    private const string Pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    public sealed record Caller(string Name, HttpClient Key, HttpClient Session)
    {
        public override string ToString() => Name;
    }

    /// <summary>
    /// The forum (admin, analyst, moderator, auditor), Platform One (admin, analyst, moderator) and Platform Two (admin,
    /// analyst); the forum's shared bank with an item Platform One also contributed, a disabled forum bank, Platform One's
    /// private bank and a shared one, and an open quarantine case.
    /// </summary>
    public sealed class World : IAsyncDisposable
    {
        internal TestServer Server { get; init; } = null!;
        public Guid Forum { get; init; }
        public Guid One { get; init; }
        public Guid Two { get; init; }
        public required Caller ForumAdmin { get; init; }
        public required Caller ForumAnalyst { get; init; }
        public required Caller ForumModerator { get; init; }
        public required Caller ForumAuditor { get; init; }
        public required Caller OneAdmin { get; init; }
        public required Caller OneAnalyst { get; init; }
        public required Caller OneModerator { get; init; }
        public required Caller TwoAdmin { get; init; }
        public required Caller TwoAnalyst { get; init; }
        /// <summary>Platform Two's node key at the hub (an analyst key of scope node): the only kind of key that sends match reports.</summary>
        public required HttpClient TwoNode { get; init; }
        public Guid ForumBank { get; init; }
        public Guid ForumItem { get; init; }
        public Guid DisabledBank { get; init; }
        public long DisableEntry { get; init; }
        public Guid OneBank { get; init; }
        public Guid OneItem { get; init; }
        public Guid OneSharedBank { get; init; }
        public Guid OneContribution { get; init; }
        public Guid QuarantineCase { get; init; }
        public Guid OneKey { get; init; }
        /// <summary>A moderator of Platform One, for the people-management handlers.</summary>
        public Guid OnePerson { get; init; }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    /// <summary>One try: who, what request, and whether it is the other organisation's right role or the owner's wrong role.</summary>
    public sealed record Attempt(bool AnotherOrganisation, Func<World, Caller> Who, string Method, string Path,
        Func<World, HttpContent?>? Body = null, Func<World, Dictionary<string, string>>? Form = null, bool Ignored = false)
    {
        public bool IsPage => Form is not null;
    }

    /// <summary>
    /// The ownership case of one write endpoint (its key as the guard test writes it: method, route template with
    /// {x} for parameters, and the page handler). <paramref name="Why"/> says why an attempt kind is missing.
    /// </summary>
    public sealed record Case(string Endpoint, IReadOnlyList<Attempt> Attempts, string? Why = null);

    private static HttpContent JsonBody(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    private static HttpContent Csv(string md5) =>
        new StringContent($"signal_type,signal,labels,note\r\nmd5,{md5},,\r\n", Encoding.UTF8, "text/csv");

    private static string NewMd5() => Guid.NewGuid().ToString("n");

    /// <summary>A multipart upload of a file never seen before (its digests would be a new item).</summary>
    private static HttpContent FileBody() =>
        new MultipartFormDataContent { { new ByteArrayContent(Guid.NewGuid().ToByteArray()), "file", "upload.bin" } };

    /// <summary>Every write endpoint and form post, with its attempts. The keys must match the server's endpoints.</summary>
    public static IReadOnlyList<Case> Cases() =>
    [
        // The API.
        new("POST /api/v1/banks",
        [
            new(false, w => w.ForumModerator, "POST", "/api/v1/banks", _ => JsonBody($$"""{"name":"M{{NewMd5()}}"}""")),
        ], Why: "a bank is created for the caller's own organisation; ABankIsCreatedForTheCallersOwnOrganisationWhateverTheRequestSays shows a request cannot name another owner"),
        new("PATCH /api/v1/banks/{x}",
        [
            new(true, w => w.OneAnalyst, "PATCH", "/api/v1/banks/FORUM_CRISIS", _ => JsonBody("""{"enabled":false}""")),
            new(true, w => w.TwoAnalyst, "PATCH", "/api/v1/banks/ONE_PRIVATE", _ => JsonBody("""{"enabled":false}""")),
            // The forum's admins curate the forum's banks, not another member's.
            new(true, w => w.ForumAdmin, "PATCH", "/api/v1/banks/ONE_SHARED", _ => JsonBody("""{"enabled":false}""")),
            new(false, w => w.ForumModerator, "PATCH", "/api/v1/banks/FORUM_CRISIS", _ => JsonBody("""{"enabled":false}""")),
        ]),
        new("POST /api/v1/banks/{x}/content",
        [
            new(true, w => w.OneAnalyst, "POST", "/api/v1/banks/FORUM_CRISIS/content", _ => JsonBody($$"""{"signals":[{"signal_type":"md5","value":"{{NewMd5()}}"}]}""")),
            new(true, w => w.TwoAnalyst, "POST", "/api/v1/banks/ONE_PRIVATE/content", _ => JsonBody($$"""{"signals":[{"signal_type":"md5","value":"{{NewMd5()}}"}]}""")),
            new(false, w => w.ForumModerator, "POST", "/api/v1/banks/FORUM_CRISIS/content", _ => JsonBody($$"""{"signals":[{"signal_type":"md5","value":"{{NewMd5()}}"}]}""")),
            // The file form of the same route: refused before the upload is hashed.
            new(true, w => w.OneAnalyst, "POST", "/api/v1/banks/FORUM_CRISIS/content?labels=severity:crisis", _ => FileBody()),
            new(true, w => w.TwoAnalyst, "POST", "/api/v1/banks/ONE_PRIVATE/content", _ => FileBody()),
            new(false, w => w.ForumModerator, "POST", "/api/v1/banks/FORUM_CRISIS/content", _ => FileBody()),
            new(false, w => w.ForumAuditor, "POST", "/api/v1/banks/FORUM_CRISIS/content", _ => FileBody()),
        ]),
        new("POST /api/v1/banks/{x}/import",
        [
            new(true, w => w.OneAnalyst, "POST", "/api/v1/banks/FORUM_CRISIS/import?format=csv", _ => Csv(NewMd5())),
            new(true, w => w.TwoAnalyst, "POST", "/api/v1/banks/ONE_PRIVATE/import?format=csv", _ => Csv(NewMd5())),
            new(false, w => w.ForumModerator, "POST", "/api/v1/banks/FORUM_CRISIS/import?format=csv", _ => Csv(NewMd5())),
        ]),
        new("PATCH /api/v1/content/{x}",
        [
            new(true, w => w.OneAnalyst, "PATCH", "/api/v1/content/{forumItem}", _ => JsonBody("""{"labels":["content_type:image"]}""")),
            new(true, w => w.OneAdmin, "PATCH", "/api/v1/content/{forumItem}", _ => JsonBody("""{"status":"disabled"}""")),
            new(true, w => w.TwoAnalyst, "PATCH", "/api/v1/content/{oneItem}", _ => JsonBody("""{"status":"disabled"}""")),
            new(false, w => w.ForumModerator, "PATCH", "/api/v1/content/{forumItem}", _ => JsonBody("""{"status":"disabled"}""")),
        ]),
        new("PUT /api/v1/banks/{x}/sharing",
        [
            new(true, w => w.OneAdmin, "PUT", "/api/v1/banks/FORUM_CRISIS/sharing", _ => JsonBody("""{"private":true,"members":[]}""")),
            new(true, w => w.ForumAdmin, "PUT", "/api/v1/banks/ONE_SHARED/sharing", _ => JsonBody("""{"private":true,"members":[]}""")),
            new(true, w => w.TwoAdmin, "PUT", "/api/v1/banks/ONE_PRIVATE/sharing", _ => JsonBody("""{"private":false,"members":[]}""")),
            new(false, w => w.ForumModerator, "PUT", "/api/v1/banks/FORUM_CRISIS/sharing", _ => JsonBody("""{"private":true,"members":[]}""")),
        ]),
        new("POST /api/v1/taxonomy",
        [
            new(true, w => w.OneAnalyst, "POST", "/api/v1/taxonomy", _ => JsonBody("""{"label":"entity:not-theirs"}""")),
            new(false, w => w.ForumModerator, "POST", "/api/v1/taxonomy", _ => JsonBody("""{"label":"entity:not-theirs"}""")),
        ]),
        new("PATCH /api/v1/taxonomy/{x}",
        [
            new(true, w => w.OneAnalyst, "PATCH", "/api/v1/taxonomy/severity:crisis", _ => JsonBody("""{"active":false}""")),
            new(false, w => w.ForumModerator, "PATCH", "/api/v1/taxonomy/severity:crisis", _ => JsonBody("""{"active":false}""")),
        ]),
        new("POST /api/v1/contributions",
        [
            // Contributing to a visible bank is how other members act on it; to an unseen private bank, it does not exist.
            new(true, w => w.TwoAnalyst, "POST", "/api/v1/contributions", _ => JsonBody($$"""{"bank":"ONE_PRIVATE","signals":[{"signal_type":"md5","value":"{{NewMd5()}}"}]}""")),
            new(false, w => w.OneModerator, "POST", "/api/v1/contributions", _ => JsonBody($$"""{"bank":"ONE_PRIVATE","signals":[{"signal_type":"md5","value":"{{NewMd5()}}"}]}""")),
        ]),
        new("DELETE /api/v1/contributions/{x}",
        [
            new(true, w => w.TwoAnalyst, "DELETE", "/api/v1/contributions/{oneContribution}"),
            // Not even the bank's owner retracts another member's contribution.
            new(true, w => w.ForumAnalyst, "DELETE", "/api/v1/contributions/{oneContribution}"),
            new(false, w => w.OneModerator, "DELETE", "/api/v1/contributions/{oneContribution}"),
        ]),
        new("PUT /api/v1/content/{x}/opinion",
        [
            new(true, w => w.TwoAnalyst, "PUT", "/api/v1/content/{oneItem}/opinion", _ => JsonBody("""{"opinion":"disagree"}""")),
            new(false, w => w.ForumAuditor, "PUT", "/api/v1/content/{forumItem}/opinion", _ => JsonBody("""{"opinion":"disagree"}""")),
        ]),
        new("POST /api/v1/quarantine/{x}",
        [
            new(true, w => w.OneAnalyst, "POST", "/api/v1/quarantine/{case}", _ => JsonBody("""{"decision":"disable"}""")),
            new(false, w => w.ForumModerator, "POST", "/api/v1/quarantine/{case}", _ => JsonBody("""{"decision":"disable"}""")),
        ]),
        new("POST /api/v1/exchange/match-reports",
        [
            // A node's reports about items its organisation cannot see are ignored: answered, counted for nothing.
            new(true, w => w.TwoAnalyst with { Key = w.TwoNode }, "POST", "/api/v1/exchange/match-reports", _ => JsonBody("""{"items":[{"content_id":"{oneItem}","matches":50}]}"""), Ignored: true),
            // A person's role key of the owner, however curating its role, is no node key.
            new(false, w => w.OneAnalyst, "POST", "/api/v1/exchange/match-reports", _ => JsonBody("""{"items":[{"content_id":"{oneItem}","matches":50}]}""")),
            new(false, w => w.ForumAuditor, "POST", "/api/v1/exchange/match-reports", _ => JsonBody("""{"items":[{"content_id":"{forumItem}","matches":50}]}""")),
        ]),

        // The pages.
        new("POST /banks",
        [
            new(false, w => w.ForumModerator, "POST", "/banks", Form: _ => new() { ["Name"] = "P" + NewMd5()[..12] }),
        ], Why: "a bank is created for the signed-in person's own organisation"),
        new("POST /banks/{x}?handler=Add",
        [
            new(true, w => w.OneAnalyst, "POST", "/banks/{forumBank}?handler=Add", Form: _ => new() { ["SignalType"] = "md5", ["SignalValue"] = NewMd5() }),
            new(true, w => w.TwoAnalyst, "POST", "/banks/{oneBank}?handler=Add", Form: _ => new() { ["SignalType"] = "md5", ["SignalValue"] = NewMd5() }),
            new(false, w => w.ForumModerator, "POST", "/banks/{forumBank}?handler=Add", Form: _ => new() { ["SignalType"] = "md5", ["SignalValue"] = NewMd5() }),
        ]),
        new("POST /banks/{x}?handler=Enabled",
        [
            new(true, w => w.OneAnalyst, "POST", "/banks/{forumBank}?handler=Enabled", Form: _ => new() { ["Enabled"] = "false", ["Confirmed"] = "true" }),
            new(true, w => w.OneAnalyst, "POST", "/banks/{forumBank}?handler=Enabled", Form: _ => new() { ["Enabled"] = "false" }),
            new(true, w => w.ForumAdmin, "POST", "/banks/{oneSharedBank}?handler=Enabled", Form: _ => new() { ["Enabled"] = "false", ["Confirmed"] = "true" }),
            new(false, w => w.ForumModerator, "POST", "/banks/{forumBank}?handler=Enabled", Form: _ => new() { ["Enabled"] = "false", ["Confirmed"] = "true" }),
        ]),
        new("POST /banks/{x}?handler=Undo",
        [
            new(true, w => w.OneAnalyst, "POST", "/banks/{disabledBank}?handler=Undo", Form: w => new() { ["Entry"] = w.DisableEntry.ToString() }),
            new(false, w => w.ForumModerator, "POST", "/banks/{disabledBank}?handler=Undo", Form: w => new() { ["Entry"] = w.DisableEntry.ToString() }),
        ]),
        new("POST /banks/{x}?handler=Sharing",
        [
            new(true, w => w.OneAdmin, "POST", "/banks/{forumBank}?handler=Sharing", Form: _ => new() { ["Private"] = "true" }),
            new(true, w => w.ForumAdmin, "POST", "/banks/{oneSharedBank}?handler=Sharing", Form: _ => new() { ["Private"] = "true" }),
            new(false, w => w.ForumModerator, "POST", "/banks/{forumBank}?handler=Sharing", Form: _ => new() { ["Private"] = "true" }),
        ]),
        new("POST /banks/{x}?handler=Import",
        [
            new(true, w => w.OneAnalyst, "POST", "/banks/{forumBank}?handler=Import", Form: _ => new() { ["ImportFormat"] = "csv" }),
            new(false, w => w.ForumModerator, "POST", "/banks/{forumBank}?handler=Import", Form: _ => new() { ["ImportFormat"] = "csv" }),
        ]),
        new("POST /content/{x}",
        [
            new(true, w => w.TwoAnalyst, "POST", "/content/{forumItem}", Form: _ => new() { ["Status"] = "enabled", ["Labels"] = "content_type:image" }),
            new(true, w => w.TwoAnalyst, "POST", "/content/{oneItem}", Form: _ => new() { ["Status"] = "disabled" }),
            new(false, w => w.ForumModerator, "POST", "/content/{forumItem}", Form: _ => new() { ["Status"] = "disabled" }),
        ]),
        new("POST /taxonomy",
        [
            new(true, w => w.OneAnalyst, "POST", "/taxonomy", Form: _ => new() { ["Label"] = "entity:not-theirs" }),
            new(false, w => w.ForumModerator, "POST", "/taxonomy", Form: _ => new() { ["Label"] = "entity:not-theirs" }),
        ]),
        new("POST /taxonomy?handler=Active",
        [
            new(true, w => w.OneAnalyst, "POST", "/taxonomy?handler=Active", Form: _ => new() { ["Label"] = "severity:crisis", ["Active"] = "false", ["Confirmed"] = "true" }),
            new(false, w => w.ForumModerator, "POST", "/taxonomy?handler=Active", Form: _ => new() { ["Label"] = "severity:crisis", ["Active"] = "false", ["Confirmed"] = "true" }),
        ]),
        new("POST /contribute",
        [
            new(true, w => w.TwoAnalyst, "POST", "/contribute", Form: w => new() { ["Bank"] = w.OneBank.ToString(), ["SignalType"] = "md5", ["SignalValue"] = NewMd5(), ["FromFile"] = "0" }),
            new(false, w => w.OneModerator, "POST", "/contribute", Form: w => new() { ["Bank"] = w.OneBank.ToString(), ["SignalType"] = "md5", ["SignalValue"] = NewMd5(), ["FromFile"] = "0" }),
        ]),
        new("POST /shared/{x}?handler=Opinion",
        [
            new(true, w => w.TwoAnalyst, "POST", "/shared/{oneItem}?handler=Opinion", Form: _ => new() { ["opinion"] = "disagree" }),
            new(false, w => w.ForumAuditor, "POST", "/shared/{forumItem}?handler=Opinion", Form: _ => new() { ["opinion"] = "disagree" }),
        ]),
        new("POST /shared/{x}?handler=Retract",
        [
            new(true, w => w.TwoAnalyst, "POST", "/shared/{forumItem}?handler=Retract", Form: w => new() { ["contribution"] = w.OneContribution.ToString() }),
            new(true, w => w.ForumAnalyst, "POST", "/shared/{forumItem}?handler=Retract", Form: w => new() { ["contribution"] = w.OneContribution.ToString() }),
            new(false, w => w.OneModerator, "POST", "/shared/{forumItem}?handler=Retract", Form: w => new() { ["contribution"] = w.OneContribution.ToString() }),
        ]),
        new("POST /quarantine",
        [
            new(true, w => w.OneAnalyst, "POST", "/quarantine", Form: w => new() { ["caseId"] = w.QuarantineCase.ToString(), ["decision"] = "disable" }),
            new(false, w => w.ForumModerator, "POST", "/quarantine", Form: w => new() { ["caseId"] = w.QuarantineCase.ToString(), ["decision"] = "disable" }),
        ]),
        new("POST /organisations",
        [
            new(true, w => w.OneAdmin, "POST", "/organisations", Form: _ => new() { ["Name"] = "O" + NewMd5(), ["Kind"] = "platform" }),
            new(false, w => w.ForumAnalyst, "POST", "/organisations", Form: _ => new() { ["Name"] = "O" + NewMd5(), ["Kind"] = "platform" }),
        ]),
        new("POST /organisations/{x}?handler=Key",
        [
            new(true, w => w.TwoAdmin, "POST", "/organisations/{one}?handler=Key", Form: _ => new() { ["KeyName"] = "k", ["Role"] = Roles.Analyst }),
            new(false, w => w.OneAnalyst, "POST", "/organisations/{one}?handler=Key", Form: _ => new() { ["KeyName"] = "k", ["Role"] = Roles.Analyst }),
        ]),
        new("POST /organisations/{x}?handler=Person",
        [
            new(true, w => w.TwoAdmin, "POST", "/organisations/{one}?handler=Person", Form: _ => new() { ["Email"] = $"{NewMd5()}@x.test", ["DisplayName"] = "X", ["Password"] = "long enough password", ["Role"] = Roles.Admin }),
            new(false, w => w.OneAnalyst, "POST", "/organisations/{one}?handler=Person", Form: _ => new() { ["Email"] = $"{NewMd5()}@x.test", ["DisplayName"] = "X", ["Password"] = "long enough password", ["Role"] = Roles.Admin }),
        ]),
        new("POST /organisations/{x}?handler=Rotate",
        [
            new(true, w => w.TwoAdmin, "POST", "/organisations/{one}?handler=Rotate", Form: w => new() { ["KeyId"] = w.OneKey.ToString() }),
            new(false, w => w.OneAnalyst, "POST", "/organisations/{one}?handler=Rotate", Form: w => new() { ["KeyId"] = w.OneKey.ToString() }),
        ]),
        new("POST /organisations/{x}?handler=Roles",
        [
            new(true, w => w.TwoAdmin, "POST", "/organisations/{one}?handler=Roles", Form: w => new() { ["PersonId"] = w.OnePerson.ToString(), ["PersonRoles"] = Roles.Admin }),
            new(false, w => w.OneAnalyst, "POST", "/organisations/{one}?handler=Roles", Form: w => new() { ["PersonId"] = w.OnePerson.ToString(), ["PersonRoles"] = Roles.Admin }),
        ]),
        new("POST /organisations/{x}?handler=Lock",
        [
            new(true, w => w.TwoAdmin, "POST", "/organisations/{one}?handler=Lock", Form: w => new() { ["PersonId"] = w.OnePerson.ToString() }),
            new(false, w => w.OneAnalyst, "POST", "/organisations/{one}?handler=Lock", Form: w => new() { ["PersonId"] = w.OnePerson.ToString() }),
        ]),
        new("POST /organisations/{x}?handler=Unlock",
        [
            new(true, w => w.TwoAdmin, "POST", "/organisations/{one}?handler=Unlock", Form: w => new() { ["PersonId"] = w.OnePerson.ToString() }),
            new(false, w => w.OneAnalyst, "POST", "/organisations/{one}?handler=Unlock", Form: w => new() { ["PersonId"] = w.OnePerson.ToString() }),
        ]),
        new("POST /organisations/{x}?handler=EndSessions",
        [
            new(true, w => w.TwoAdmin, "POST", "/organisations/{one}?handler=EndSessions", Form: w => new() { ["PersonId"] = w.OnePerson.ToString() }),
            new(false, w => w.OneAnalyst, "POST", "/organisations/{one}?handler=EndSessions", Form: w => new() { ["PersonId"] = w.OnePerson.ToString() }),
        ]),
        new("POST /organisations/{x}?handler=ResetPassword",
        [
            new(true, w => w.TwoAdmin, "POST", "/organisations/{one}?handler=ResetPassword", Form: w => new() { ["PersonId"] = w.OnePerson.ToString() }),
            new(false, w => w.OneAnalyst, "POST", "/organisations/{one}?handler=ResetPassword", Form: w => new() { ["PersonId"] = w.OnePerson.ToString() }),
        ]),
        new("POST /organisations/{x}?handler=Remove",
        [
            new(true, w => w.TwoAdmin, "POST", "/organisations/{one}?handler=Remove", Form: w => new() { ["PersonId"] = w.OnePerson.ToString(), ["Confirmed"] = "true" }),
            new(false, w => w.OneAnalyst, "POST", "/organisations/{one}?handler=Remove", Form: w => new() { ["PersonId"] = w.OnePerson.ToString(), ["Confirmed"] = "true" }),
        ]),
        new("POST /organisations/{x}?handler=Revoke",
        [
            new(true, w => w.TwoAdmin, "POST", "/organisations/{one}?handler=Revoke", Form: w => new() { ["KeyId"] = w.OneKey.ToString() }),
            new(false, w => w.OneAnalyst, "POST", "/organisations/{one}?handler=Revoke", Form: w => new() { ["KeyId"] = w.OneKey.ToString() }),
        ]),
    ];

    /// <summary>Write endpoints that change nothing another organisation owns, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> Exempt = new Dictionary<string, string>
    {
        ["POST /api/v1/match"] = "a look-up: stores nothing",
        ["POST /api/v1/hash"] = "hashes an upload in memory: stores nothing",
        ["POST /contribute?handler=Hash"] = "hashes an upload in memory for the form: stores nothing",
        ["POST /account?handler=Enable"] = "acts only on the signed-in person's own account",
        ["POST /account?handler=Disable"] = "acts only on the signed-in person's own account",
        ["POST /signin"] = "signing in: no organisation's data",
        ["POST /signin/code"] = "signing in: no organisation's data",
        ["POST /signin?handler=Choose"] = "a person choosing their own new password with the one-time token: no organisation's data",
        ["POST /signout"] = "ends the caller's own session",
        ["POST /error/{x}"] = "renders the error page of a failed request (re-executed with its method): stores nothing",
    };

    /// <summary>Every write endpoint key that has a case or an exemption, for the guard test.</summary>
    public static IReadOnlySet<string> CoveredEndpoints() =>
        Cases().Where(c => c.Attempts.Any(a => a.AnotherOrganisation) || c.Why is not null)
            .Where(c => c.Attempts.Any(a => !a.AnotherOrganisation) || c.Why is not null)
            .Select(c => c.Endpoint).Concat(Exempt.Keys).ToHashSet();

    public static async Task<World> StartWorldAsync(string provider)
    {
        var server = await TestServer.StartAsync(provider);
        var forum = await server.CreateOrgAsync(OrganisationKinds.Forum, "The Forum");
        var one = await server.CreateOrgAsync(OrganisationKinds.Platform, "Platform One");
        var two = await server.CreateOrgAsync(OrganisationKinds.Platform, "Platform Two");
        async Task<Caller> CallerAsync(Organisation org, string role)
        {
            var key = server.WithKey(await server.CreateKeyAsync(org.Id, role));
            var (_, email) = await server.CreatePersonAsync(org.Id, role);
            return new Caller($"{role} of {org.Name}", key, await server.SignInAsync(email, TestServer.Password));
        }
        var forumAdmin = await CallerAsync(forum, Roles.Admin);
        var forumAnalyst = await CallerAsync(forum, Roles.Analyst);
        var oneAnalyst = await CallerAsync(one, Roles.Analyst);

        async Task<Guid> BankAsync(Caller owner, string name, bool shared)
        {
            var response = await owner.Key.PostAsJsonAsync("/api/v1/banks", new { name, @private = !shared });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<BankDto>(Turntide.Testing.Json.Options))!.Id;
        }
        async Task<Guid> ItemAsync(Caller curator, string bank, string type, string value)
        {
            var response = await curator.Key.PostAsJsonAsync($"/api/v1/banks/{bank}/content",
                new { signals = new[] { new { signal_type = type, value } }, labels = new[] { "severity:crisis", "content_type:image" } });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<BankContentDto>(Turntide.Testing.Json.Options))!.Id;
        }
        var forumBank = await BankAsync(forumAnalyst, "FORUM_CRISIS", shared: true);
        var forumItem = await ItemAsync(forumAnalyst, "FORUM_CRISIS", "pdq", Pdq);
        var contributed = await oneAnalyst.Key.PostAsJsonAsync("/api/v1/contributions",
            new { bank = "FORUM_CRISIS", signals = new[] { new { signal_type = "pdq", value = Pdq } }, labels = new[] { "behaviour:recruitment" } });
        Assert.Equal(HttpStatusCode.OK, contributed.StatusCode);
        var oneContribution = (await contributed.Content.ReadFromJsonAsync<ContributionResult>(Turntide.Testing.Json.Options))!.Contribution.Id;
        var questioned = await ItemAsync(forumAnalyst, "FORUM_CRISIS", "md5", NewMd5());
        var disabledBank = await BankAsync(forumAnalyst, "FORUM_RETIRED", shared: true);
        Assert.Equal(HttpStatusCode.OK, (await forumAdmin.Key.PatchAsJsonAsync("/api/v1/banks/FORUM_RETIRED", new { enabled = false })).StatusCode);
        var oneBank = await BankAsync(oneAnalyst, "ONE_PRIVATE", shared: false);
        var oneItem = await ItemAsync(oneAnalyst, "ONE_PRIVATE", "md5", NewMd5());
        var oneSharedBank = await BankAsync(oneAnalyst, "ONE_SHARED", shared: true);
        await ItemAsync(oneAnalyst, "ONE_SHARED", "md5", NewMd5());

        var (caseId, disableEntry, oneKey) = await server.InScopeAsync(async s =>
        {
            await s.GetRequiredService<OpinionService>().QuarantineAsync(TestServer.Operator, questioned, "members disagree");
            var db = s.GetRequiredService<TurntideDb>();
            var id = disabledBank.ToString();
            return (await db.QuarantineCases.Where(q => q.ContentId == questioned).Select(q => q.Id).SingleAsync(),
                await db.AuditEntries.Where(a => a.EntityType == "bank" && a.EntityId == id && a.Action == "bank.disable").Select(a => a.Sequence).SingleAsync(),
                await db.ApiKeys.Where(k => k.OrganisationId == one.Id).OrderBy(k => k.CreatedAt).Select(k => k.Id).FirstAsync());
        });
        return new World
        {
            Server = server, Forum = forum.Id, One = one.Id, Two = two.Id,
            ForumAdmin = forumAdmin, ForumAnalyst = forumAnalyst,
            ForumModerator = await CallerAsync(forum, Roles.Moderator), ForumAuditor = await CallerAsync(forum, Roles.Auditor),
            OneAdmin = await CallerAsync(one, Roles.Admin), OneAnalyst = oneAnalyst, OneModerator = await CallerAsync(one, Roles.Moderator),
            TwoAdmin = await CallerAsync(two, Roles.Admin), TwoAnalyst = await CallerAsync(two, Roles.Analyst),
            TwoNode = server.WithKey(await server.CreateKeyAsync(two.Id, Roles.Analyst, "node sync", KeyScopes.Node)),
            ForumBank = forumBank, ForumItem = forumItem, DisabledBank = disabledBank, DisableEntry = disableEntry,
            OneBank = oneBank, OneItem = oneItem, OneSharedBank = oneSharedBank, OneContribution = oneContribution,
            QuarantineCase = caseId, OneKey = oneKey, OnePerson = (await server.CreatePersonAsync(one.Id, Roles.Moderator)).Person.Id,
        };
    }

    private static string Fill(World w, string text) => text
        .Replace("{forumItem}", w.ForumItem.ToString()).Replace("{oneItem}", w.OneItem.ToString())
        .Replace("{forumBank}", w.ForumBank.ToString()).Replace("{oneBank}", w.OneBank.ToString())
        .Replace("{oneSharedBank}", w.OneSharedBank.ToString()).Replace("{disabledBank}", w.DisabledBank.ToString())
        .Replace("{oneContribution}", w.OneContribution.ToString()).Replace("{case}", w.QuarantineCase.ToString())
        .Replace("{one}", w.One.ToString());

    private static readonly JsonSerializerOptions SnapshotJson = new() { IncludeFields = true };

    /// <summary>Everything an attempt could change: the stored rows, the catalog's view of every bank and item, the audit log's length and head.</summary>
    public static Task<string> SnapshotAsync(World w) => w.Server.InScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TurntideDb>();
        var catalog = w.Server.Catalog;
        var bankIds = await db.Banks.Select(b => b.Id).OrderBy(b => b).ToListAsync();
        var contentIds = await db.Contents.Select(c => c.Id).OrderBy(c => c).ToListAsync();
        var state = new
        {
            Banks = await db.Banks.AsNoTracking().OrderBy(b => b.Id).ToListAsync(),
            Members = await db.BankMembers.AsNoTracking().OrderBy(m => m.BankId).ThenBy(m => m.OrganisationId).ToListAsync(),
            Contents = await db.Contents.AsNoTracking().OrderBy(c => c.Id).ToListAsync(),
            Signals = await db.Signals.AsNoTracking().OrderBy(x => x.Id).Select(x => new { x.Id, x.ContentId, x.SignalType, x.Value }).ToListAsync(),
            Labels = await db.Labels.AsNoTracking().OrderBy(l => l.ContentId).ThenBy(l => l.Label).ToListAsync(),
            Contributions = await db.Contributions.AsNoTracking().OrderBy(c => c.Id).ToListAsync(),
            Opinions = await db.Opinions.AsNoTracking().OrderBy(o => o.Id).ToListAsync(),
            Cases = await db.QuarantineCases.AsNoTracking().OrderBy(q => q.Id).ToListAsync(),
            Terms = await db.TaxonomyTerms.AsNoTracking().OrderBy(t => t.Label).ToListAsync(),
            Floods = await db.MatchFloodCounts.AsNoTracking().OrderBy(f => f.ContentId).ThenBy(f => f.OrganisationId).ThenBy(f => f.Minute).ToListAsync(),
            Organisations = await db.Organisations.AsNoTracking().OrderBy(o => o.Id).ToListAsync(),
            // Not LastUsedAt: every call with a key sets it.
            Keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => new { k.Id, k.Name, k.Role, k.OrganisationId, k.RevokedAt, k.ExpiresAt, k.Scope }).ToListAsync(),
            People = await db.Users.AsNoTracking().OrderBy(p => p.Id).Select(p => new { p.Id, p.Email, p.OrganisationId, p.LockoutEnd, p.PasswordHash, p.SecurityStamp, p.PasswordResetExpiresAt }).ToListAsync(),
            PersonRoles = await db.UserRoles.AsNoTracking().OrderBy(r => r.UserId).ThenBy(r => r.RoleId).Select(r => new { r.UserId, r.RoleId }).ToListAsync(),
            CatalogBanks = bankIds.Select(id => catalog.TryGetBank(id, out var b) ? b with { } : null).ToList(),
            CatalogMembers = bankIds.Select(id => catalog.TryGetBank(id, out var b) ? b.Members : null).ToList(),
            CatalogContents = contentIds.Select(id => catalog.TryGetContent(id, out var c) ? c : null).ToList(),
            catalog.SignalCount,
            AuditCount = await db.AuditEntries.CountAsync(),
            AuditHead = await db.AuditEntries.OrderByDescending(a => a.Sequence).Select(a => a.Hash).FirstOrDefaultAsync(),
        };
        return JsonSerializer.Serialize(state, SnapshotJson);
    });

    private static async Task<HttpResponseMessage> SendAsync(World w, Attempt a)
    {
        var path = Fill(w, a.Path);
        var who = a.Who(w);
        if (a.IsPage)
            return await TestServer.PostFormAsync(who.Session, path, a.Form!(w), pageForToken: "/denied");
        using var request = new HttpRequestMessage(new HttpMethod(a.Method), path);
        if (a.Body?.Invoke(w) is { } body)
        {
            if (body is StringContent text && text.Headers.ContentType?.MediaType == "application/json")
                body = JsonBody(Fill(w, await text.ReadAsStringAsync()));
            request.Content = body;
        }
        return await who.Key.SendAsync(request);
    }

    private static bool Refused(Attempt a, HttpResponseMessage response)
    {
        if (a.Ignored)
            return response.StatusCode == HttpStatusCode.OK;
        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            return true;
        // A page's refusal of a signed-in person is the "denied" page.
        return a.IsPage && response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.ToString().Contains("/denied") == true;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task EveryWriteRefusesAnotherOrganisationsRightRoleAndTheOwnersWrongRoleAndChangesNothing(string provider)
    {
        await using var world = await StartWorldAsync(provider);
        var failures = new List<string>();
        foreach (var c in Cases())
        {
            foreach (var a in c.Attempts)
            {
                var before = await SnapshotAsync(world);
                using var response = await SendAsync(world, a);
                var after = await SnapshotAsync(world);
                var what = $"{c.Endpoint} as {a.Who(world)} ({(a.AnotherOrganisation ? "another organisation" : "the owner's wrong role")}) {Fill(world, a.Path)}";
                if (!Refused(a, response))
                    failures.Add($"{what}: {(int)response.StatusCode} {response.Headers.Location} {Shorten(await response.Content.ReadAsStringAsync())}");
                if (before != after)
                    failures.Add($"{what}: changed the stored state, the catalog or the audit log");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheBanksCuratorsStillMayDoWhatOthersMayNot(string provider)
    {
        // The same requests that are refused above succeed for the owner's analyst, so the refusals are about ownership.
        await using var world = await StartWorldAsync(provider);
        Assert.Equal(HttpStatusCode.OK, (await world.ForumAnalyst.Key.PatchAsJsonAsync($"/api/v1/content/{world.ForumItem}",
            new { labels = new[] { "content_type:image" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await world.OneAnalyst.Key.PatchAsJsonAsync("/api/v1/banks/ONE_SHARED", new { enabled = false })).StatusCode);
        // The forum's admin curates a bank of the forum's that someone else in the forum created.
        Assert.Equal(HttpStatusCode.OK, (await world.ForumAdmin.Key.PatchAsJsonAsync("/api/v1/banks/FORUM_CRISIS", new { enabled = false })).StatusCode);
        var bank = await world.OneAnalyst.Key.GetFromJsonAsync<List<BankDto>>("/api/v1/banks", Turntide.Testing.Json.Options);
        Assert.False(bank!.Single(b => b.Name == "FORUM_CRISIS").Enabled);
        Assert.True(world.Server.Catalog.TryGetBank(world.ForumBank, out var inCatalog) && !inCatalog.Enabled);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ABankIsCreatedForTheCallersOwnOrganisationWhateverTheRequestSays(string provider)
    {
        await using var world = await StartWorldAsync(provider);
        var response = await world.OneAnalyst.Key.PostAsJsonAsync("/api/v1/banks",
            new { name = "ONE_CLAIMS_FORUM", owner_organisation_id = world.Forum, ownerOrganisationId = world.Forum });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var bank = (await response.Content.ReadFromJsonAsync<BankDto>(Turntide.Testing.Json.Options))!;
        Assert.Equal(world.One, bank.OwnerOrganisationId);
        // So the forum's own analyst cannot curate it, and Platform One's can.
        Assert.Equal(HttpStatusCode.NotFound, (await world.ForumAnalyst.Key.PatchAsJsonAsync("/api/v1/banks/ONE_CLAIMS_FORUM", new { enabled = false })).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ANewBankIsPrivateToItsOwnerUntilItIsSharedOnPurpose(string provider)
    {
        await using var world = await StartWorldAsync(provider);
        Assert.Equal(HttpStatusCode.Created, (await world.OneAnalyst.Key.PostAsJsonAsync("/api/v1/banks", new { name = "ONE_NEW" })).StatusCode);
        var md5 = NewMd5();
        Assert.Equal(HttpStatusCode.Created, (await world.OneAnalyst.Key.PostAsJsonAsync("/api/v1/banks/ONE_NEW/content",
            new { signals = new[] { new { signal_type = "md5", value = md5 } } })).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await world.TwoAnalyst.Key.GetAsync("/api/v1/banks/ONE_NEW/content")).StatusCode);
        Assert.DoesNotContain(await world.TwoAnalyst.Key.GetFromJsonAsync<List<BankDto>>("/api/v1/banks", Turntide.Testing.Json.Options) ?? [], b => b.Name == "ONE_NEW");
        Assert.Contains(await world.OneAnalyst.Key.GetFromJsonAsync<List<BankDto>>("/api/v1/banks", Turntide.Testing.Json.Options) ?? [], b => b.Name == "ONE_NEW");
        Assert.Empty(await MatchesAsync(world.TwoAnalyst, md5));
        Assert.Single(await MatchesAsync(world.OneAnalyst, md5));
        Assert.Contains("Private: seen only by its owner, Platform One, and the members named on it: none.",
            await world.OneAnalyst.Session.GetStringAsync($"/banks/{(await BankIdAsync(world, "ONE_NEW"))}"));

        Assert.Equal(HttpStatusCode.OK, (await world.OneAnalyst.Key.PutAsJsonAsync("/api/v1/banks/ONE_NEW/sharing", new { @private = false, members = Array.Empty<Guid>() })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await world.TwoAnalyst.Key.GetAsync("/api/v1/banks/ONE_NEW/content")).StatusCode);
        Assert.Single(await MatchesAsync(world.TwoAnalyst, md5));

        // Shared at creation, on purpose: every member sees it at once.
        Assert.Equal(HttpStatusCode.Created, (await world.OneAnalyst.Key.PostAsJsonAsync("/api/v1/banks", new { name = "ONE_OPEN", @private = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await world.TwoAnalyst.Key.GetAsync("/api/v1/banks/ONE_OPEN/content")).StatusCode);
    }

    private static async Task<Guid> BankIdAsync(World w, string name) =>
        await w.Server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Banks.Where(b => b.Name == name).Select(b => b.Id).SingleAsync());

    private static async Task<List<Features.Matching.MatchDto>> MatchesAsync(Caller caller, string md5) =>
        [.. (await caller.Key.GetFromJsonAsync<Features.Matching.MatchResponse>($"/api/v1/match?signal_type=md5&signal={md5}", Turntide.Testing.Json.Options))!.Matches];

    private static string Shorten(string s) => s.Length > 300 ? s[..300] + "..." : s;
}

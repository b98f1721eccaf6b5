using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Members;

/// <summary>
/// Every endpoint and page against every role, every organisation kind and an anonymous caller. The expected
/// rules are written out here, apart from the policies, so a policy that drifts fails a test.
/// </summary>
public sealed class AuthorizationTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    private static readonly string[] BankKinds = [OrganisationKinds.Forum, OrganisationKinds.Platform];

    private static bool Matches(AccessFixture.Principal p) =>
        BankKinds.Contains(p.Kind) && p.Role is Roles.Admin or Roles.Analyst or Roles.Moderator;

    private static bool Curates(AccessFixture.Principal p) =>
        BankKinds.Contains(p.Kind) && p.Role is Roles.Admin or Roles.Analyst;

    /// <summary>
    /// The ACCESS bank's curators: it is the forum admin's organisation's, and no other principal here is of that
    /// organisation (each has its own), so every other curating role is refused by ownership (see OwnershipTests).
    /// </summary>
    private static bool CuratesAccess(AccessFixture.Principal p) => p.Kind == OrganisationKinds.Forum && p.Role == Roles.Admin;

    private static bool ReadsAudit(AccessFixture.Principal p) =>
        p.Role == Roles.Auditor || (p.Kind == OrganisationKinds.Forum && p.Role == Roles.Admin);

    /// <summary>The forum operator's admins and analysts: the taxonomy and the quarantine queue.</summary>
    private static bool ManagesTaxonomy(AccessFixture.Principal p) =>
        p.Kind == OrganisationKinds.Forum && p.Role is Roles.Admin or Roles.Analyst;

    private static readonly Guid NoSuchId = new("00000000-0000-7000-8000-00000000c0de");

    private sealed record ApiCase(string Method, string Path, Func<HttpContent?> Body, Func<AccessFixture.Principal, bool> Allowed);

    private IEnumerable<ApiCase> ApiCases()
    {
        var md5 = new string('c', 32);
        HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");
        HttpContent File()
        {
            var form = new MultipartFormDataContent();
            form.Add(new ByteArrayContent("not an image"u8.ToArray()), "file", "a.txt");
            return form;
        }
        yield return new("GET", $"/api/v1/match?signal_type=md5&signal={md5}", () => null, Matches);
        yield return new("POST", "/api/v1/match", () => Json($$"""{"signals":[{"signal_type":"md5","signal":"{{md5}}"}]}"""), Matches);
        yield return new("POST", "/api/v1/hash", File, Matches);
        yield return new("GET", "/api/v1/retroactive-matches", () => null, Matches);
        yield return new("GET", "/api/v1/banks", () => null, Matches);
        yield return new("POST", "/api/v1/banks", () => Json($$"""{"name":"B{{Guid.NewGuid():n}}"}"""), Curates);
        yield return new("PATCH", "/api/v1/banks/ACCESS", () => Json("""{"enabled":true}"""), CuratesAccess);
        yield return new("GET", "/api/v1/banks/ACCESS/content", () => null, Matches);
        yield return new("POST", "/api/v1/banks/ACCESS/content", () => Json($$"""{"signals":[{"signal_type":"md5","value":"{{Guid.NewGuid():n}}"}]}"""), CuratesAccess);
        yield return new("POST", "/api/v1/banks/ACCESS/import?format=csv", () => new StringContent($"signal_type,signal,labels,note\r\nmd5,{Guid.NewGuid():n},,\r\n", Encoding.UTF8, "text/csv"), CuratesAccess);
        yield return new("GET", "/api/v1/banks/ACCESS/export?format=jsonl", () => null, Matches);
        yield return new("GET", $"/api/v1/content/{fixture.ContentId}", () => null, Matches);
        yield return new("PATCH", $"/api/v1/content/{fixture.ContentId}", () => Json("""{"note":"checked"}"""), CuratesAccess);
        yield return new("GET", "/api/v1/taxonomy", () => null, Matches);
        yield return new("POST", "/api/v1/taxonomy", () => Json($$"""{"label":"entity:g{{Guid.NewGuid():n}}"}"""), ManagesTaxonomy);
        yield return new("PATCH", "/api/v1/taxonomy/behaviour:threat", () => Json($$"""{"description":"d{{Guid.NewGuid():n}}"}"""), ManagesTaxonomy);
        yield return new("POST", "/api/v1/contributions", () => Json($$"""{"bank":"ACCESS","signals":[{"signal_type":"md5","value":"{{Guid.NewGuid():n}}"}],"labels":["severity:crisis"]}"""), Curates);
        // No such contribution: a role the policy lets through gets 404, any other 403.
        yield return new("DELETE", $"/api/v1/contributions/{NoSuchId}", () => null, Curates);
        yield return new("GET", $"/api/v1/content/{fixture.ContentId}/contributions", () => null, Matches);
        yield return new("PUT", $"/api/v1/content/{fixture.ContentId}/opinion", () => Json("""{"opinion":"agree","note":"seen"}"""), Matches);
        yield return new("GET", $"/api/v1/content/{fixture.ContentId}/opinions", () => null, Matches);
        yield return new("GET", "/api/v1/quarantine", () => null, ManagesTaxonomy);
        yield return new("POST", $"/api/v1/quarantine/{NoSuchId}", () => Json("""{"decision":"restore"}"""), ManagesTaxonomy);
        yield return new("GET", "/api/v1/exchange/updates?limit=5", () => null, Matches);
        yield return new("GET", "/api/v1/exchange/stream", () => null, Matches);
        yield return new("GET", "/api/v1/exchange/snapshot", () => null, Matches);
        // Only a node key reports match counts; the fixture's keys carry their role's full rights and no scope
        // (node keys: ANodeKeyOfAMemberIsTheOnlyKeyThatSendsMatchReports).
        yield return new("POST", "/api/v1/exchange/match-reports", () => Json("""{"items":[]}"""), _ => false);
        yield return new("GET", "/api/v1/exchange/status", () => null, Matches);
        // No such bank: a role the policy lets through gets 404, any other 403.
        yield return new("PUT", "/api/v1/banks/NOSUCHBANK/sharing", () => Json("""{"private":false,"members":[]}"""), Curates);
        yield return new("GET", "/openapi/v1.json", () => null, _ => true);
        yield return new("GET", "/api/docs", () => null, _ => true);
    }

    [Fact]
    public async Task EveryApiEndpointRefusesEachWrongRoleAndAnonymousCallers()
    {
        var failures = new List<string>();
        foreach (var c in ApiCases())
        {
            using var anonymous = new HttpRequestMessage(new HttpMethod(c.Method), c.Path) { Content = c.Body() };
            // Headers only: the push stream's body never ends.
            using var anon = await fixture.Server.Anonymous().SendAsync(anonymous, HttpCompletionOption.ResponseHeadersRead);
            if (anon.StatusCode != HttpStatusCode.Unauthorized && !(c.Path.StartsWith("/api/docs") || c.Path.StartsWith("/openapi")))
                failures.Add($"anonymous {c.Method} {c.Path}: {(int)anon.StatusCode}");
            if ((c.Path.StartsWith("/api/docs") || c.Path.StartsWith("/openapi")) && anon.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Unauthorized))
                failures.Add($"anonymous {c.Method} {c.Path}: {(int)anon.StatusCode}");
            foreach (var p in fixture.Principals)
            {
                using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path) { Content = c.Body() };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", p.Key);
                using var response = await fixture.Server.Anonymous().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                bool allowed = c.Allowed(p);
                bool refused = response.StatusCode == HttpStatusCode.Forbidden;
                if (allowed == refused || (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.Unauthorized)
                    failures.Add($"{p} {c.Method} {c.Path}: {(int)response.StatusCode}, expected {(allowed ? "allowed" : "403")}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task ANodeKeyOfAMemberIsTheOnlyKeyThatSendsMatchReports()
    {
        var failures = new List<string>();
        foreach (var p in fixture.Principals)
        {
            using var node = fixture.Server.WithKey(await fixture.Server.CreateKeyAsync(p.OrganisationId, p.Role, "node sync", KeyScopes.Node));
            using var response = await node.PostAsync("/api/v1/exchange/match-reports", new StringContent("""{"items":[]}""", Encoding.UTF8, "application/json"));
            var expected = Matches(p) ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
            if (response.StatusCode != expected)
                failures.Add($"node key {p}: {(int)response.StatusCode}, expected {(int)expected}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task TheApiDoesNotAcceptASignInCookie()
    {
        var admin = fixture.Principals.First(p => p.Kind == OrganisationKinds.Forum && p.Role == Roles.Admin);
        var response = await admin.Session.GetAsync("/api/v1/banks");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AWrongOrMalformedKeyIsRefusedWithAProblem()
    {
        var real = fixture.Principals.First(p => p.Role == Roles.Analyst).Key;
        foreach (var key in new[] { real[..^2] + "xx", "tt_nonexistent0_" + new string('a', 43), "garbage", real + "x" })
        {
            var response = await fixture.Server.WithKey(key).GetAsync("/api/v1/banks");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("API key", await response.Content.ReadAsStringAsync());
        }
    }

    /// <param name="Missing">The case names something that does not exist: an allowed role is answered 404.</param>
    private sealed record PageCase(string Method, string Path, Dictionary<string, string>? Form, Func<AccessFixture.Principal, bool> Allowed, bool Missing = false);

    private IEnumerable<PageCase> PageCases()
    {
        var own = (Guid org) => $"/organisations/{org}";
        yield return new("GET", "/", null, _ => true);
        yield return new("GET", "/account", null, _ => true);
        yield return new("GET", "/banks", null, Matches);
        yield return new("GET", $"/banks/{fixture.BankId}", null, Matches);
        yield return new("GET", "/search?q=severity", null, Matches);
        yield return new("GET", "/search?handler=Results&q=severity", null, Matches);
        yield return new("GET", $"/content/{fixture.ContentId}", null, Matches);
        yield return new("POST", "/banks", new() { ["Name"] = "P" + Guid.NewGuid().ToString("n")[..12] }, Curates);
        yield return new("POST", $"/banks/{fixture.BankId}?handler=Add", new() { ["SignalType"] = "md5", ["SignalValue"] = Guid.NewGuid().ToString("n") }, CuratesAccess);
        yield return new("POST", $"/banks/{fixture.BankId}?handler=Enabled", new() { ["Enabled"] = "true" }, CuratesAccess);
        // No such entry: a curator is told so on the page, anyone else is refused.
        yield return new("POST", $"/banks/{fixture.BankId}?handler=Undo", new() { ["Entry"] = "0" }, CuratesAccess);
        yield return new("POST", $"/banks/{fixture.BankId}?handler=Import", new() { ["ImportFormat"] = "csv" }, CuratesAccess);
        yield return new("GET", $"/banks/{fixture.BankId}?handler=Export&format=csv", null, Matches);
        yield return new("POST", $"/content/{fixture.ContentId}", new() { ["Status"] = "enabled", ["Note"] = "page" }, CuratesAccess);
        yield return new("GET", "/taxonomy", null, Matches);
        yield return new("GET", "/retroactive", null, Matches);
        yield return new("POST", "/taxonomy", new() { ["Label"] = "entity:p" + Guid.NewGuid().ToString("n")[..12], ["Description"] = "page" }, ManagesTaxonomy);
        yield return new("POST", "/taxonomy?handler=Active", new() { ["Label"] = "content_type:audio", ["Active"] = "true" }, ManagesTaxonomy);
        yield return new("POST", $"/banks/{fixture.BankId}?handler=Sharing", new() { ["Private"] = "false" },
            p => p.Kind == OrganisationKinds.Forum && p.Role == Roles.Admin); // the owner (the forum admin's organisation) or a forum admin
        yield return new("GET", "/contribute", null, Curates);
        yield return new("POST", "/contribute", new() { ["Bank"] = fixture.BankId.ToString(), ["SignalType"] = "md5", ["SignalValue"] = Guid.NewGuid().ToString("n"), ["FromFile"] = "0" }, Curates);
        yield return new("POST", "/contribute?handler=Hash", new() { ["x"] = "not a file" }, Curates);
        yield return new("GET", "/shared", null, Matches);
        yield return new("GET", "/shared?handler=Results&status=enabled", null, Matches);
        yield return new("GET", $"/shared/{fixture.ContentId}", null, Matches);
        yield return new("POST", $"/shared/{fixture.ContentId}?handler=Opinion", new() { ["opinion"] = "agree", ["note"] = "page" }, Matches);
        // No such contribution: a role allowed to retract is answered 404, any other is refused.
        yield return new("POST", $"/shared/{fixture.ContentId}?handler=Retract", new() { ["contribution"] = NoSuchId.ToString() }, Curates, Missing: true);
        yield return new("GET", "/quarantine", null, ManagesTaxonomy);
        yield return new("POST", "/quarantine", new() { ["caseId"] = NoSuchId.ToString(), ["decision"] = "restore" }, ManagesTaxonomy);
        yield return new("GET", "/organisations", null, p => p.Role == Roles.Admin);
        yield return new("POST", "/organisations", new() { ["Name"] = "O" + Guid.NewGuid().ToString("n"), ["Kind"] = "platform" },
            p => p.Role == Roles.Admin && p.Kind == OrganisationKinds.Forum);
        yield return new("GET", own(fixture.OtherOrganisationId), null, p => p.Role == Roles.Admin && p.Kind == OrganisationKinds.Forum);
        yield return new("POST", $"{own(fixture.OtherOrganisationId)}?handler=Key", new() { ["KeyName"] = "k", ["Role"] = Roles.Analyst },
            p => p.Role == Roles.Admin && p.Kind == OrganisationKinds.Forum);
        yield return new("POST", $"{own(fixture.OtherOrganisationId)}?handler=Person", new() { ["Email"] = $"{Guid.NewGuid():n}@x.test", ["DisplayName"] = "X", ["Password"] = "long enough password", ["Role"] = Roles.Moderator },
            p => p.Role == Roles.Admin && p.Kind == OrganisationKinds.Forum);
        // People and keys of another organisation: only the forum's admins manage them.
        bool forumAdmin(AccessFixture.Principal p) => p.Role == Roles.Admin && p.Kind == OrganisationKinds.Forum;
        var person = fixture.OtherPersonId.ToString();
        var key = fixture.OtherKeyId.ToString();
        yield return new("POST", $"{own(fixture.OtherOrganisationId)}?handler=Rotate", new() { ["KeyId"] = key }, forumAdmin);
        yield return new("POST", $"{own(fixture.OtherOrganisationId)}?handler=Revoke", new() { ["KeyId"] = key }, forumAdmin);
        yield return new("POST", $"{own(fixture.OtherOrganisationId)}?handler=Roles", new() { ["PersonId"] = person, ["PersonRoles"] = Roles.Moderator }, forumAdmin);
        yield return new("POST", $"{own(fixture.OtherOrganisationId)}?handler=Lock", new() { ["PersonId"] = person }, forumAdmin);
        yield return new("POST", $"{own(fixture.OtherOrganisationId)}?handler=Unlock", new() { ["PersonId"] = person }, forumAdmin);
        yield return new("POST", $"{own(fixture.OtherOrganisationId)}?handler=EndSessions", new() { ["PersonId"] = person }, forumAdmin);
        yield return new("POST", $"{own(fixture.OtherOrganisationId)}?handler=ResetPassword", new() { ["PersonId"] = person }, forumAdmin);
        yield return new("POST", $"{own(fixture.OtherOrganisationId)}?handler=Remove", new() { ["PersonId"] = person }, forumAdmin);
        yield return new("GET", "/audit", null, ReadsAudit);
        yield return new("GET", "/audit?handler=Verify", null, ReadsAudit);
    }

    [Fact]
    public async Task EveryPageRefusesEachWrongRoleAndSendsAnonymousCallersToSignIn()
    {
        var failures = new List<string>();
        foreach (var c in PageCases())
        {
            var anonymous = await SendAsync(fixture.Server.Anonymous(), c);
            if (anonymous.StatusCode != HttpStatusCode.Redirect || !anonymous.Headers.Location!.ToString().Contains("/signin"))
                failures.Add($"anonymous {c.Method} {c.Path}: {(int)anonymous.StatusCode} {anonymous.Headers.Location}");
            foreach (var p in fixture.Principals)
            {
                var response = await SendAsync(p.Session, c);
                bool refused = response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/denied");
                bool ok = ((int)response.StatusCode is >= 200 and < 400 || (c.Missing && response.StatusCode == HttpStatusCode.NotFound)) && !refused && !(response.Headers.Location?.ToString().Contains("/signin") ?? false);
                if (c.Allowed(p) ? !ok : !refused)
                    failures.Add($"{p} {c.Method} {c.Path}: {(int)response.StatusCode} {response.Headers.Location}, expected {(c.Allowed(p) ? "allowed" : "refused")}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task APlatformAdminManagesOnlyTheirOwnOrganisation()
    {
        var admin = fixture.Principals.First(p => p.Kind == OrganisationKinds.Platform && p.Role == Roles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.Session.GetAsync($"/organisations/{admin.OrganisationId}")).StatusCode);
        var list = await admin.Session.GetStringAsync("/organisations");
        Assert.Contains($"/organisations/{admin.OrganisationId}", list);
        Assert.DoesNotContain($"/organisations/{fixture.OtherOrganisationId}", list);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, PageCase c) =>
        c.Method == "GET"
            ? await client.GetAsync(c.Path)
            : await TestServer.PostFormAsync(client, c.Path, new Dictionary<string, string>(c.Form!), pageForToken: "/denied");

    /// <summary>
    /// Guards the tables above: a new endpoint without a rule, or without a case here, fails; and so does a write (an
    /// API POST, PUT, PATCH or DELETE, or a page's POST handler) without an ownership case in <see cref="OwnershipTests"/>.
    /// </summary>
    [Fact]
    public async Task EveryEndpointHasAnAuthorizationRuleAndACaseInTheseTests()
    {
        var ownership = OwnershipTests.CoveredEndpoints();
        var writes = await WriteEndpointsAsync();
        var ownershipFailures = writes.Where(w => !ownership.Contains(w)).Select(w => $"{w} writes but has no ownership case (another organisation, the owner's wrong role) in OwnershipTests")
            .Concat(OwnershipTests.Cases().Select(c => c.Endpoint).Concat(OwnershipTests.Exempt.Keys).Where(k => !writes.Contains(k)).Select(k => $"{k} has an ownership case but is no write endpoint"))
            .Concat(OwnershipTests.Cases().Where(c => !ownership.Contains(c.Endpoint)).Select(c => $"{c.Endpoint}: its ownership case lacks an attempt kind and says not why"))
            .ToList();
        var covered = ApiCases().Select(c => Normalize(c.Path)).Concat(PageCases().Select(c => Normalize(c.Path)))
            .Concat(["/health/live", "/health/ready", "/signin", "/signin/code", "/signout", "/denied", "/error/{x}"]).ToHashSet();
        var endpoints = fixture.Server.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        var failures = new List<string>();
        foreach (var e in endpoints)
        {
            var pattern = "/" + (e.RoutePattern.RawText ?? "").TrimStart('/');
            if (pattern.StartsWith("/api/docs") || pattern.Contains("{documentName}"))
                pattern = pattern.StartsWith("/api/docs") ? "/api/docs" : "/openapi/v1.json";
            bool anonymous = e.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            bool rule = e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0;
            if (!anonymous && !rule)
                failures.Add($"{e.DisplayName} ({pattern}) has no authorization rule");
            if (!covered.Contains(Generalize(pattern)))
                failures.Add($"{e.DisplayName} ({pattern}) has no case in the authorization tests");
        }
        failures.AddRange(ownershipFailures);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Every write the server answers, as "METHOD /route/{x}" (a page handler as "POST /route?handler=Name").</summary>
    private async Task<HashSet<string>> WriteEndpointsAsync()
    {
        var result = new HashSet<string>();
        var loader = fixture.Server.Service<PageLoader>();
        foreach (var e in fixture.Server.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = Generalize("/" + (e.RoutePattern.RawText ?? "").TrimStart('/'));
            if (e.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = page as CompiledPageActionDescriptor ?? await loader.LoadAsync(page, e.Metadata);
                foreach (var h in compiled.HandlerMethods.Where(h => string.Equals(h.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase)))
                    result.Add($"POST {pattern}{(string.IsNullOrEmpty(h.Name) ? "" : "?handler=" + h.Name)}");
                continue;
            }
            foreach (var method in e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                if (WriteMethods.Contains(method))
                    result.Add($"{method} {pattern}");
        }
        return result;
    }

    private string Normalize(string path) =>
        Generalize(path.Split('?')[0].Replace(fixture.BankId.ToString(), "{id}").Replace(fixture.ContentId.ToString(), "{id}")
            .Replace(fixture.OtherOrganisationId.ToString(), "{id}").Replace("/ACCESS", "/{bank}").Replace("/NOSUCHBANK/", "/{bank}/").Replace("/behaviour:threat", "/{label}").Replace(NoSuchId.ToString(), "{id}"));

    /// <summary>Route templates and concrete paths meet in one form: every parameter becomes {x}.</summary>
    private static string Generalize(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern.TrimEnd('/'), "\\{[^}]*\\}", "{x}") is { Length: > 0 } p ? p : "/";
}

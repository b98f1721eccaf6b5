using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Turntide.Server.Features.Members;
using Turntide.Server.Web;

namespace Turntide.Server.Tests.Web;

public sealed partial class SecurityHeadersTests
{
    [GeneratedRegex(@"https?://|//[a-z0-9.-]+\.[a-z]{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex AnyHost();

    [Fact]
    public async Task EveryPageSendsAPolicyThatAllowsOnlyThisServer()
    {
        await using var server = await TestServer.StartAsync();
        var session = await server.SignedInAsync(Roles.Admin, OrganisationKinds.Forum);
        foreach (var path in new[] { "/", "/banks", "/account", "/organisations" })
        {
            var response = await session.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Equal(WebExtensions.ContentSecurityPolicy, policy);
            Assert.StartsWith("default-src 'self';", policy);
            Assert.DoesNotMatch(AnyHost(), policy);
            Assert.DoesNotContain("*", policy);
            Assert.DoesNotContain("unsafe", policy);
        }
        var signIn = await server.Anonymous().GetAsync("/signin");
        Assert.Equal(WebExtensions.ContentSecurityPolicy, signIn.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task TheApiReferenceHasItsOwnNonceAndNoThirdPartyHostOrFeature()
    {
        await using var server = await TestServer.StartAsync();
        var session = await server.SignedInAsync(Roles.Analyst);
        var nonces = new HashSet<string>();
        for (int i = 0; i < 2; i++)
        {
            var response = await session.GetAsync("/api/docs/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.StartsWith("default-src 'self';", policy);
            Assert.DoesNotMatch(AnyHost(), policy);
            var nonce = Regex.Match(policy, "script-src 'self' 'nonce-([A-Za-z0-9_-]+)'").Groups[1].Value;
            Assert.NotEmpty(nonce);
            nonces.Add(nonce);
            var html = await response.Content.ReadAsStringAsync();
            var scripts = Regex.Matches(html, "<script[^>]*>");
            Assert.NotEmpty(scripts);
            Assert.All(scripts, s => Assert.Contains($"nonce=\"{nonce}\"", s.Value));
            Assert.DoesNotMatch(AnyHost(), html);
            // The reference's configuration: no CDN fonts, no AI chat or MCP, no telemetry, no toolbar, no SDK button.
            var config = JsonDocument.Parse(Regex.Match(html, @"(\{""withDefaultFonts"".*\}),\s*\n").Groups[1].Value).RootElement;
            Assert.False(config.GetProperty("withDefaultFonts").GetBoolean());
            Assert.False(config.GetProperty("telemetry").GetBoolean());
            Assert.True(config.GetProperty("agent").GetProperty("disabled").GetBoolean());
            Assert.True(config.GetProperty("mcp").GetProperty("disabled").GetBoolean());
            Assert.Equal("never", config.GetProperty("showDeveloperTools").GetString());
            Assert.True(config.GetProperty("hideClientButton").GetBoolean());
        }
        Assert.Equal(2, nonces.Count);
    }

    [Fact]
    public async Task TheOpenApiDocumentShowsTheKeyFormat()
    {
        await using var server = await TestServer.StartAsync();
        var api = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst));
        var document = JsonDocument.Parse(await api.GetStringAsync("/openapi/v1.json")).RootElement;
        var intro = document.GetProperty("info").GetProperty("description").GetString()!;
        Assert.Contains("`Authorization: Bearer tt_...`", intro);
        Assert.DoesNotContain("<", intro);
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("description").GetString()!;
        Assert.Contains("`tt_`", scheme);
    }

    [Fact]
    public async Task AnUploadFarPastTheLimitIsTooLargeNotMalformed()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Turntide:MaxUploadBytes"] = "4096" });
        var api = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst));
        // Far past the file limit, the server's body limit stops the read; a large part before the file does too.
        var far = new MultipartFormDataContent { { new ByteArrayContent(new byte[300_000]), "file", "far.bin" } };
        var before = new MultipartFormDataContent
        {
            { new ByteArrayContent(new byte[300_000]), "other", "other.bin" },
            { new ByteArrayContent(new byte[10]), "file", "small.bin" },
        };
        foreach (var body in new[] { far, before })
        {
            var response = await api.PostAsync("/api/v1/hash", body);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("larger than the limit of 4096 bytes", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task OverPlainHttpCookiesWorkWithoutSecureAndNoHstsIsSent()
    {
        await using var server = await TestServer.StartAsync();
        var options = server.Service<IOptions<AntiforgeryOptions>>().Value;
        Assert.Equal(CookieSecurePolicy.SameAsRequest, options.Cookie.SecurePolicy);
        using var client = server.Anonymous();
        client.DefaultRequestHeaders.Host = "hub.example.test";
        var page = await client.GetAsync("/signin");
        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain(page.Headers.GetValues("Set-Cookie"), c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (_, email) = await server.CreatePersonAsync(org.Id, Roles.Analyst);
        var signedIn = await TestServer.PostFormAsync(client, "/signin", new() { ["Email"] = email, ["Password"] = TestServer.Password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location?.ToString());
    }

    [Fact]
    public async Task OverHttpsTheServerSendsHstsAndMarksItsCookiesSecure()
    {
        var folder = Path.Combine(Path.GetTempPath(), "turntide-tests", "tls-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        var pfx = Path.Combine(folder, "server.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=hub.example.test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "test"));
        }
        await using var server = await TestServer.StartAsync(waitUntilReady: false, settings: new Dictionary<string, string?>
        {
            ["urls"] = "https://127.0.0.1:0",
            ["Kestrel:Certificates:Default:Path"] = pfx,
            ["Kestrel:Certificates:Default:Password"] = "test",
        });
        Assert.Equal("https", server.BaseAddress.Scheme);
        using var client = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
            ServerCertificateCustomValidationCallback = (_, _, _, errors) => errors is SslPolicyErrors.None or SslPolicyErrors.RemoteCertificateChainErrors or (SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch) or SslPolicyErrors.RemoteCertificateNameMismatch,
        }) { BaseAddress = server.BaseAddress };
        // A name, not a loopback address: HSTS is never sent for localhost or 127.0.0.1.
        client.DefaultRequestHeaders.Host = "hub.example.test";
        HttpResponseMessage? page = null;
        await Wait.UntilAsync(async () => (page = await client.GetAsync("/signin")).StatusCode == HttpStatusCode.OK, "the HTTPS sign-in page to answer 200");
        var hsts = page!.Headers.GetValues("Strict-Transport-Security").Single();
        Assert.Equal("max-age=31536000", hsts);
        Assert.Contains(page.Headers.GetValues("Set-Cookie"), c => c.StartsWith("turntide-csrf=") && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        using (var missing = new HttpRequestMessage(HttpMethod.Get, "/no-such-page"))
        {
            missing.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
            var error = await client.SendAsync(missing);
            Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
            Assert.Equal("max-age=31536000", error.Headers.GetValues("Strict-Transport-Security").Single());
        }

        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (_, email) = await server.CreatePersonAsync(org.Id, Roles.Analyst);
        var signedIn = await TestServer.PostFormAsync(client, "/signin", new() { ["Email"] = email, ["Password"] = TestServer.Password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("turntide=") && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        try { Directory.Delete(folder, true); } catch (IOException) { }
    }
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Turntide.Server.Data;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Tests.Members;

public sealed class IdentityTests
{
    [Fact]
    public async Task PasswordsAreStoredHashedAndFiveWrongAttemptsLockTheAccount()
    {
        await using var server = await TestServer.StartAsync();
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (person, email) = await server.CreatePersonAsync(org.Id, Roles.Analyst);
        var stored = await server.InScopeAsync(s => s.GetRequiredService<TurntideDb>().Users.Where(u => u.Id == person.Id).Select(u => u.PasswordHash).SingleAsync());
        Assert.DoesNotContain(TestServer.Password, stored);
        Assert.StartsWith("AQAAAA", stored); // Identity's versioned PBKDF2 format

        var client = server.Anonymous();
        for (int i = 0; i < 5; i++)
        {
            var wrong = await TestServer.PostFormAsync(client, "/signin", new() { ["Email"] = email, ["Password"] = "wrong password " + i });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }
        var locked = await TestServer.PostFormAsync(client, "/signin", new() { ["Email"] = email, ["Password"] = TestServer.Password });
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        // The same words as for a wrong password or an unknown email, so the page tells no one which emails exist.
        Assert.Contains(SignInModel.Refused, await locked.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task WithTotpOnSignInNeedsTheCurrentCode()
    {
        await using var server = await TestServer.StartAsync();
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (_, email) = await server.CreatePersonAsync(org.Id, Roles.Moderator);
        var session = await server.SignInAsync(email, TestServer.Password);

        var account = await session.GetStringAsync("/account");
        var secret = Regex.Match(account, "data-testid=\"totp-key\">([A-Z2-7 ]+)<").Groups[1].Value.Replace(" ", "");
        Assert.NotEmpty(secret);
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        var wrong = await TestServer.PostFormAsync(session, "/account?handler=Enable", new() { ["Code"] = "000000" }, "/account");
        Assert.Contains("wrong or expired", await wrong.Content.ReadAsStringAsync());
        var enabled = await TestServer.PostFormAsync(session, "/account?handler=Enable", new() { ["Code"] = totp.ComputeTotp() }, "/account");
        Assert.Equal(HttpStatusCode.Redirect, enabled.StatusCode);

        // A fresh sign-in now stops after the password and asks for the code.
        var browser = server.Anonymous();
        var first = await TestServer.PostFormAsync(browser, "/signin", new() { ["Email"] = email, ["Password"] = TestServer.Password });
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.StartsWith("/signin/code", first.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
        var badCode = await TestServer.PostFormAsync(browser, "/signin/code", new() { ["Code"] = "123456" });
        Assert.Contains("wrong or expired", await badCode.Content.ReadAsStringAsync());
        var second = await TestServer.PostFormAsync(browser, "/signin/code", new() { ["Code"] = totp.ComputeTotp() });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal("/", second.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task SignInRefusesAnOffSiteReturnUrl()
    {
        await using var server = await TestServer.StartAsync();
        var org = await server.CreateOrgAsync(OrganisationKinds.Platform);
        var (_, email) = await server.CreatePersonAsync(org.Id, Roles.Moderator);
        var response = await TestServer.PostFormAsync(server.Anonymous(), "/signin",
            new() { ["Email"] = email, ["Password"] = TestServer.Password, ["ReturnUrl"] = "//evil.example/" });
        Assert.Equal("/", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task RolesMustFitTheOrganisationKind()
    {
        await using var server = await TestServer.StartAsync();
        var authority = await server.CreateOrgAsync(OrganisationKinds.Authority);
        var ex = await Assert.ThrowsAsync<DomainException>(() => server.CreateKeyAsync(authority.Id, Roles.Analyst));
        Assert.Contains("of kind authority, which has no 'analyst' role", ex.Message);
        var unknown = await Assert.ThrowsAsync<DomainException>(() => server.CreatePersonAsync(authority.Id, "superuser"));
        Assert.Contains("Unknown role", unknown.Message);
    }
}

using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;
using Turntide.Server.Features.Members;
using Turntide.Server.Web;

namespace Turntide.Server.Tests.Web;

/// <summary>Errors a browser meets are pages in the layout with a way back; the API keeps answering ProblemDetails.</summary>
public sealed class ErrorPageTests
{
    private const string Secret = "internal detail 7f3a that no page may show";

    /// <summary>Makes any page throw on <c>?explode=crash</c> (an unexpected error) or <c>?explode=refuse</c> (a 403 refusal).</summary>
    private sealed class ExplodingPages : IAsyncPageFilter
    {
        public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

        // The error page runs with the failed request's query string, so it is spared.
        public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next) =>
            context.HandlerInstance is ErrorModel ? next() : context.HttpContext.Request.Query["explode"].ToString() switch
            {
                "crash" => throw new InvalidOperationException(Secret),
                "refuse" => throw new DomainException("Refused for the test.", 403),
                _ => next(),
            };
    }

    private static Task<TestServer> StartAsync() =>
        TestServer.StartAsync(replaceServices: s => s.Configure<MvcOptions>(o => o.Filters.Add(new ExplodingPages())));

    private static async Task<HttpResponseMessage> BrowseAsync(HttpClient client, string path, string method = "GET")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return await client.SendAsync(request);
    }

    private static async Task AssertLayoutPageAsync(HttpResponseMessage response, HttpStatusCode status, string heading)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<a class=\"brand\" href=\"/\">Turntide</a>", html); // the layout's header
        Assert.Contains($"<h1>{heading}</h1>", html);
        Assert.Matches("<a href=\"/(signin)?\">Back to", html);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task AnUnknownAddressIsANotFoundPageInTheLayoutWithALinkBack()
    {
        await using var server = await StartAsync();
        await AssertLayoutPageAsync(await BrowseAsync(server.Anonymous(), "/no-such-page"), HttpStatusCode.NotFound, "Not found");
        var session = await server.SignedInAsync(Roles.Analyst);
        var signedIn = await BrowseAsync(session, "/banks/00000000-0000-0000-0000-000000000000/nothing");
        await AssertLayoutPageAsync(signedIn, HttpStatusCode.NotFound, "Not found");
        // Signed in, the layout shows the navigation too.
        Assert.Contains("Sign out", await signedIn.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnUnexpectedErrorOnAPageIsAPageWithoutItsDetail()
    {
        await using var server = await StartAsync();
        var session = await server.SignedInAsync(Roles.Analyst);
        var crash = await BrowseAsync(session, "/?explode=crash");
        await AssertLayoutPageAsync(crash, HttpStatusCode.InternalServerError, "Something went wrong");
        Assert.DoesNotContain(Secret, await crash.Content.ReadAsStringAsync());
        Assert.DoesNotContain("InvalidOperationException", await crash.Content.ReadAsStringAsync());
        // Logged for the operator, with the detail.
        Assert.Contains(server.Logs.Lines, l => l.Contains(Secret));
    }

    [Fact]
    public async Task AFormPostThatFailsIsAlsoAnErrorPage()
    {
        await using var server = await StartAsync();
        var session = await server.SignedInAsync(Roles.Analyst);
        var page = await session.GetStringAsync("/account");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account?handler=Enable&explode=crash")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Code"] = "000000", ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token) }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        await AssertLayoutPageAsync(await session.SendAsync(request), HttpStatusCode.InternalServerError, "Something went wrong");
    }

    [Fact]
    public async Task ARefusalThrownOnAPageIsANotAllowedPage()
    {
        await using var server = await StartAsync();
        var session = await server.SignedInAsync(Roles.Analyst);
        await AssertLayoutPageAsync(await BrowseAsync(session, "/?explode=refuse"), HttpStatusCode.Forbidden, "Not allowed");
        // A role refusal still lands on the denied page, which is in the layout with a link back.
        var denied = await BrowseAsync(session, "/denied");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("<a href=\"/\">Back to the dashboard</a>", await denied.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheApiKeepsProblemDetailsForUnknownPathsAndMachineCallers()
    {
        await using var server = await StartAsync();
        var api = server.WithKey(await server.KeyForRoleAsync(Roles.Analyst));
        var unknownApi = await BrowseAsync(api, "/api/v1/no-such-endpoint");
        Assert.Equal(HttpStatusCode.NotFound, unknownApi.StatusCode);
        Assert.Equal("application/problem+json", unknownApi.Content.Headers.ContentType?.MediaType);
        // A caller that does not ask for HTML gets ProblemDetails for a page address too.
        var machine = await server.Anonymous().GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, machine.StatusCode);
        Assert.Equal("application/problem+json", machine.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheErrorPageItselfAnswersWithItsOwnStatusWhenVisited()
    {
        await using var server = await StartAsync();
        await AssertLayoutPageAsync(await BrowseAsync(server.Anonymous(), "/error/404"), HttpStatusCode.NotFound, "Not found");
        await AssertLayoutPageAsync(await BrowseAsync(server.Anonymous(), "/error/200"), HttpStatusCode.NotFound, "Not found");
    }
}

using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Turntide.Server.Features.Members;

/// <summary><c>Authorization: Bearer tt_...</c>: the key's organisation and role become the caller's claims.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("The Authorization header is not a Bearer API key.");
        var key = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (key is null)
            return AuthenticateResult.Fail("The API key is unknown, revoked or malformed.");

        List<Claim> claims =
        [
            new Claim(ClaimTypes.NameIdentifier, key.Id.ToString()),
            new Claim(ClaimTypes.Name, $"{key.Prefix} ({key.Name})"),
            new Claim(MemberClaims.DisplayName, $"key {key.Prefix} ({key.Name})"),
            new Claim(MemberClaims.ActorKind, Actor.KeyKind),
            new Claim(ClaimTypes.Role, key.Role),
            new Claim(MemberClaims.OrganisationId, key.OrganisationId.ToString()),
            new Claim(MemberClaims.OrganisationKind, key.OrganisationKind),
            new Claim(MemberClaims.OrganisationName, key.OrganisationName),
        ];
        if (key.Scope is not null)
            claims.Add(new Claim(MemberClaims.KeyScope, key.Scope));
        var identity = new ClaimsIdentity(claims, Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        await Results.Problem(statusCode: 401, title: "Unauthorized",
            detail: failure ?? "Send an API key as 'Authorization: Bearer <key>'.").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(statusCode: 403, title: "Forbidden",
            detail: "This API key's role or organisation may not use this endpoint.").ExecuteAsync(Context);
    }
}

using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Turntide.Server.Features.Members;

/// <summary><c>Authorization: Bearer tt_...</c>: the key's organisation and role become the caller's claims.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys,
    ApiKeyFailureThrottle failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Seconds to wait, set when this request was refused because its address failed too many key checks.</summary>
    private int? _throttledFor;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        var address = ClientAddress.Of(Context);
        // Checked before the key, so that a guess made while throttled learns nothing, right or wrong.
        _throttledFor = failures.Blocked(address);
        if (_throttledFor is not null)
            return AuthenticateResult.Fail("Too many failed API-key checks from this address; wait and try again.");
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            failures.Failed(address);
            return AuthenticateResult.Fail("The Authorization header is not a Bearer API key.");
        }
        var (key, refusal) = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (key is null)
        {
            failures.Failed(address);
            return AuthenticateResult.Fail(refusal ?? "The API key is unknown, revoked or malformed.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, key.Id.ToString()),
            new Claim(ClaimTypes.Name, $"{key.Prefix} ({key.Name})"),
            new Claim(MemberClaims.DisplayName, $"key {key.Prefix} ({key.Name})"),
            new Claim(MemberClaims.ActorKind, Actor.KeyKind),
            new Claim(ClaimTypes.Role, key.Role),
            new Claim(MemberClaims.OrganisationId, key.OrganisationId.ToString()),
            new Claim(MemberClaims.OrganisationKind, key.OrganisationKind),
            new Claim(MemberClaims.OrganisationName, key.OrganisationName),
        ], Scheme.Name);
        if (key.Scope is not null)
            identity.AddClaim(new Claim(MemberClaims.KeyScope, key.Scope));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        if (_throttledFor is { } wait)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Results.Problem(statusCode: 429, title: "Too Many Requests",
                detail: $"Too many failed API-key checks from this address; wait {wait} s and try again.").ExecuteAsync(Context);
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(statusCode: 401, title: "Unauthorized",
            detail: failure ?? "Send an API key as 'Authorization: Bearer <key>'.").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var detail = Context.Items[KeyScopes.RefusalItem] as string ?? "This API key's role or organisation may not use this endpoint.";
        await Results.Problem(statusCode: 403, title: "Forbidden", detail: detail).ExecuteAsync(Context);
    }
}

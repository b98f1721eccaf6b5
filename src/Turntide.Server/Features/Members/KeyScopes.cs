using Microsoft.AspNetCore.Authorization;

namespace Turntide.Server.Features.Members;

/// <summary>
/// Narrower rights for an API key than its role gives: a scoped key may call only the endpoints of its scope that
/// its role allows anyway, so a scope never adds a right. A key without a scope has its role's full rights. The
/// lists name endpoints by their OpenAPI names, so a renamed or new endpoint is outside every list until added.
/// </summary>
internal static class KeyScopes
{
    /// <summary>Matching and hashing only: what an upload pipeline needs.</summary>
    public const string Match = "match";
    /// <summary>Every GET its role may make, and nothing that changes anything.</summary>
    public const string Read = "read";
    /// <summary>What a platform's node needs to follow the hub: match, hash, read banks, the exchange, match reports, contributions and opinions.</summary>
    public const string Node = "node";

    public const int MaxLength = 16;

    public static readonly IReadOnlyList<string> All = [Match, Read, Node];

    public static bool IsKnown(string? scope) => scope is not null && All.Contains(scope);

    private static readonly string[] Matching = ["MatchSignal", "MatchBatch", "Hash", "ListRetroactiveMatches"];

    /// <summary>The endpoints of the match and node scopes (the read scope goes by method instead).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Endpoints = new Dictionary<string, IReadOnlySet<string>>
    {
        [Match] = Matching.ToHashSet(StringComparer.Ordinal),
        [Node] = Matching.Concat(
        [
            "ListBanks", "ListContent", "GetContent", "ExportBank", "ListTaxonomy", "ListOpinions", "ContentProvenance",
            "ExchangeUpdates", "ExchangeStream", "ExchangeSnapshot", "ExchangeSyncStatus", "ExchangeMatchReports",
            // The hub's endpoints a node forwards to, and the node's own forwarding endpoints.
            "Contribute", "GiveOpinion", "ForwardContribution", "ForwardOpinion",
        ]).ToHashSet(StringComparer.Ordinal),
    };

    /// <summary>Whether a key of this scope may call the endpoint (by its name and the request's method).</summary>
    public static bool Allows(string scope, string? endpointName, string method) => scope switch
    {
        Read => HttpMethods.IsGet(method) || HttpMethods.IsHead(method),
        Match or Node => endpointName is not null && Endpoints[scope].Contains(endpointName),
        _ => false,
    };

    public static string Describe(string? scope) => scope switch
    {
        null => "the role's full rights",
        Match => "matching and hashing only",
        Read => "read-only (GET requests its role may make)",
        Node => "what a node needs to follow the hub",
        _ => scope,
    };

    /// <summary>Where the refusal's reason waits for the API-key handler's 403 body.</summary>
    internal const string RefusalItem = "turntide:scope-refusal";
}

/// <summary>Part of every API policy: a scoped key passes only on the endpoints of its scope.</summary>
internal sealed class KeyScopeRequirement : IAuthorizationRequirement
{
    public static readonly KeyScopeRequirement Instance = new();
}

internal sealed class KeyScopeHandler : AuthorizationHandler<KeyScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, KeyScopeRequirement requirement)
    {
        var scope = context.User.FindFirst(MemberClaims.KeyScope)?.Value;
        if (scope is null)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }
        if (context.Resource is HttpContext http)
        {
            var name = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
            if (KeyScopes.Allows(scope, name, http.Request.Method))
            {
                context.Succeed(requirement);
                return Task.CompletedTask;
            }
            string detail = $"This API key's scope is '{scope}' ({KeyScopes.Describe(scope)}), which does not include {http.Request.Method} {http.Request.Path}.";
            http.Items[KeyScopes.RefusalItem] = detail;
            context.Fail(new AuthorizationFailureReason(this, detail));
        }
        else
        {
            context.Fail();
        }
        return Task.CompletedTask;
    }
}

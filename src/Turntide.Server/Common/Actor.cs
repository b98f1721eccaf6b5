using System.Security.Claims;

namespace Turntide.Server.Common;

/// <summary>Who is acting: a signed-in person, an API key, or the system itself (start-up, the admin command).</summary>
internal sealed record Actor(string Kind, string Id, string Name, Guid? OrganisationId, string? OrganisationKind, IReadOnlyList<string> Roles)
{
    public const string PersonKind = "person";
    public const string KeyKind = "key";
    public const string SystemKind = "system";

    public static Actor System(string name) => new(SystemKind, "system", name, null, null, []);

    public bool IsSystem => Kind == SystemKind;

    /// <summary>The forum operator's admins manage every organisation; other admins only their own.</summary>
    public bool IsForumAdmin => IsSystem || (OrganisationKind == OrganisationKinds.Forum && Roles.Contains(Common.Roles.Admin));

    public bool MayManage(Guid organisationId) =>
        IsForumAdmin || (OrganisationId == organisationId && Roles.Contains(Common.Roles.Admin));

    public static Actor From(ClaimsPrincipal user)
    {
        string kind = user.FindFirstValue(MemberClaims.ActorKind) ?? PersonKind;
        string id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        string name = user.FindFirstValue(MemberClaims.DisplayName) ?? user.Identity?.Name ?? id;
        Guid? org = Guid.TryParse(user.FindFirstValue(MemberClaims.OrganisationId), out var o) ? o : null;
        return new Actor(kind, id, name, org, user.FindFirstValue(MemberClaims.OrganisationKind),
            [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value)]);
    }
}

/// <summary>Claim names Turntide adds to people's and keys' identities.</summary>
internal static class MemberClaims
{
    public const string OrganisationId = "turntide:org";
    public const string OrganisationKind = "turntide:org_kind";
    public const string OrganisationName = "turntide:org_name";
    public const string ActorKind = "turntide:actor";
    public const string DisplayName = "turntide:display_name";
    /// <summary>An API key's scope (<see cref="KeyScopes"/>), absent for a key with its role's full rights.</summary>
    public const string KeyScope = "turntide:scope";
}

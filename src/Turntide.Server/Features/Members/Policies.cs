using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace Turntide.Server.Features.Members;

/// <summary>
/// Capabilities, each granted to roles (and organisation kinds). API policies accept only API keys (so no
/// browser cookie can be ridden into the API); page policies accept only a signed-in person.
/// </summary>
internal static class Policies
{
    public const string ApiKeyScheme = "ApiKey";

    // API (Bearer keys)
    public const string ApiMatch = "api:match";
    public const string ApiMatchReports = "api:match-reports";
    public const string ApiReadBanks = "api:read-banks";
    public const string ApiCurateBanks = "api:curate-banks";
    public const string ApiManageTaxonomy = "api:manage-taxonomy";
    public const string ApiGiveOpinion = "api:give-opinion";
    public const string ApiReviewQuarantine = "api:review-quarantine";
    // The moderation loop (a platform's node).
    public const string ApiIntake = "api:intake";
    public const string ApiReadStatements = "api:read-statements";
    public const string ApiModerate = "api:moderate";
    public const string ApiManagePolicy = "api:manage-policy";
    public const string ApiManageWebhooks = "api:manage-webhooks";
    public const string ApiReadPreserved = "api:read-preserved";
    // Pages (people)
    public const string PageSignedIn = "page:signed-in";
    public const string PageReadBanks = "page:read-banks";
    public const string PageCurateBanks = "page:curate-banks";
    public const string PageManageTaxonomy = "page:manage-taxonomy";
    public const string PageGiveOpinion = "page:give-opinion";
    public const string PageReviewQuarantine = "page:review-quarantine";
    public const string PageManageMembers = "page:manage-members";
    public const string PageManageOrganisations = "page:manage-organisations";
    public const string PageReadAudit = "page:read-audit";
    public const string PageModerate = "page:moderate";
    public const string PageManagePolicy = "page:manage-policy";
    public const string PageManageWebhooks = "page:manage-webhooks";
    public const string PageReadPreserved = "page:read-preserved";
    // Either
    public const string AnyCaller = "any:signed-in";

    /// <summary>Organisations whose staff work with banks: the forum and the platforms, never authorities or auditors.</summary>
    private static readonly string[] BankOrganisations = [OrganisationKinds.Forum, OrganisationKinds.Platform];

    /// <summary>Roles allowed by each capability, for documentation and for the tests that try every role.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Capabilities = new Dictionary<string, string[]>
    {
        ["match"] = [Roles.Admin, Roles.Analyst, Roles.Moderator],
        ["read-banks"] = [Roles.Admin, Roles.Analyst, Roles.Moderator],
        ["curate-banks"] = [Roles.Admin, Roles.Analyst],
        ["manage-members"] = [Roles.Admin],
        // Of the forum operator only: the label vocabulary is the forum's.
        ["manage-taxonomy"] = [Roles.Admin, Roles.Analyst],
        // Moderators too: they meet the matches and know when one is wrong.
        ["give-opinion"] = [Roles.Admin, Roles.Analyst, Roles.Moderator],
        // Of the forum operator only: quarantined items wait in its queue.
        ["review-quarantine"] = [Roles.Admin, Roles.Analyst],
        ["read-audit"] = [Roles.Auditor, Roles.Admin],
        // A platform's back end only: items in, decisions out, appeals passed on.
        ["intake"] = [Roles.Integration],
        ["read-statements"] = [Roles.Integration, Roles.Admin, Roles.Moderator],
        // Review decisions, through the queue or the API.
        ["moderate"] = [Roles.Admin, Roles.Moderator],
        ["manage-policy"] = [Roles.Admin, Roles.Analyst],
        ["manage-webhooks"] = [Roles.Admin],
        // Preserved evidence is for investigators: each read is audited (TCO Article 6).
        ["read-preserved"] = [Roles.Admin],
    };

    /// <summary>An API policy: API keys only, and a scoped key only within its scope (<see cref="KeyScopes"/>).</summary>
    private static AuthorizationPolicyBuilder ApiKeys(AuthorizationPolicyBuilder p) =>
        p.AddAuthenticationSchemes(ApiKeyScheme).AddRequirements(KeyScopeRequirement.Instance);

    /// <summary>The capabilities the roles give together: what "raising" a role is measured by.</summary>
    public static IReadOnlySet<string> CapabilitiesOf(IEnumerable<string> roles) =>
        Capabilities.Where(c => c.Value.Intersect(roles).Any()).Select(c => c.Key).ToHashSet();

    public static void Add(AuthorizationOptions options)
    {
        string cookie = IdentityConstants.ApplicationScheme;
        options.AddPolicy(ApiMatch, p => ApiKeys(p).RequireRole(Capabilities["match"])
            .RequireClaim(MemberClaims.OrganisationKind, BankOrganisations));
        // Match counts move items towards quarantine: only a member's node key sends them, never a person's role key.
        options.AddPolicy(ApiMatchReports, p => ApiKeys(p).RequireRole(Capabilities["match"])
            .RequireClaim(MemberClaims.OrganisationKind, BankOrganisations).RequireClaim(MemberClaims.KeyScope, KeyScopes.Node));
        options.AddPolicy(ApiReadBanks, p => ApiKeys(p).RequireRole(Capabilities["read-banks"])
            .RequireClaim(MemberClaims.OrganisationKind, BankOrganisations));
        options.AddPolicy(ApiCurateBanks, p => ApiKeys(p).RequireRole(Capabilities["curate-banks"])
            .RequireClaim(MemberClaims.OrganisationKind, BankOrganisations));
        options.AddPolicy(ApiManageTaxonomy, p => ApiKeys(p).RequireRole(Capabilities["manage-taxonomy"])
            .RequireClaim(MemberClaims.OrganisationKind, OrganisationKinds.Forum));
        options.AddPolicy(ApiGiveOpinion, p => ApiKeys(p).RequireRole(Capabilities["give-opinion"])
            .RequireClaim(MemberClaims.OrganisationKind, BankOrganisations));
        options.AddPolicy(ApiReviewQuarantine, p => ApiKeys(p).RequireRole(Capabilities["review-quarantine"])
            .RequireClaim(MemberClaims.OrganisationKind, OrganisationKinds.Forum));

        // The moderation loop runs on a platform's node for that platform's own items.
        foreach (var (policy, capability) in new[] { (ApiIntake, "intake"), (ApiReadStatements, "read-statements"), (ApiModerate, "moderate"),
                     (ApiManagePolicy, "manage-policy"), (ApiManageWebhooks, "manage-webhooks"), (ApiReadPreserved, "read-preserved") })
            options.AddPolicy(policy, p => ApiKeys(p).RequireRole(Capabilities[capability])
                .RequireClaim(MemberClaims.OrganisationKind, OrganisationKinds.Platform));
        foreach (var (policy, capability) in new[] { (PageModerate, "moderate"), (PageManagePolicy, "manage-policy"),
                     (PageManageWebhooks, "manage-webhooks"), (PageReadPreserved, "read-preserved") })
            options.AddPolicy(policy, p => p.AddAuthenticationSchemes(cookie).RequireRole(Capabilities[capability])
                .RequireClaim(MemberClaims.OrganisationKind, OrganisationKinds.Platform));

        options.AddPolicy(PageSignedIn, p => p.AddAuthenticationSchemes(cookie).RequireAuthenticatedUser());
        options.AddPolicy(PageReadBanks, p => p.AddAuthenticationSchemes(cookie).RequireRole(Capabilities["read-banks"])
            .RequireClaim(MemberClaims.OrganisationKind, BankOrganisations));
        options.AddPolicy(PageCurateBanks, p => p.AddAuthenticationSchemes(cookie).RequireRole(Capabilities["curate-banks"])
            .RequireClaim(MemberClaims.OrganisationKind, BankOrganisations));
        options.AddPolicy(PageManageTaxonomy, p => p.AddAuthenticationSchemes(cookie).RequireRole(Capabilities["manage-taxonomy"])
            .RequireClaim(MemberClaims.OrganisationKind, OrganisationKinds.Forum));
        options.AddPolicy(PageGiveOpinion, p => p.AddAuthenticationSchemes(cookie).RequireRole(Capabilities["give-opinion"])
            .RequireClaim(MemberClaims.OrganisationKind, BankOrganisations));
        options.AddPolicy(PageReviewQuarantine, p => p.AddAuthenticationSchemes(cookie).RequireRole(Capabilities["review-quarantine"])
            .RequireClaim(MemberClaims.OrganisationKind, OrganisationKinds.Forum));
        options.AddPolicy(PageManageMembers, p => p.AddAuthenticationSchemes(cookie).RequireRole(Capabilities["manage-members"]));
        options.AddPolicy(PageManageOrganisations, p => p.AddAuthenticationSchemes(cookie).RequireRole(Roles.Admin)
            .RequireClaim(MemberClaims.OrganisationKind, OrganisationKinds.Forum));
        // The audit log shows every organisation's activity: auditors, and the forum operator's admins.
        options.AddPolicy(PageReadAudit, p => p.AddAuthenticationSchemes(cookie).RequireAssertion(c =>
            c.User.IsInRole(Roles.Auditor)
            || (c.User.IsInRole(Roles.Admin) && c.User.HasClaim(MemberClaims.OrganisationKind, OrganisationKinds.Forum))));

        options.AddPolicy(AnyCaller, p => p.AddAuthenticationSchemes(cookie, ApiKeyScheme).RequireAuthenticatedUser());
    }
}

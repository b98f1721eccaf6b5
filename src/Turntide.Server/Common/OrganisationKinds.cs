namespace Turntide.Server.Common;

/// <summary>The kinds of organisation and the roles their people and keys may hold.</summary>
internal static class OrganisationKinds
{
    public const string Forum = "forum";
    public const string Platform = "platform";
    public const string Authority = "authority";
    public const string Auditor = "auditor";

    public static readonly IReadOnlyList<string> All = [Forum, Platform, Authority, Auditor];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind);

    /// <summary>An authority has officers but no moderators; an auditor reads and never curates.</summary>
    public static IReadOnlyList<string> AllowedRoles(string kind) => kind switch
    {
        Forum => [Roles.Admin, Roles.Analyst, Roles.Moderator, Roles.Auditor],
        Platform => [Roles.Admin, Roles.Analyst, Roles.Moderator, Roles.Integration],
        Authority => [Roles.Admin, Roles.AuthorityOfficer],
        Auditor => [Roles.Admin, Roles.Auditor],
        _ => [],
    };

    /// <summary>
    /// What a new key or person is offered first: the allowed role with the least rights. In the forum that is the
    /// moderator, not the auditor, whose role reads every organisation's audit trail.
    /// </summary>
    public static string LeastPrivilegedRole(string kind) => kind switch
    {
        Forum or Platform => Roles.Moderator,
        Authority => Roles.AuthorityOfficer,
        Auditor => Roles.Auditor,
        _ => Roles.Moderator,
    };
}

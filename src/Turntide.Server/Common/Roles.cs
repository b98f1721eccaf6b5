namespace Turntide.Server.Common;

/// <summary>What a person or an API key may do; the policies in <see cref="Policies"/> grant capabilities to roles.</summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string Analyst = "analyst";
    public const string Moderator = "moderator";
    public const string AuthorityOfficer = "authority_officer";
    public const string Auditor = "auditor";

    public static readonly IReadOnlyList<string> All = [Admin, Analyst, Moderator, AuthorityOfficer, Auditor];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);
}

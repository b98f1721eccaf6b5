namespace Turntide.Server.Common;

/// <summary>What a person or an API key may do; the policies in <see cref="Policies"/> grant capabilities to roles.</summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string Analyst = "analyst";
    public const string Moderator = "moderator";
    public const string AuthorityOfficer = "authority_officer";
    public const string Auditor = "auditor";
    /// <summary>A platform's back end: submits items and appeals, reads decisions and statements, nothing else.</summary>
    public const string Integration = "integration";

    public static readonly IReadOnlyList<string> All = [Admin, Analyst, Moderator, AuthorityOfficer, Auditor, Integration];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);
}

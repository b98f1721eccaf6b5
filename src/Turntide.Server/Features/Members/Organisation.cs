namespace Turntide.Server.Features.Members;

/// <summary>A member of the system: the forum operator, a platform, an authority or an auditor.</summary>
public sealed class Organisation
{
    public const int MaxNameLength = 120;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    /// <summary>Upper-case name: names are unique regardless of case.</summary>
    public required string NormalizedName { get; set; }
    public required string Kind { get; set; }
    public DateTime CreatedAt { get; set; }

    public OrganisationDto ToDto() => new(Id, Name, Kind, CreatedAt);
}

public sealed record OrganisationDto(Guid Id, string Name, string Kind, DateTime CreatedAt);

/// <summary>The kinds of organisation and the roles their people and keys may hold.</summary>
public static class OrganisationKinds
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
        Platform => [Roles.Admin, Roles.Analyst, Roles.Moderator],
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

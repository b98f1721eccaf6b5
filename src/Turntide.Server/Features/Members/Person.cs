using Microsoft.AspNetCore.Identity;

namespace Turntide.Server.Features.Members;

/// <summary>Someone who signs in: an organisation's staff member. Password hashing, lockout and TOTP come from ASP.NET Core Identity.</summary>
public sealed class Person : IdentityUser<Guid>
{
    public const int MaxDisplayNameLength = 120;

    public Person()
    {
        Id = Guid.CreateVersion7();
        SecurityStamp = Guid.NewGuid().ToString();
    }

    public Guid OrganisationId { get; set; }
    public Organisation? Organisation { get; set; }
    public string DisplayName { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    public PersonDto ToDto(IReadOnlyList<string> roles) =>
        new(Id, UserName ?? "", DisplayName, OrganisationId, roles, TwoFactorEnabled, LockoutEnd is { } end && end > DateTimeOffset.UtcNow);
}

public sealed record PersonDto(Guid Id, string Email, string DisplayName, Guid OrganisationId, IReadOnlyList<string> Roles,
    bool TwoFactorEnabled, bool LockedOut);

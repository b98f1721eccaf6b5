using Microsoft.AspNetCore.Identity;

namespace Turntide.Server.Features.Members;

/// <summary>Someone who signs in: an organisation's staff member. Password hashing, lockout and TOTP come from ASP.NET Core Identity.</summary>
internal sealed class Person : IdentityUser<Guid>
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

    /// <summary>
    /// Set when an admin forces a password reset: the password is then a one-time password the admin handed over,
    /// which until this time signs in only to choose a new password, and after it not at all.
    /// </summary>
    public DateTime? PasswordResetExpiresAt { get; set; }

    /// <summary>How long a one-time password from a forced reset lasts.</summary>
    public static readonly TimeSpan OneTimePasswordLifetime = TimeSpan.FromHours(72);

    /// <summary>
    /// An admin's lock ends in the year 9999 (not at <see cref="DateTimeOffset.MaxValue"/>, which PostgreSQL's microseconds
    /// would round); a lockout after failed sign-ins ends after 15 minutes.
    /// </summary>
    public static readonly DateTimeOffset AdminLockEnd = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public bool LockedByAdmin => LockoutEnd >= AdminLockEnd;

    public PersonDto ToDto(IReadOnlyList<string> roles) =>
        new(Id, UserName ?? "", DisplayName, OrganisationId, roles, TwoFactorEnabled, LockoutEnd is { } end && end > DateTimeOffset.UtcNow,
            LockedByAdmin, PasswordResetExpiresAt);
}

internal sealed record PersonDto(Guid Id, string Email, string DisplayName, Guid OrganisationId, IReadOnlyList<string> Roles,
    bool TwoFactorEnabled, bool LockedOut, bool LockedByAdmin = false, DateTime? PasswordResetExpiresAt = null);

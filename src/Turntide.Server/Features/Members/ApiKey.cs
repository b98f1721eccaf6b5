namespace Turntide.Server.Features.Members;

/// <summary>
/// A machine credential, scoped to one organisation and one role. The secret is shown once at creation;
/// only its SHA-256 is kept (the secret is 256 random bits, so a fast hash is enough: nothing to brute-force).
/// </summary>
internal sealed class ApiKey
{
    public const int MaxNameLength = 120;
    /// <summary>The longest life a key may be given: a year, so that every key is rotated at least that often.</summary>
    public const int MaxExpiryDays = 365;
    /// <summary>The dashboard warns this long before a key expires.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(14);

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    /// <summary>The public part of the key (<c>tt_</c> and 12 characters), used to find it; unique.</summary>
    public required string Prefix { get; set; }
    public required byte[] SecretHash { get; set; }
    public Guid OrganisationId { get; set; }
    public Organisation? Organisation { get; set; }
    public required string Role { get; set; }
    /// <summary>A narrower set of endpoints than the role allows (<see cref="KeyScopes"/>); null for the role's full rights.</summary>
    public string? Scope { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>After this the key is refused (401 saying it expired); set at creation, never extended: rotate instead.</summary>
    public DateTime ExpiresAt { get; set; }
    public Guid? CreatedByPersonId { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }

    public bool IsExpired(DateTime now) => ExpiresAt <= now;

    public ApiKeyDto ToDto() => new(Id, Name, Prefix, OrganisationId, Role, Scope, CreatedAt, ExpiresAt, RevokedAt, LastUsedAt);
}

internal sealed record ApiKeyDto(Guid Id, string Name, string Prefix, Guid OrganisationId, string Role, string? Scope,
    DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt, DateTime? LastUsedAt);

namespace Turntide.Server.Features.Members;

/// <summary>
/// A machine credential, scoped to one organisation and one role. The secret is shown once at creation;
/// only its SHA-256 is kept (the secret is 256 random bits, so a fast hash is enough: nothing to brute-force).
/// </summary>
public sealed class ApiKey
{
    public const int MaxNameLength = 120;
    public const int MaxScopeLength = 16;
    /// <summary>The scope of a platform node's key at the hub: the only key that may report match counts.</summary>
    public const string NodeScope = "node";
    /// <summary>The scopes a key may carry; null is the role's full rights.</summary>
    public static readonly string[] Scopes = ["match", "read", NodeScope];

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    /// <summary>The public part of the key (<c>tt_</c> and 12 characters), used to find it; unique.</summary>
    public required string Prefix { get; set; }
    public required byte[] SecretHash { get; set; }
    public Guid OrganisationId { get; set; }
    public Organisation? Organisation { get; set; }
    public required string Role { get; set; }
    /// <summary>Narrows what the key may do within its role (<see cref="Scopes"/>); null: everything the role may.</summary>
    public string? Scope { get; set; }
    public DateTime CreatedAt { get; set; }
    public Guid? CreatedByPersonId { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }

    public ApiKeyDto ToDto() => new(Id, Name, Prefix, OrganisationId, Role, CreatedAt, RevokedAt, LastUsedAt, Scope);
}

public sealed record ApiKeyDto(Guid Id, string Name, string Prefix, Guid OrganisationId, string Role,
    DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastUsedAt, string? Scope = null);

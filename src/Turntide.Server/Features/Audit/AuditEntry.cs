namespace Turntide.Server.Features.Audit;

/// <summary>
/// One change, who made it and the state before and after. <see cref="Hash"/> is the SHA-256 of the
/// previous entry's hash and this entry's fields, so editing or removing any entry breaks the chain after it.
/// </summary>
internal sealed class AuditEntry
{
    /// <summary>1, 2, 3, ... with no gaps: the chain's order.</summary>
    public long Sequence { get; set; }
    public DateTime At { get; set; }
    /// <summary><c>person</c>, <c>key</c> or <c>system</c>.</summary>
    public required string ActorKind { get; set; }
    public required string ActorId { get; set; }
    public required string ActorName { get; set; }
    public Guid? OrganisationId { get; set; }
    /// <summary>For example <c>bank.create</c>, <c>content.status</c>, <c>key.revoke</c>.</summary>
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    /// <summary>JSON of the entity before the change (null on creation).</summary>
    public string? Before { get; set; }
    /// <summary>JSON of the entity after the change (null on deletion).</summary>
    public string? After { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }

    public AuditEntryDto ToDto() => new(Sequence, At, ActorKind, ActorId, ActorName, OrganisationId, Action, EntityType, EntityId,
        Before, After, PreviousHash, Hash);
}

internal sealed record AuditEntryDto(long Sequence, DateTime At, string ActorKind, string ActorId, string ActorName, Guid? OrganisationId,
    string Action, string EntityType, string EntityId, string? Before, string? After, string PreviousHash, string Hash);

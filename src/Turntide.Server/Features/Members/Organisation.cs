namespace Turntide.Server.Features.Members;

/// <summary>A member of the system: the forum operator, a platform, an authority or an auditor.</summary>
internal sealed class Organisation
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

internal sealed record OrganisationDto(Guid Id, string Name, string Kind, DateTime CreatedAt);

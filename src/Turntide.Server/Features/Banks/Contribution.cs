namespace Turntide.Server.Features.Banks;

/// <summary>
/// One member's share of an item: who sent it, with which labels and note. An item that several members sent is
/// one item with one contribution each (its provenance); at most one per organisation and item.
/// </summary>
internal sealed class Contribution
{
    /// <summary>Room for <see cref="Banks.BankContent.MaxLabels"/> labels of the longest length, comma separated.</summary>
    public const int MaxLabelsText = Banks.BankContent.MaxLabels * (Banks.ContentLabel.MaxLength + 1);

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ContentId { get; set; }
    public Guid OrganisationId { get; set; }
    public string ContributedBy { get; set; } = "";
    /// <summary>The labels this member gave, sorted and comma separated (labels cannot hold commas).</summary>
    public string Labels { get; set; } = "";
    public string Note { get; set; } = "";
    public DateTime ContributedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>
    /// The contribution of the organisation that put an item straight into a bank (adding it, importing it): its first
    /// contributor, so that provenance only ever grows when others send the same signal.
    /// </summary>
    public static Contribution FirstOf(Banks.BankContent content, IEnumerable<string> labels) => new()
    {
        ContentId = content.Id, OrganisationId = content.AddedByOrganisationId, ContributedBy = content.AddedBy,
        Labels = string.Join(',', labels.Order(StringComparer.Ordinal)), Note = content.Note,
        ContributedAt = content.AddedAt, UpdatedAt = content.AddedAt,
    };

    public IReadOnlyList<string> LabelList => Labels.Length == 0 ? [] : Labels.Split(',');

    public ContributionDto ToDto() => new(Id, ContentId, OrganisationId, ContributedBy, LabelList, Note, ContributedAt, UpdatedAt);
}

internal sealed record ContributionDto(Guid Id, Guid ContentId, Guid OrganisationId, string ContributedBy,
    IReadOnlyList<string> Labels, string Note, DateTime ContributedAt, DateTime UpdatedAt);

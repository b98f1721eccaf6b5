namespace Turntide.Server.Features.Opinions;

/// <summary>What a member thinks of a shared item.</summary>
internal static class OpinionKinds
{
    /// <summary>The item is what its labels say.</summary>
    public const string Agree = "agree";
    /// <summary>The item should not be in the bank at all (a false positive, benign content).</summary>
    public const string Disagree = "disagree";
    /// <summary>The item belongs in the bank, but its labels are wrong; the member says which labels it would give.</summary>
    public const string DisagreeWithLabels = "disagree_with_labels";
    /// <summary>The member met the same content on its own service.</summary>
    public const string SawThisToo = "saw_this_too";

    public static readonly IReadOnlyList<string> All = [Agree, Disagree, DisagreeWithLabels, SawThisToo];
}

/// <summary>One member's current opinion of one item; a member's later opinion replaces its earlier one.</summary>
internal sealed class Opinion
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ContentId { get; set; }
    public Guid OrganisationId { get; set; }
    public required string Kind { get; set; }
    /// <summary>For <see cref="OpinionKinds.DisagreeWithLabels"/>: the labels the member would give, comma separated.</summary>
    public string Labels { get; set; } = "";
    public string Note { get; set; } = "";
    public string GivenBy { get; set; } = "";
    public DateTime GivenAt { get; set; }

    public OpinionDto ToDto() => new(Id, ContentId, OrganisationId, Kind, Labels.Length == 0 ? [] : Labels.Split(','), Note, GivenBy, GivenAt);
}

internal sealed record OpinionDto(Guid Id, Guid ContentId, Guid OrganisationId, string Opinion, IReadOnlyList<string> Labels, string Note,
    string GivenBy, DateTime GivenAt);

/// <summary>
/// An item's opinions in figures. <c>confidence</c> is (support + 1) / (support + disagree + 2), where support counts
/// agree, saw-this-too and disagree-with-labels (that member still wants the item shared): 0.5 with no opinions,
/// rising towards 1 with agreement and falling towards 0 with disagreement.
/// </summary>
internal sealed record OpinionSummary(Guid ContentId, string Status, int Agree, int Disagree, int DisagreeWithLabels, int SawThisToo,
    double Confidence)
{
    public int Total => Agree + Disagree + DisagreeWithLabels + SawThisToo;

    public static OpinionSummary Of(Guid contentId, string status, IEnumerable<string> kinds)
    {
        var list = kinds.ToList();
        int agree = list.Count(k => k == OpinionKinds.Agree), disagree = list.Count(k => k == OpinionKinds.Disagree);
        int withLabels = list.Count(k => k == OpinionKinds.DisagreeWithLabels), saw = list.Count(k => k == OpinionKinds.SawThisToo);
        int support = agree + saw + withLabels;
        return new OpinionSummary(contentId, status, agree, disagree, withLabels, saw, Math.Round((support + 1.0) / (support + disagree + 2.0), 4));
    }
}

/// <summary>An item quarantined by its opinions, waiting for the forum operator to restore or disable it.</summary>
internal sealed class QuarantineCase
{
    public const string Open = "open";
    public const string Restored = "restored";
    public const string Disabled = "disabled";

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ContentId { get; set; }
    public string Reason { get; set; } = "";
    public string State { get; set; } = Open;
    public DateTime OpenedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public string ResolvedBy { get; set; } = "";
    public string Note { get; set; } = "";

    public QuarantineCaseDto ToDto() => new(Id, ContentId, Reason, State, OpenedAt, ResolvedAt, ResolvedBy, Note);
}

/// <param name="UnderReview">Open, with the item still matching: a match flood waiting for the operator or a second member.</param>
internal sealed record QuarantineCaseDto(Guid Id, Guid ContentId, string Reason, string State, DateTime OpenedAt, DateTime? ResolvedAt,
    string ResolvedBy, string Note, bool UnderReview = false);

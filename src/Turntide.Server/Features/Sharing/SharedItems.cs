using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Opinions;

namespace Turntide.Server.Features.Sharing;

/// <summary>One member's part in an item: a contribution, or (for an item added through a bank directly) the adding itself.</summary>
internal sealed record ProvenanceEntry(Guid OrganisationId, string Organisation, string By, DateTime At, IReadOnlyList<string> Labels,
    string Note, Guid? ContributionId);

/// <summary>An item as the sharing pages show it: the item, every member that contributed it, and its opinions in figures.</summary>
internal sealed record SharedItemView(BankContentDto Item, IReadOnlyList<ProvenanceEntry> Provenance, OpinionSummary Summary);

/// <summary>Loads provenance and opinion figures for a page of items in three queries, whatever the page's length.</summary>
internal static class SharedItems
{
    public static async Task<List<SharedItemView>> ViewsAsync(TurntideDb db, IReadOnlyList<BankContent> items, CancellationToken ct)
    {
        var ids = items.Select(c => c.Id).ToList();
        var contributions = await db.Contributions.AsNoTracking().Where(c => ids.Contains(c.ContentId)).ToListAsync(ct);
        var kinds = await db.Opinions.AsNoTracking().Where(o => ids.Contains(o.ContentId)).Select(o => new { o.ContentId, o.Kind }).ToListAsync(ct);
        var orgIds = contributions.Select(c => c.OrganisationId).Concat(items.Select(c => c.AddedByOrganisationId)).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        return [.. items.Select(c => new SharedItemView(
            c.ToDto(c.Bank?.Name ?? ""),
            Provenance(c, contributions.Where(x => x.ContentId == c.Id), names),
            OpinionSummary.Of(c.Id, c.Status.ToString().ToLowerInvariant(), kinds.Where(k => k.ContentId == c.Id).Select(k => k.Kind))))];
    }

    /// <summary>Contributors oldest first; an item added straight into a bank (no contribution) names the member that added it.</summary>
    public static List<ProvenanceEntry> Provenance(BankContent item, IEnumerable<Contribution> contributions, IReadOnlyDictionary<Guid, string> names)
    {
        var list = contributions.OrderBy(c => c.ContributedAt).ThenBy(c => c.Id)
            .Select(c => new ProvenanceEntry(c.OrganisationId, names.GetValueOrDefault(c.OrganisationId, "(unknown)"), c.ContributedBy,
                c.ContributedAt, c.LabelList, c.Note, c.Id)).ToList();
        if (list.Count == 0)
            list.Add(new ProvenanceEntry(item.AddedByOrganisationId, names.GetValueOrDefault(item.AddedByOrganisationId, "(unknown)"), item.AddedBy,
                item.AddedAt, [.. item.Labels.Select(l => l.Label).Order(StringComparer.Ordinal)], item.Note, null));
        return list;
    }
}

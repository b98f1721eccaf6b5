using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Contributions;

/// <summary>
/// Restores contributors that items stored before provenance became append-only lost. Then, an item added straight
/// into a bank (added, imported) had no contribution row, so when another member contributed the same signal the item's
/// provenance named that member alone. The audit log kept who added each item (<c>content.add</c>) and every
/// contribution and retraction (<c>contribution.*</c>): replaying them gives each item's contributors, and any that has
/// no row gets one back, audited as <c>contribution.restore</c>. An operator runs it with
/// <c>turntide admin repair-provenance</c> on a database that holds items from that time (a database made since has
/// nothing to repair); it is idempotent, so running it again changes nothing. See docs/ownership.md.
/// </summary>
internal sealed class ProvenanceRepair(TurntideDb db, AuditLog audit, ILogger? logger = null)
{
    public static readonly Actor RepairActor = Actor.System("provenance repair");

    private const int ReadPage = 2000;
    private const int WriteBatch = 500;

    private static readonly string[] Actions =
        ["content.add", "content.delete", "contribution.add", "contribution.update", "contribution.restore", "contribution.retract"];

    private static readonly string[] Entities = ["content", "contribution"];

    /// <summary>One contributor as the log last showed it; null when it retracted.</summary>
    private sealed record Known(Guid? ContributionId, string By, IReadOnlyList<string> Labels, string Note, DateTime At);

    /// <summary>Replays the log and restores missing contributors; returns how many rows it restored.</summary>
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var contributors = await ReplayAsync(ct);
        int restored = 0;
        foreach (var chunk in contributors.Keys.Chunk(WriteBatch))
            restored += await RestoreAsync(chunk, contributors, ct);
        if (restored > 0)
            logger?.LogInformation("Provenance repair restored {Count} contributors from the audit log", restored);
        return restored;
    }

    private async Task<Dictionary<Guid, Dictionary<Guid, Known?>>> ReplayAsync(CancellationToken ct)
    {
        var result = new Dictionary<Guid, Dictionary<Guid, Known?>>();
        long after = 0;
        while (true)
        {
            var page = await db.AuditEntries.AsNoTracking()
                .Where(a => a.Sequence > after && Entities.Contains(a.EntityType) && Actions.Contains(a.Action))
                .OrderBy(a => a.Sequence).Take(ReadPage)
                .Select(a => new { a.Sequence, a.Action, a.Before, a.After }).ToListAsync(ct);
            foreach (var e in page)
            {
                switch (e.Action)
                {
                    case "content.add" when Read(e.After) is { } item:
                        var adder = item.GetProperty("addedByOrganisationId").GetGuid();
                        var contentId = item.GetProperty("id").GetGuid();
                        Of(result, contentId)[adder] = new Known(null, item.GetProperty("addedBy").GetString() ?? "",
                            Labels(item), item.GetProperty("note").GetString() ?? "", item.GetProperty("addedAt").GetDateTime());
                        break;
                    case "content.delete" when Read(e.Before) is { } gone:
                        result.Remove(gone.GetProperty("id").GetGuid());
                        break;
                    case "contribution.retract" when Read(e.Before) is { } retracted:
                        Of(result, retracted.GetProperty("contentId").GetGuid())[retracted.GetProperty("organisationId").GetGuid()] = null;
                        break;
                    case "contribution.add" or "contribution.update" or "contribution.restore" when Read(e.After) is { } c:
                        Of(result, c.GetProperty("contentId").GetGuid())[c.GetProperty("organisationId").GetGuid()] = new Known(
                            c.GetProperty("id").GetGuid(), c.GetProperty("contributedBy").GetString() ?? "", Labels(c),
                            c.GetProperty("note").GetString() ?? "", c.GetProperty("contributedAt").GetDateTime());
                        break;
                }
            }
            if (page.Count < ReadPage)
                return result;
            after = page[^1].Sequence;
        }
    }

    /// <summary>One transaction per chunk of items: the rows they lack, each with its audit entry.</summary>
    private async Task<int> RestoreAsync(Guid[] contentIds, Dictionary<Guid, Dictionary<Guid, Known?>> contributors, CancellationToken ct)
    {
        await using var scope = await audit.BeginAsync(ct);
        // Read inside the audit lock, so two replicas starting at once restore a contributor only once.
        var existing = await db.Contents.AsNoTracking()
            .Where(c => contentIds.Contains(c.Id) && c.Bank!.Origin == null).Select(c => c.Id).ToListAsync(ct);
        if (existing.Count == 0)
            return 0;
        var rows = await db.Contributions.AsNoTracking().Where(c => existing.Contains(c.ContentId))
            .Select(c => new { c.Id, c.ContentId, c.OrganisationId }).ToListAsync(ct);
        var have = rows.Select(r => (r.ContentId, r.OrganisationId)).ToHashSet();
        var takenIds = rows.Select(r => r.Id).ToHashSet();
        var orgIds = contributors.Where(c => existing.Contains(c.Key)).SelectMany(c => c.Value.Keys).Distinct().ToList();
        var organisations = (await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).Select(o => o.Id).ToListAsync(ct)).ToHashSet();
        var restored = new List<Contribution>();
        foreach (var contentId in existing)
        {
            foreach (var (organisationId, known) in contributors[contentId])
            {
                if (known is null || have.Contains((contentId, organisationId)) || !organisations.Contains(organisationId))
                    continue;
                restored.Add(new Contribution
                {
                    Id = known.ContributionId is { } id && !takenIds.Contains(id) ? id : Guid.CreateVersion7(),
                    ContentId = contentId, OrganisationId = organisationId, ContributedBy = known.By,
                    Labels = string.Join(',', known.Labels.Order(StringComparer.Ordinal)), Note = known.Note,
                    ContributedAt = known.At, UpdatedAt = known.At,
                });
            }
        }
        if (restored.Count == 0)
            return 0;
        db.Contributions.AddRange(restored);
        foreach (var c in restored)
            scope.Record(RepairActor, "contribution.restore", "contribution", c.Id.ToString(), null, c.ToDto());
        await scope.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return restored.Count;
    }

    private static Dictionary<Guid, Known?> Of(Dictionary<Guid, Dictionary<Guid, Known?>> all, Guid contentId)
    {
        if (!all.TryGetValue(contentId, out var byOrganisation))
            all[contentId] = byOrganisation = [];
        return byOrganisation;
    }

    private static JsonElement? Read(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonDocument.Parse(json).RootElement.Clone();

    private static List<string> Labels(JsonElement e) =>
        e.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array
            ? [.. labels.EnumerateArray().Select(l => l.GetString() ?? "").Where(l => l.Length > 0)]
            : [];
}

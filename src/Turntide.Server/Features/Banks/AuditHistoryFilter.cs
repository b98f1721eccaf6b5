using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;

namespace Turntide.Server.Features.Banks;

/// <summary>
/// Which audit entries a reader of the audit log may see. An entry about a bank, its sharing, one of its items, or an
/// item's contributions, opinions and quarantine cases belongs to that bank; if the bank is private, the entry is shown
/// only to readers of the bank's owning organisation (<see cref="BankVisibility.SeesHistory"/>): its own auditors, or the
/// forum's admins and auditors when the forum owns it. Other entries (organisations, people, keys, taxonomy) are shown
/// as before. Like the exchange feed, the bank's sharing now decides, for its whole history.
/// </summary>
internal sealed class AuditHistoryFilter
{
    private readonly TurntideDb _db;
    private readonly HashSet<Guid> _hidden;
    private readonly Dictionary<Guid, Guid?> _contentBanks = [];

    private AuditHistoryFilter(TurntideDb db, HashSet<Guid> hidden)
    {
        _db = db;
        _hidden = hidden;
    }

    public static async Task<AuditHistoryFilter> ForAsync(TurntideDb db, Guid? viewer, CancellationToken ct)
    {
        var privateBanks = await db.Banks.AsNoTracking().Where(b => b.Private)
            .Select(b => new { b.Id, b.OwnerOrganisationId, b.Private }).ToListAsync(ct);
        var hidden = privateBanks.Where(b => !BankVisibility.SeesHistory(b.OwnerOrganisationId, b.Private, viewer)).Select(b => b.Id);
        return new AuditHistoryFilter(db, [.. hidden]);
    }

    /// <summary>The entries of <paramref name="batch"/> the reader may see, in the same order.</summary>
    public async Task<List<AuditEntry>> KeepAsync(IReadOnlyList<AuditEntry> batch, CancellationToken ct)
    {
        if (_hidden.Count == 0)
            return [.. batch];
        var banks = new Dictionary<long, Guid?>();
        var contents = new Dictionary<long, Guid>();
        foreach (var entry in batch)
        {
            switch (entry.EntityType)
            {
                case "bank" or "bank_sharing":
                    banks[entry.Sequence] = Guid.TryParse(entry.EntityId, out var bankId) ? bankId : null;
                    break;
                case "content":
                    banks[entry.Sequence] = Property(entry, "bankId");
                    break;
                case "contribution" or "opinion" or "quarantine_case":
                    if (Property(entry, "contentId") is { } contentId)
                        contents[entry.Sequence] = contentId;
                    break;
            }
        }
        await ResolveContentBanksAsync([.. contents.Values.Distinct()], ct);
        foreach (var (sequence, contentId) in contents)
            banks[sequence] = _contentBanks.GetValueOrDefault(contentId);
        return [.. batch.Where(e => !(banks.TryGetValue(e.Sequence, out var bank) && bank is { } b && _hidden.Contains(b)))];
    }

    /// <summary>The bank of each item: from its row, or, for an item since deleted, from its own audit entries.</summary>
    private async Task ResolveContentBanksAsync(List<Guid> ids, CancellationToken ct)
    {
        var missing = ids.Where(id => !_contentBanks.ContainsKey(id)).ToList();
        if (missing.Count == 0)
            return;
        foreach (var row in await _db.Contents.AsNoTracking().Where(c => missing.Contains(c.Id)).Select(c => new { c.Id, c.BankId }).ToListAsync(ct))
            _contentBanks[row.Id] = row.BankId;
        var deleted = missing.Where(id => !_contentBanks.ContainsKey(id)).Select(id => id.ToString()).ToList();
        if (deleted.Count == 0)
            return;
        var history = await _db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "content" && deleted.Contains(a.EntityId))
            .OrderBy(a => a.Sequence).ToListAsync(ct);
        foreach (var entry in history)
        {
            if (Guid.TryParse(entry.EntityId, out var id) && !_contentBanks.ContainsKey(id))
                _contentBanks[id] = Property(entry, "bankId");
        }
    }

    private static Guid? Property(AuditEntry entry, string name)
    {
        var snapshot = entry.After ?? entry.Before;
        if (snapshot is null)
            return null;
        try
        {
            using var json = JsonDocument.Parse(snapshot);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id) ? id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;

namespace Turntide.Server.Features.Matching;

/// <summary>Reads banks and items as the catalog keeps them, many ids per query.</summary>
internal static class CatalogReader
{
    /// <summary>Ids per query: well under PostgreSQL's and SQLite's parameter limits, and one round trip for a typical batch.</summary>
    internal const int IdsPerQuery = 500;

    public static async Task<long> AuditHeadAsync(TurntideDb db, CancellationToken ct) =>
        await db.AuditEntries.AsNoTracking().MaxAsync(a => (long?)a.Sequence, ct) ?? 0;

    /// <summary>The banks with these ids (every bank when null), with the members named on private ones; a bank not returned is gone.</summary>
    public static async Task<List<CatalogBank>> ReadBanksAsync(TurntideDb db, IReadOnlyCollection<Guid>? ids, CancellationToken ct)
    {
        var result = new List<CatalogBank>();
        foreach (var chunk in Chunks(ids))
        {
            var query = db.Banks.AsNoTracking();
            if (chunk is not null)
                query = query.Where(b => chunk.Contains(b.Id));
            var banks = await query.ToListAsync(ct);
            var privateIds = banks.Where(b => b.Private).Select(b => b.Id).ToList();
            var members = privateIds.Count == 0 ? [] : await db.BankMembers.AsNoTracking()
                .Where(m => privateIds.Contains(m.BankId)).ToListAsync(ct);
            var byBank = members.ToLookup(m => m.BankId, m => m.OrganisationId);
            result.AddRange(banks.Select(b => CatalogBank.From(b, [.. byBank[b.Id]])));
        }
        return result;
    }

    /// <summary>The items with these ids, with their labels and signals, in three queries per chunk; an item not returned is gone.</summary>
    public static async Task<List<CatalogContent>> ReadContentsAsync(TurntideDb db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var result = new List<CatalogContent>(ids.Count);
        foreach (var chunk in Chunks(ids))
        {
            var rows = await db.Contents.AsNoTracking().Where(c => chunk!.Contains(c.Id))
                .Select(c => new { c.Id, c.BankId, c.Status }).ToListAsync(ct);
            if (rows.Count == 0)
                continue;
            var found = rows.Select(r => r.Id).ToList();
            var labels = (await db.Labels.AsNoTracking().Where(l => found.Contains(l.ContentId))
                .Select(l => new { l.ContentId, l.Label }).ToListAsync(ct)).ToLookup(l => l.ContentId, l => l.Label);
            var signals = (await db.Signals.AsNoTracking().Where(s => found.Contains(s.ContentId))
                .Select(s => new { s.Id, s.ContentId, s.SignalType, s.Value }).ToListAsync(ct)).ToLookup(s => s.ContentId);
            result.AddRange(rows.Select(r => new CatalogContent(r.Id, r.BankId, r.Status,
                [.. labels[r.Id].Order(StringComparer.Ordinal)],
                [.. signals[r.Id].OrderBy(s => s.Id).Select(s => (s.Id, string.Intern(s.SignalType), s.Value))])));
        }
        return result;
    }

    private static IEnumerable<List<Guid>?> Chunks(IReadOnlyCollection<Guid>? ids)
    {
        if (ids is null)
        {
            yield return null;
            yield break;
        }
        foreach (var chunk in ids.Distinct().Chunk(IdsPerQuery))
            yield return [.. chunk];
    }
}

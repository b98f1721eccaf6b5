using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Features.Hosting;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Opinions;

namespace Turntide.Server.Features.Exchange;

/// <summary>A node's report: how often each shared item matched on it since its last report.</summary>
public sealed record MatchReport(IReadOnlyList<MatchReportItem>? Items);

public sealed record MatchReportItem(Guid ContentId, long Matches);

/// <summary>Items counted (unknown or unseen items are skipped silently) and those the report pushed into quarantine.</summary>
public sealed record MatchReportResult(int Counted, IReadOnlyList<Guid> Quarantined);

/// <summary>
/// Match floods: one shared signal matching far more uploads than any real piece of content would (a hash of a blank
/// frame, a logo) is usually a bad signal, and every member pays for it in false alerts. Nodes report their match
/// counts per item; the hub sums them per minute over a sliding window across members, and quarantines an item whose
/// sum crosses <see cref="ServerOptions.QuarantineFloodMatches"/> at once, through the same quarantine as disagreement,
/// so the change reaches every node through the feed.
/// </summary>
public sealed class MatchFlood(TurntideDb db, OpinionService opinions, IOptions<ServerOptions> options)
{
    public const int MaxItems = 1000;
    public const long MaxMatchesPerItem = 1_000_000_000;

    public async Task<MatchReportResult> ReportAsync(Actor actor, MatchReport report, CancellationToken ct = default)
    {
        if (actor.OrganisationId is not { } organisationId)
            throw new DomainException("Match reports come from member organisations.", StatusCodes.Status403Forbidden);
        var items = report.Items ?? [];
        if (items.Count > MaxItems)
            throw new DomainException($"A report has at most {MaxItems} items, not {items.Count}.", StatusCodes.Status413PayloadTooLarge);
        if (items.Any(i => i.Matches is < 0 or > MaxMatchesPerItem))
            throw new DomainException($"matches is 0 to {MaxMatchesPerItem}.");
        var totals = items.Where(i => i.Matches > 0).GroupBy(i => i.ContentId).ToDictionary(g => g.Key, g => Math.Min(MaxMatchesPerItem, g.Sum(i => i.Matches)));
        var ids = totals.Keys.ToList();
        var visibleBanks = db.Banks.VisibleTo(db, organisationId).Select(b => b.Id);
        var known = await db.Contents.Where(c => ids.Contains(c.Id) && visibleBanks.Contains(c.BankId)).Select(c => c.Id).ToListAsync(ct);
        if (known.Count == 0)
            return new MatchReportResult(0, []);

        var now = Timestamps.Now();
        var minute = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        foreach (var id in known)
            await AddCountAsync(id, organisationId, minute, totals[id], ct);
        var o = options.Value;
        var since = minute.AddMinutes(-o.QuarantineFloodWindowMinutes + 1);
        var sums = await db.MatchFloodCounts.Where(c => known.Contains(c.ContentId) && c.Minute >= since)
            .GroupBy(c => c.ContentId).Select(g => new { g.Key, Sum = g.Sum(c => c.Matches) }).ToListAsync(ct);
        var quarantined = new List<Guid>();
        foreach (var flood in sums.Where(s => s.Sum >= o.QuarantineFloodMatches).OrderBy(s => s.Key))
        {
            string reason = $"Match flood: {flood.Sum} matches reported in {o.QuarantineFloodWindowMinutes} min (threshold {o.QuarantineFloodMatches}).";
            if (await opinions.QuarantineAsync(actor, flood.Key, reason, ct))
                quarantined.Add(flood.Key);
        }
        // The flood has had its effect: counting starts afresh, so an item the operator restores is not quarantined
        // again by the very matches that sent it to the queue.
        if (quarantined.Count > 0)
            await db.MatchFloodCounts.Where(c => quarantined.Contains(c.ContentId)).ExecuteDeleteAsync(ct);
        // Old minutes are of no further use; dropping them here keeps the table to one window.
        await db.MatchFloodCounts.Where(c => c.Minute < since).ExecuteDeleteAsync(ct);
        return new MatchReportResult(known.Count, quarantined);
    }

    /// <summary>
    /// Adds to the minute's count in the database itself (<c>Matches = Matches + n</c>), so replicas of one member
    /// reporting in the same minute never overwrite each other's counts; the first report of a minute inserts the row.
    /// </summary>
    private async Task AddCountAsync(Guid contentId, Guid organisationId, DateTime minute, long matches, CancellationToken ct)
    {
        for (int attempt = 0; ; attempt++)
        {
            int updated = await db.MatchFloodCounts
                .Where(c => c.ContentId == contentId && c.OrganisationId == organisationId && c.Minute == minute)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Matches, c => c.Matches + matches), ct);
            if (updated > 0)
                return;
            try
            {
                db.MatchFloodCounts.Add(new MatchFloodCount { ContentId = contentId, OrganisationId = organisationId, Minute = minute, Matches = matches });
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // Another report inserted the minute's row first: add on top of it.
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}

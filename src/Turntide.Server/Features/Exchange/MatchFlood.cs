using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Opinions;

namespace Turntide.Server.Features.Exchange;

/// <summary>A node's report: how often each shared item matched on it since its last report.</summary>
internal sealed record MatchReport(IReadOnlyList<MatchReportItem>? Items);

internal sealed record MatchReportItem(Guid ContentId, long Matches);

/// <summary>
/// Items counted (items the caller's organisation cannot see, or that are not enabled, are skipped silently), those the
/// report put under review, and those it pushed into quarantine.
/// </summary>
internal sealed record MatchReportResult(int Counted, IReadOnlyList<Guid> Quarantined, IReadOnlyList<Guid>? UnderReview = null);

/// <summary>
/// Match floods: one shared signal matching far more uploads than any real piece of content would (a hash of a blank
/// frame, a logo) is usually a bad signal, and every member pays for it in false alerts. Members' nodes report their
/// match counts per item; the hub sums them per minute over a sliding window. Each member's sum counts at most its share,
/// <see cref="ExchangeOptions.QuarantineFloodMatches"/> / <see cref="ExchangeOptions.QuarantineFloodMembers"/>, so no member
/// alone can take an item out of matching: a member reaching its share puts the item under review (a case in the
/// operator's queue; the item goes on matching), and only the shares of at least
/// <see cref="ExchangeOptions.QuarantineFloodMembers"/> members together quarantine it (or the operator's decision, or a
/// second member's disagreement). Only items the member's nodes hold count: enabled items of banks it may see.
/// </summary>
internal sealed class MatchFlood(TurntideDb db, OpinionService opinions, IOptions<ExchangeOptions> options)
{
    public const int MaxItems = 1000;
    public const long MaxMatchesPerItem = 1_000_000_000;

    /// <summary>The most one member's reports count towards a flood in one window.</summary>
    public static long MemberShare(ExchangeOptions o) => (o.QuarantineFloodMatches + o.QuarantineFloodMembers - 1) / o.QuarantineFloodMembers;

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
        // What the member's nodes hold, and so can match: enabled items of enabled banks it may see.
        var visibleBanks = db.Banks.VisibleTo(db, organisationId).Where(b => b.Enabled).Select(b => b.Id);
        var known = await db.Contents.Where(c => ids.Contains(c.Id) && visibleBanks.Contains(c.BankId) && c.Status == ContentStatus.Enabled)
            .Select(c => c.Id).ToListAsync(ct);
        if (known.Count == 0)
            return new MatchReportResult(0, [], []);

        var o = options.Value;
        long share = MemberShare(o);
        var now = Timestamps.Now();
        var minute = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        var since = minute.AddMinutes(-o.QuarantineFloodWindowMinutes + 1);
        foreach (var id in known)
            await AddCountAsync(id, organisationId, minute, totals[id], ct);
        var perMember = await db.MatchFloodCounts.Where(c => known.Contains(c.ContentId) && c.Minute >= since)
            .GroupBy(c => new { c.ContentId, c.OrganisationId }).Select(g => new { g.Key.ContentId, Sum = g.Sum(c => c.Matches) }).ToListAsync(ct);
        var floods = perMember.GroupBy(m => m.ContentId)
            .Select(g => (Id: g.Key, Weighted: g.Sum(m => Math.Min(m.Sum, share)), Members: g.Count(m => m.Sum > 0), Reported: g.Sum(m => m.Sum)))
            .Where(f => f.Weighted >= share).OrderBy(f => f.Id).ToList();
        var quarantined = new List<Guid>();
        var reviews = new Dictionary<Guid, string>();
        foreach (var flood in floods)
        {
            string counts = $"{flood.Reported} matches from {flood.Members} member(s) in {o.QuarantineFloodWindowMinutes} min";
            if (flood.Weighted >= o.QuarantineFloodMatches && flood.Members >= o.QuarantineFloodMembers)
            {
                string reason = $"Match flood: {counts}, at least {o.QuarantineFloodMembers} members' shares of {share} (threshold {o.QuarantineFloodMatches}).";
                if (await opinions.QuarantineAsync(actor, flood.Id, reason, ct))
                    quarantined.Add(flood.Id);
            }
            else
            {
                string reason = $"Match flood under review: {counts}; one member's share is {share} of the {o.QuarantineFloodMatches} that, " +
                    $"from at least {o.QuarantineFloodMembers} members, quarantine it. The item goes on matching until the operator or a second member confirms.";
                reviews[flood.Id] = reason;
            }
        }
        var underReview = await opinions.OpenReviewsAsync(actor, reviews, ct);
        // Old minutes are of no further use; dropping them here keeps the table to one window.
        await db.MatchFloodCounts.Where(c => c.Minute < since).ExecuteDeleteAsync(ct);
        return new MatchReportResult(known.Count, quarantined, underReview);
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

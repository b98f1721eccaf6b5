using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Taxonomy;

namespace Turntide.Server.Features.Opinions;

internal sealed record NewOpinion(string Opinion, string? Note, IReadOnlyList<string>? Labels);

internal sealed record QuarantineDecision(string Decision, string? Note);

/// <summary>What an opinion did: the item's figures after it, and whether it quarantined the item.</summary>
internal sealed record OpinionResult(OpinionDto Opinion, OpinionSummary Summary, bool Quarantined);

/// <summary>
/// Members' opinions of shared items, and the quarantine they trigger: when enough members disagree
/// (<see cref="OpinionsOptions.QuarantineDisagreements"/> and <see cref="OpinionsOptions.QuarantineDisagreementShare"/>),
/// the item is quarantined in the same transaction as the opinion, stops matching at once, and waits in the forum
/// operator's queue.
/// </summary>
internal sealed class OpinionService(TurntideDb db, AuditLog audit, BankService banks, TaxonomyService taxonomy,
    IOptions<OpinionsOptions> options)
{
    public async Task<OpinionResult> GiveAsync(Actor actor, Guid contentId, NewOpinion input, CancellationToken ct = default)
    {
        if (actor.OrganisationId is not { } organisationId)
            throw new DomainException("An opinion needs an organisation.");
        var kind = (input.Opinion ?? "").Trim().ToLowerInvariant();
        if (!OpinionKinds.All.Contains(kind))
            throw new DomainException($"Unknown opinion '{(kind.Length > 40 ? kind[..37] + "..." : kind)}': use {string.Join(", ", OpinionKinds.All)}.");
        var labels = BankService.CheckLabels(input.Labels ?? []);
        if (kind == OpinionKinds.DisagreeWithLabels)
        {
            if (labels.Count == 0)
                throw new DomainException("disagree_with_labels needs the labels you would give.");
            await taxonomy.RequireKnownAsync(labels, ct: ct);
        }
        else if (labels.Count > 0)
            throw new DomainException("Only disagree_with_labels carries labels.");
        var note = BankService.CheckNote(input.Note) ?? "";
        // The item is read under the audit lock, so that one a retraction deletes meanwhile answers 404, not a
        // foreign-key failure at commit.
        await using var scope = await audit.BeginAsync(ct);
        await BankVisibility.RequireContentVisibleAsync(db, actor, contentId, ct);
        var content = await banks.LoadContentAsync(contentId, ct);
        var now = Timestamps.Now();
        var opinion = await db.Opinions.FirstOrDefaultAsync(o => o.ContentId == contentId && o.OrganisationId == organisationId, ct);
        var before = opinion?.ToDto();
        if (opinion is null)
        {
            opinion = new Opinion { ContentId = contentId, OrganisationId = organisationId, Kind = kind };
            db.Opinions.Add(opinion);
        }
        opinion.Kind = kind;
        opinion.Labels = string.Join(',', labels);
        opinion.Note = note;
        opinion.GivenBy = actor.Name;
        opinion.GivenAt = now;
        scope.Record(actor, before is null ? "opinion.give" : "opinion.change", "opinion", opinion.Id.ToString(), before, opinion.ToDto());
        await db.SaveChangesAsync(ct);

        var kinds = await db.Opinions.Where(o => o.ContentId == contentId).Select(o => o.Kind).ToListAsync(ct);
        var summary = OpinionSummary.Of(contentId, Status(content), kinds);
        // An enabled item with an open case is under review (a match flood). A disagreement from a member whose nodes did
        // not report the flood is the second member's confirmation: the item leaves matching.
        bool underReview = content.Status == ContentStatus.Enabled
            && await db.QuarantineCases.AnyAsync(q => q.ContentId == contentId && q.State == QuarantineCase.Open, ct);
        bool confirmsFlood = underReview && kind == OpinionKinds.Disagree
            && !await db.MatchFloodCounts.AnyAsync(c => c.ContentId == contentId && c.OrganisationId == organisationId, ct);
        bool quarantine = content.Status == ContentStatus.Enabled && (CrossesThreshold(summary) || confirmsFlood);
        if (quarantine)
        {
            var reason = confirmsFlood && !CrossesThreshold(summary)
                ? $"A second member disagrees with an item under review for a match flood ({actor.Name})."
                : $"{summary.Disagree} of {summary.Total} members disagree (threshold {options.Value.QuarantineDisagreements} and {options.Value.QuarantineDisagreementShare:P0}).";
            await QuarantineAsync(scope, actor, content, reason, now, ct);
            summary = summary with { Status = Status(content) };
        }
        await scope.CommitAsync(ct);
        if (quarantine)
            await scope.WaitAppliedAsync(ct);
        return new OpinionResult(opinion.ToDto(), summary, quarantine);
    }

    /// <summary>
    /// Quarantines an enabled item for another reason than opinions (a match flood confirmed by a second member): it stops
    /// matching at once and waits in the same queue, in the case its review opened if it is under review. False when it
    /// is not enabled.
    /// </summary>
    public async Task<bool> QuarantineAsync(Actor actor, Guid contentId, string reason, CancellationToken ct = default)
    {
        var content = await banks.LoadContentAsync(contentId, ct);
        await using var scope = await audit.BeginAsync(ct);
        if (content.Status != ContentStatus.Enabled)
            return false;
        await QuarantineAsync(scope, actor, content, reason, Timestamps.Now(), ct);
        await scope.CommitAsync(ct);
        await scope.WaitAppliedAsync(ct);
        return true;
    }

    /// <summary>
    /// Puts enabled items under review, all in one audited transaction (a report may name a thousand): a case opens in
    /// the operator's queue for each and the items go on matching, until the operator decides or a second member
    /// confirms. Items not enabled, or with an open case already, are left as they are. Returns those put under review.
    /// </summary>
    public async Task<List<Guid>> OpenReviewsAsync(Actor actor, IReadOnlyDictionary<Guid, string> reasons, CancellationToken ct = default)
    {
        if (reasons.Count == 0)
            return [];
        var ids = reasons.Keys.ToList();
        await using var scope = await audit.BeginAsync(ct);
        var enabled = await db.Contents.Where(c => ids.Contains(c.Id) && c.Status == ContentStatus.Enabled).Select(c => c.Id).ToListAsync(ct);
        var withCase = (await db.QuarantineCases.Where(q => ids.Contains(q.ContentId) && q.State == QuarantineCase.Open)
            .Select(q => q.ContentId).ToListAsync(ct)).ToHashSet();
        var opened = enabled.Where(id => !withCase.Contains(id)).Order().ToList();
        if (opened.Count == 0)
            return [];
        var now = Timestamps.Now();
        foreach (var id in opened)
        {
            var queued = new QuarantineCase { ContentId = id, Reason = Shorten(reasons[id]), OpenedAt = now };
            db.QuarantineCases.Add(queued);
            scope.Record(actor, "quarantine.review", "quarantine_case", queued.Id.ToString(), null, queued.ToDto());
        }
        await scope.CommitAsync(ct);
        return opened;
    }

    private async Task QuarantineAsync(AuditScope scope, Actor actor, BankContent content, string reason, DateTime now, CancellationToken ct)
    {
        var contentBefore = content.ToDto(content.Bank!.Name);
        content.Status = ContentStatus.Quarantined;
        content.UpdatedAt = now;
        scope.Record(actor, "content.quarantine", "content", content.Id.ToString(), contentBefore, content.ToDto(content.Bank.Name));
        var review = await db.QuarantineCases.FirstOrDefaultAsync(q => q.ContentId == content.Id && q.State == QuarantineCase.Open, ct);
        if (review is null)
        {
            var queued = new QuarantineCase { ContentId = content.Id, Reason = Shorten(reason), OpenedAt = now };
            db.QuarantineCases.Add(queued);
            scope.Record(actor, "quarantine.open", "quarantine_case", queued.Id.ToString(), null, queued.ToDto());
        }
        else
        {
            // The case under review goes on, now for an item out of matching: one case per item, its history in the reason.
            var before = review.ToDto();
            review.Reason = Shorten($"{reason} Under review before: {review.Reason}");
            scope.Record(actor, "quarantine.confirm", "quarantine_case", review.Id.ToString(), before, review.ToDto());
        }
        // Flood counts have had their effect: a restored item starts counting afresh.
        await db.MatchFloodCounts.Where(c => c.ContentId == content.Id).ExecuteDeleteAsync(ct);
    }

    private static string Shorten(string reason) => reason.Length <= 500 ? reason : reason[..497] + "...";

    public async Task<(OpinionSummary Summary, List<OpinionDto> Opinions)> ListAsync(Actor actor, Guid contentId, CancellationToken ct = default)
    {
        await BankVisibility.RequireContentVisibleAsync(db, actor, contentId, ct);
        var content = await banks.LoadContentAsync(contentId, ct);
        var opinions = await db.Opinions.AsNoTracking().Where(o => o.ContentId == contentId).ToListAsync(ct);
        return (OpinionSummary.Of(contentId, Status(content), opinions.Select(o => o.Kind)),
            [.. opinions.OrderBy(o => o.GivenAt).ThenBy(o => o.Id).Select(o => o.ToDto())]);
    }

    public async Task<List<QuarantineCaseDto>> QueueAsync(bool openOnly, CancellationToken ct = default)
    {
        var cases = (await db.QuarantineCases.AsNoTracking().Where(q => !openOnly || q.State == QuarantineCase.Open).ToListAsync(ct))
            .OrderBy(q => q.OpenedAt).ThenBy(q => q.Id).Take(1000).ToList();
        var open = cases.Where(q => q.State == QuarantineCase.Open).Select(q => q.ContentId).ToList();
        var matching = (await db.Contents.AsNoTracking().Where(c => open.Contains(c.Id) && c.Status == ContentStatus.Enabled)
            .Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        return [.. cases.Select(q => q.ToDto() with { UnderReview = q.State == QuarantineCase.Open && matching.Contains(q.ContentId) })];
    }

    /// <summary>The forum operator's decision on a quarantined item: restore it (it matches again) or disable it.</summary>
    public async Task<QuarantineCaseDto> ResolveAsync(Actor actor, Guid caseId, QuarantineDecision decision, CancellationToken ct = default)
    {
        if (!actor.IsSystem && actor.OrganisationKind != OrganisationKinds.Forum)
            throw new DomainException("Only the forum operator resolves quarantined items.", StatusCodes.Status403Forbidden);
        var state = (decision.Decision ?? "").Trim().ToLowerInvariant() switch
        {
            "restore" => QuarantineCase.Restored,
            "disable" => QuarantineCase.Disabled,
            _ => throw new DomainException("The decision is restore or disable."),
        };
        var note = BankService.CheckNote(decision.Note) ?? "";
        var queued = await db.QuarantineCases.FirstOrDefaultAsync(q => q.Id == caseId, ct)
            ?? throw new DomainException($"No quarantine case {caseId}.", StatusCodes.Status404NotFound);
        if (queued.State != QuarantineCase.Open)
            throw new DomainException($"The case is already {queued.State}.", StatusCodes.Status409Conflict);
        var content = await banks.LoadContentAsync(queued.ContentId, ct);

        await using var scope = await audit.BeginAsync(ct);
        var caseBefore = queued.ToDto();
        var contentBefore = content.ToDto(content.Bank!.Name);
        queued.State = state;
        queued.ResolvedAt = Timestamps.Now();
        queued.ResolvedBy = actor.Name;
        queued.Note = note;
        content.Status = state == QuarantineCase.Restored ? ContentStatus.Enabled : ContentStatus.Disabled;
        content.UpdatedAt = queued.ResolvedAt.Value;
        scope.Record(actor, "quarantine." + (state == QuarantineCase.Restored ? "restore" : "disable"), "quarantine_case", queued.Id.ToString(), caseBefore, queued.ToDto());
        scope.Record(actor, "content.status", "content", content.Id.ToString(), contentBefore, content.ToDto(content.Bank.Name));
        // Decided: the matches that sent the item here count no more, so a restored item starts counting afresh.
        await db.MatchFloodCounts.Where(c => c.ContentId == content.Id).ExecuteDeleteAsync(ct);
        await scope.CommitAsync(ct);
        await scope.WaitAppliedAsync(ct);
        return queued.ToDto();
    }

    private bool CrossesThreshold(OpinionSummary s) =>
        s.Disagree >= options.Value.QuarantineDisagreements && s.Disagree >= options.Value.QuarantineDisagreementShare * s.Total;

    private static string Status(BankContent c) => c.Status.ToString().ToLowerInvariant();
}

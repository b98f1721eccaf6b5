using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Hosting;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;
using Turntide.Server.Features.Taxonomy;

namespace Turntide.Server.Features.Opinions;

public sealed record NewOpinion(string Opinion, string? Note, IReadOnlyList<string>? Labels);

public sealed record QuarantineDecision(string Decision, string? Note);

/// <summary>What an opinion did: the item's figures after it, and whether it quarantined the item.</summary>
public sealed record OpinionResult(OpinionDto Opinion, OpinionSummary Summary, bool Quarantined);

/// <summary>
/// Members' opinions of shared items, and the quarantine they trigger: when enough members disagree
/// (<see cref="ServerOptions.QuarantineDisagreements"/> and <see cref="ServerOptions.QuarantineDisagreementShare"/>),
/// the item is quarantined in the same transaction as the opinion, stops matching at once, and waits in the forum
/// operator's queue.
/// </summary>
public sealed class OpinionService(TurntideDb db, AuditLog audit, SignalCatalog catalog, BankService banks, TaxonomyService taxonomy,
    IOptions<ServerOptions> options)
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
        await Exchange.BankVisibility.RequireContentVisibleAsync(db, actor, contentId, ct);
        var content = await banks.LoadContentAsync(contentId, ct);

        await using var scope = await audit.BeginAsync(ct);
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
        bool quarantine = content.Status == ContentStatus.Enabled && CrossesThreshold(summary)
            && !await db.QuarantineCases.AnyAsync(q => q.ContentId == contentId && q.State == QuarantineCase.Open, ct);
        if (quarantine)
        {
            var reason = $"{summary.Disagree} of {summary.Total} members disagree (threshold {options.Value.QuarantineDisagreements} and {options.Value.QuarantineDisagreementShare:P0}).";
            Quarantine(scope, actor, content, reason, now);
            summary = summary with { Status = Status(content) };
        }
        await scope.CommitAsync(ct);
        if (quarantine)
            catalog.Upsert(BankService.ToCatalog(content));
        return new OpinionResult(opinion.ToDto(), summary, quarantine);
    }

    /// <summary>
    /// Quarantines an enabled item for another reason than opinions (a match flood reported by nodes): it stops matching
    /// at once and waits in the same queue. False when it is not enabled or already has an open case.
    /// </summary>
    public async Task<bool> QuarantineAsync(Actor actor, Guid contentId, string reason, CancellationToken ct = default)
    {
        var content = await banks.LoadContentAsync(contentId, ct);
        await using var scope = await audit.BeginAsync(ct);
        if (content.Status != ContentStatus.Enabled
            || await db.QuarantineCases.AnyAsync(q => q.ContentId == contentId && q.State == QuarantineCase.Open, ct))
            return false;
        Quarantine(scope, actor, content, reason, Timestamps.Now());
        await scope.CommitAsync(ct);
        catalog.Upsert(BankService.ToCatalog(content));
        return true;
    }

    private void Quarantine(AuditScope scope, Actor actor, BankContent content, string reason, DateTime now)
    {
        var contentBefore = content.ToDto(content.Bank!.Name);
        content.Status = ContentStatus.Quarantined;
        content.UpdatedAt = now;
        var queued = new QuarantineCase { ContentId = content.Id, Reason = reason, OpenedAt = now };
        db.QuarantineCases.Add(queued);
        scope.Record(actor, "content.quarantine", "content", content.Id.ToString(), contentBefore, content.ToDto(content.Bank.Name));
        scope.Record(actor, "quarantine.open", "quarantine_case", queued.Id.ToString(), null, queued.ToDto());
    }

    public async Task<(OpinionSummary Summary, List<OpinionDto> Opinions)> ListAsync(Actor actor, Guid contentId, CancellationToken ct = default)
    {
        await Exchange.BankVisibility.RequireContentVisibleAsync(db, actor, contentId, ct);
        var content = await banks.LoadContentAsync(contentId, ct);
        var opinions = await db.Opinions.AsNoTracking().Where(o => o.ContentId == contentId).ToListAsync(ct);
        return (OpinionSummary.Of(contentId, Status(content), opinions.Select(o => o.Kind)),
            [.. opinions.OrderBy(o => o.GivenAt).ThenBy(o => o.Id).Select(o => o.ToDto())]);
    }

    public async Task<List<QuarantineCaseDto>> QueueAsync(bool openOnly, CancellationToken ct = default) =>
        [.. (await db.QuarantineCases.AsNoTracking().Where(q => !openOnly || q.State == QuarantineCase.Open).ToListAsync(ct))
            .OrderBy(q => q.OpenedAt).ThenBy(q => q.Id).Take(1000).Select(q => q.ToDto())];

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
        await scope.CommitAsync(ct);
        catalog.Upsert(BankService.ToCatalog(content));
        return queued.ToDto();
    }

    private bool CrossesThreshold(OpinionSummary s) =>
        s.Disagree >= options.Value.QuarantineDisagreements && s.Disagree >= options.Value.QuarantineDisagreementShare * s.Total;

    private static string Status(BankContent c) => c.Status.ToString().ToLowerInvariant();
}

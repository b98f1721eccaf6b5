using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;
using Turntide.Core.Signals;
using Turntide.Server.Features.Taxonomy;

namespace Turntide.Server.Features.Contributions;

/// <summary>A member sends signals of one piece of media to a bank on the hub, with labels and a note.</summary>
internal sealed record NewContribution(string Bank, IReadOnlyList<SignalDto> Signals, IReadOnlyList<string>? Labels, string? Note);

/// <summary>What the hub did with a contribution: the item it landed in, whether it joined an existing one, and every contributor.</summary>
internal sealed record ContributionResult(ContributionDto Contribution, BankContentDto Content, bool Merged, IReadOnlyList<ContributionDto> Provenance);

/// <summary>
/// Contributions: a signal that a member already shared in a bank is not stored twice; the new contribution joins
/// the existing item (its signals and labels are added to the item's) and the item's provenance lists every
/// contributor. Each change is one audited transaction; the audit lock also serialises the look-up of an existing
/// item with the write, so two members sending the same signal at once still make one item.
/// </summary>
internal sealed class ContributionService(TurntideDb db, AuditLog audit, BankService banks, TaxonomyService taxonomy)
{
    public async Task<ContributionResult> ContributeAsync(Actor actor, NewContribution input, CancellationToken ct = default)
    {
        if (actor.OrganisationId is not { } organisationId)
            throw new DomainException("A contribution needs a contributing organisation.");
        var bank = await banks.FindBankAsync(input.Bank ?? "", ct);
        await BankVisibility.RequireVisibleAsync(db, actor, bank.Id, ct);
        var signals = CheckSignals(input.Signals);
        var labels = BankService.CheckLabels(input.Labels ?? []);
        await taxonomy.RequireKnownAsync(labels, ct: ct);
        var note = BankService.CheckNote(input.Note) ?? "";

        await using var scope = await audit.BeginAsync(ct);
        var now = Timestamps.Now();
        var existing = await FindSharingAsync(bank.Id, signals, ct);
        BankContent content;
        Contribution contribution;
        bool merged = existing is not null;
        if (existing is null)
        {
            content = new BankContent
            {
                BankId = bank.Id, AddedByOrganisationId = organisationId, AddedBy = actor.Name, AddedAt = now, UpdatedAt = now,
                Note = note, Signals = [.. signals.Select(s => new ContentSignal { SignalType = s.SignalType, Value = s.Value })],
            };
            content.Labels = [.. labels.Select(l => new ContentLabel { ContentId = content.Id, Label = l })];
            db.Contents.Add(content);
            contribution = NewRow(content.Id, organisationId, actor, labels, note, now);
            db.Set<Contribution>().Add(contribution);
            await db.SaveChangesAsync(ct);
            scope.Record(actor, "content.add", "content", content.Id.ToString(), null, content.ToDto(bank.Name));
            scope.Record(actor, "contribution.add", "contribution", contribution.Id.ToString(), null, contribution.ToDto());
        }
        else
        {
            content = existing;
            var before = content.ToDto(bank.Name);
            var fresh = signals.Where(s => !content.Signals.Any(x => x.SignalType == s.SignalType && x.Value == s.Value)).ToList();
            if (content.Signals.Count + fresh.Count > BankContent.MaxSignals)
                throw new DomainException($"Merged with item {content.Id}, it would hold more than {BankContent.MaxSignals} signals.", StatusCodes.Status422UnprocessableEntity);
            var newLabels = labels.Where(l => content.Labels.All(x => x.Label != l)).ToList();
            if (content.Labels.Count + newLabels.Count > BankContent.MaxLabels)
                throw new DomainException($"Merged with item {content.Id}, it would carry more than {BankContent.MaxLabels} labels.", StatusCodes.Status422UnprocessableEntity);
            foreach (var s in fresh)
                content.Signals.Add(new ContentSignal { SignalType = s.SignalType, Value = s.Value });
            foreach (var l in newLabels)
                content.Labels.Add(new ContentLabel { ContentId = content.Id, Label = l });
            var mine = await db.Set<Contribution>().FirstOrDefaultAsync(c => c.ContentId == content.Id && c.OrganisationId == organisationId, ct);
            if (mine is null)
            {
                contribution = NewRow(content.Id, organisationId, actor, labels, note, now);
                db.Set<Contribution>().Add(contribution);
                scope.Record(actor, "contribution.add", "contribution", contribution.Id.ToString(), null, contribution.ToDto());
            }
            else
            {
                // The same member sending again refreshes its own labels and note: a retry never duplicates.
                contribution = mine;
                var mineBefore = mine.ToDto();
                mine.Labels = string.Join(',', labels.Union(mine.LabelList).Order(StringComparer.Ordinal));
                if (note.Length > 0)
                    mine.Note = note;
                mine.UpdatedAt = now;
                scope.Record(actor, "contribution.update", "contribution", mine.Id.ToString(), mineBefore, mine.ToDto());
            }
            if (fresh.Count > 0 || newLabels.Count > 0)
            {
                content.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
                scope.Record(actor, "content.merge", "content", content.Id.ToString(), before, content.ToDto(bank.Name));
            }
        }
        await scope.CommitAsync(ct);
        await scope.WaitAppliedAsync(ct);
        return new ContributionResult(contribution.ToDto(), content.ToDto(bank.Name), merged, await ProvenanceAsync(content.Id, ct));
    }

    /// <summary>
    /// Withdraws a member's own contribution. Labels only it gave leave the item; an item that came from this
    /// contribution alone is deleted (and stops matching at once).
    /// </summary>
    public async Task RetractAsync(Actor actor, Guid contributionId, CancellationToken ct = default)
    {
        // Read under the audit lock: a concurrent delete of the item (or its bank) removes this contribution with it,
        // and a read before the lock would then try to delete a row that is gone.
        await using var scope = await audit.BeginAsync(ct);
        var contribution = await db.Set<Contribution>().FirstOrDefaultAsync(c => c.Id == contributionId, ct)
            ?? throw new DomainException($"No contribution {contributionId}.", StatusCodes.Status404NotFound);
        // Another member's contribution is answered as missing: a 403 would tell that it exists (docs/ownership.md).
        if (contribution.OrganisationId != actor.OrganisationId && !actor.IsSystem)
            throw new DomainException($"No contribution {contributionId}.", StatusCodes.Status404NotFound);
        var content = await banks.LoadContentAsync(contribution.ContentId, ct);
        var remaining = await db.Set<Contribution>().Where(c => c.ContentId == content.Id && c.Id != contribution.Id).ToListAsync(ct);
        db.Set<Contribution>().Remove(contribution);
        scope.Record(actor, "contribution.retract", "contribution", contribution.Id.ToString(), contribution.ToDto(), null);
        var before = content.ToDto(content.Bank!.Name);
        bool deleted = remaining.Count == 0 && content.AddedByOrganisationId == contribution.OrganisationId;
        if (deleted)
        {
            db.Contents.Remove(content);
            scope.Record(actor, "content.delete", "content", content.Id.ToString(), before, null);
        }
        else
        {
            var stillGiven = remaining.SelectMany(c => c.LabelList).ToHashSet();
            int dropped = content.Labels.RemoveAll(l => contribution.LabelList.Contains(l.Label) && !stillGiven.Contains(l.Label));
            if (dropped > 0)
            {
                content.UpdatedAt = Timestamps.Now();
                scope.Record(actor, "content.labels", "content", content.Id.ToString(), before, content.ToDto(content.Bank.Name));
            }
        }
        await scope.CommitAsync(ct);
        await scope.WaitAppliedAsync(ct);
    }

    /// <summary>Every member that contributed the item, oldest first.</summary>
    public async Task<IReadOnlyList<ContributionDto>> ProvenanceAsync(Guid contentId, CancellationToken ct = default) =>
        (await db.Set<Contribution>().AsNoTracking().Where(c => c.ContentId == contentId).ToListAsync(ct))
            .OrderBy(c => c.ContributedAt).ThenBy(c => c.Id).Select(c => c.ToDto()).ToList();

    /// <summary>The oldest item of the bank holding any of the signals, loaded for change; null when none does.</summary>
    private async Task<BankContent?> FindSharingAsync(Guid bankId, IReadOnlyList<SignalDto> signals, CancellationToken ct)
    {
        var values = signals.Select(s => s.Value).Distinct().ToList();
        var candidates = await db.Signals.AsNoTracking().Where(s => values.Contains(s.Value) && s.Content!.BankId == bankId)
            .Select(s => new { s.ContentId, s.SignalType, s.Value }).ToListAsync(ct);
        var ids = candidates.Where(c => signals.Any(s => s.SignalType == c.SignalType && s.Value == c.Value)).Select(c => c.ContentId).Distinct().ToList();
        if (ids.Count == 0)
            return null;
        var oldest = await db.Contents.Where(c => ids.Contains(c.Id)).OrderBy(c => c.AddedAt).ThenBy(c => c.Id).Select(c => c.Id).FirstAsync(ct);
        return await db.Contents.Include(c => c.Signals).Include(c => c.Labels).AsSplitQuery().FirstAsync(c => c.Id == oldest, ct);
    }

    private static List<SignalDto> CheckSignals(IReadOnlyList<SignalDto>? input)
    {
        if (input is null || input.Count == 0)
            throw new DomainException("A contribution needs at least one signal.");
        if (input.Count > BankContent.MaxSignals)
            throw new DomainException($"A contribution has at most {BankContent.MaxSignals} signals, not {input.Count}.");
        var result = new List<SignalDto>();
        foreach (var s in input)
        {
            var (type, canonical, error) = SignalTypes.Validate(s?.SignalType, s?.Value);
            if (error is not null)
                throw new DomainException(error);
            if (!result.Any(x => x.SignalType == type!.Name && x.Value == canonical))
                result.Add(new SignalDto(type!.Name, canonical!));
        }
        return result;
    }

    private static Contribution NewRow(Guid contentId, Guid organisationId, Actor actor, IEnumerable<string> labels, string note, DateTime now) => new()
    {
        ContentId = contentId, OrganisationId = organisationId, ContributedBy = actor.Name,
        Labels = string.Join(',', labels.Order(StringComparer.Ordinal)), Note = note, ContributedAt = now, UpdatedAt = now,
    };
}

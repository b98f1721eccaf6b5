using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Contributions;
using Turntide.Server.Features.Members;
using Turntide.Core.Signals;
using Turntide.Server.Features.Taxonomy;

namespace Turntide.Server.Features.Banks;

/// <summary>A new item: its signals (type and value), labels and a note.</summary>
internal sealed record NewContent(IReadOnlyList<SignalDto> Signals, IReadOnlyList<string>? Labels, string? Note, string? Status);

/// <summary>Changes to an item; null leaves a field as it is.</summary>
internal sealed record ContentChanges(string? Status, IReadOnlyList<string>? Labels, string? Note);

/// <summary>
/// Bank curation. Every change is one transaction with its audit entry; matching's catalog applies it from the audit
/// log, and each change waits for that before it returns, so the caller's next match sees it (docs/catalog.md).
/// </summary>
internal sealed partial class BankService(TurntideDb db, AuditLog audit, TaxonomyService taxonomy)
{
    public const int MaxPageSize = 200;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9 _.\\-]*$")]
    private static partial Regex BankNamePattern();

    /// <summary>
    /// A new bank is private to its owner (no members named) unless <paramref name="shared"/> asks, on purpose, for every
    /// member to receive it; the owner shares it later from its sharing settings.
    /// </summary>
    public async Task<Bank> CreateBankAsync(Actor actor, string name, string? description, CancellationToken ct = default, bool benign = false,
        bool shared = false)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > Bank.MaxNameLength || !BankNamePattern().IsMatch(name))
            throw new DomainException($"A bank name is 1 to {Bank.MaxNameLength} letters, digits, spaces, '_', '.' or '-', starting with a letter or digit.");
        description = (description ?? "").Trim();
        if (description.Length > Bank.MaxDescriptionLength)
            throw new DomainException($"The description is {description.Length} characters long; the limit is {Bank.MaxDescriptionLength}.");
        TextRules.Require(description, "description");
        if (actor.OrganisationId is null)
            throw new DomainException("A bank needs an owner organisation.");
        var normalized = name.ToUpperInvariant();
        if (await db.Banks.AnyAsync(b => b.NormalizedName == normalized, ct))
            throw new DomainException($"A bank named '{name}' already exists.", StatusCodes.Status409Conflict);

        await using var scope = await audit.BeginAsync(ct);
        var bank = new Bank
        {
            Name = name, NormalizedName = normalized, Description = description,
            OwnerOrganisationId = actor.OrganisationId.Value, CreatedAt = Timestamps.Now(), Benign = benign, Private = !shared,
        };
        db.Banks.Add(bank);
        scope.Record(actor, "bank.create", "bank", bank.Id.ToString(), null, bank.ToDto(0));
        await scope.CommitAsync(ct);
        await scope.WaitAppliedAsync(ct);
        return bank;
    }

    public async Task<Bank> SetBankEnabledAsync(Actor actor, Guid bankId, bool enabled, CancellationToken ct = default)
    {
        var bank = await FindBankAsync(bankId, ct);
        await RequireCuratorAsync(actor, bank, ct);
        if (bank.Enabled == enabled)
            return bank;
        await using var scope = await audit.BeginAsync(ct);
        var before = bank.ToDto(0);
        bank.Enabled = enabled;
        scope.Record(actor, enabled ? "bank.enable" : "bank.disable", "bank", bank.Id.ToString(), before, bank.ToDto(0));
        await scope.CommitAsync(ct);
        await scope.WaitAppliedAsync(ct);
        return bank;
    }

    public async Task<Bank> FindBankAsync(Guid bankId, CancellationToken ct = default) =>
        await db.Banks.FirstOrDefaultAsync(b => b.Id == bankId, ct)
        ?? throw new DomainException($"No bank {bankId}.", StatusCodes.Status404NotFound);

    public async Task<Bank> FindBankAsync(string idOrName, CancellationToken ct = default)
    {
        if (Guid.TryParse(idOrName, out var id))
            return await FindBankAsync(id, ct);
        var normalized = idOrName.Trim().ToUpperInvariant();
        return await db.Banks.FirstOrDefaultAsync(b => b.NormalizedName == normalized, ct)
            ?? throw new DomainException($"No bank named '{idOrName}'.", StatusCodes.Status404NotFound);
    }

    /// <summary>Asks <see cref="BankOwnership"/> whether the caller curates the bank: 404 when it cannot see it, 403 when it may not change it.</summary>
    public Task RequireCuratorAsync(Actor actor, Bank bank, CancellationToken ct = default) =>
        BankOwnership.RequireCuratorAsync(db, actor, bank, ct);

    public async Task<BankContent> AddContentAsync(Actor actor, Guid bankId, NewContent input, CancellationToken ct = default)
    {
        var bank = await FindBankAsync(bankId, ct);
        await RequireCuratorAsync(actor, bank, ct);
        if (input.Signals is null || input.Signals.Count == 0)
            throw new DomainException("An item needs at least one signal.");
        if (input.Signals.Count > BankContent.MaxSignals)
            throw new DomainException($"An item has at most {BankContent.MaxSignals} signals, not {input.Signals.Count}.");
        var signals = new List<ContentSignal>();
        foreach (var s in input.Signals)
        {
            var (type, canonical, error) = SignalTypes.Validate(s?.SignalType, s?.Value);
            if (error is not null)
                throw new DomainException(error);
            if (!signals.Any(x => x.SignalType == type!.Name && x.Value == canonical))
                signals.Add(new ContentSignal { SignalType = type!.Name, Value = canonical! });
        }
        if (actor.OrganisationId is null)
            throw new DomainException("Content needs a contributing organisation.");
        var labels = CheckLabels(input.Labels ?? []);
        await taxonomy.RequireKnownAsync(labels, ct: ct);

        await using var scope = await audit.BeginAsync(ct);
        var now = Timestamps.Now();
        var content = new BankContent
        {
            BankId = bank.Id,
            Status = ParseStatus(input.Status) ?? ContentStatus.Enabled,
            Note = CheckNote(input.Note) ?? "",
            AddedByOrganisationId = actor.OrganisationId.Value,
            AddedBy = actor.Name,
            AddedAt = now,
            UpdatedAt = now,
            Signals = signals,
        };
        content.Labels = [.. labels.Select(l => new ContentLabel { ContentId = content.Id, Label = l })];
        db.Contents.Add(content);
        // The adder is the item's first contributor, so a later contribution of the same signal joins it in the provenance.
        db.Contributions.Add(Contribution.FirstOf(content, labels));
        // Signal ids come from the database, so save before recording the snapshot that names them.
        await db.SaveChangesAsync(ct);
        scope.Record(actor, "content.add", "content", content.Id.ToString(), null, content.ToDto(bank.Name));
        await scope.CommitAsync(ct);
        await scope.WaitAppliedAsync(ct);
        return content;
    }

    public async Task<BankContent> UpdateContentAsync(Actor actor, Guid contentId, ContentChanges changes, CancellationToken ct = default)
    {
        var status = ParseStatus(changes.Status);
        var note = CheckNote(changes.Note);
        var labels = changes.Labels is null ? null : CheckLabels(changes.Labels);
        // The item is read under the audit lock: read before it, two concurrent label edits would both add the same
        // label row and the second commit would fail on the unique key instead of seeing the first one's labels.
        await using var scope = await audit.BeginAsync(ct);
        var content = await LoadContentAsync(contentId, ct);
        await RequireCuratorAsync(actor, content.Bank!, ct);
        if (labels is not null)
            await taxonomy.RequireKnownAsync(labels, [.. content.Labels.Select(l => l.Label)], ct);
        var before = content.ToDto(content.Bank!.Name);
        var actions = new List<string>();
        if (status is { } s && s != content.Status)
        {
            content.Status = s;
            actions.Add("status");
        }
        if (note is not null && note != content.Note)
        {
            content.Note = note;
            actions.Add("note");
        }
        if (labels is not null && !labels.SequenceEqual(content.Labels.Select(l => l.Label).Order(StringComparer.Ordinal)))
        {
            foreach (var label in labels.Where(l => content.Labels.All(x => x.Label != l)))
                content.Labels.Add(new ContentLabel { ContentId = content.Id, Label = label });
            content.Labels.RemoveAll(l => !labels.Contains(l.Label));
            actions.Add("labels");
        }
        if (actions.Count == 0)
            return content;
        content.UpdatedAt = Timestamps.Now();
        scope.Record(actor, "content." + string.Join('+', actions), "content", content.Id.ToString(), before, content.ToDto(content.Bank.Name));
        await scope.CommitAsync(ct);
        await scope.WaitAppliedAsync(ct);
        return content;
    }

    public async Task<BankContent> LoadContentAsync(Guid contentId, CancellationToken ct = default) =>
        await db.Contents.Include(c => c.Bank).Include(c => c.Signals).Include(c => c.Labels)
            .AsSplitQuery().FirstOrDefaultAsync(c => c.Id == contentId, ct)
        ?? throw new DomainException($"No content {contentId}.", StatusCodes.Status404NotFound);

    /// <summary>The audit entries about one item, oldest first: its change history.</summary>
    public Task<List<AuditEntry>> HistoryAsync(Guid contentId, CancellationToken ct = default)
    {
        var id = contentId.ToString();
        return db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "content" && a.EntityId == id)
            .OrderBy(a => a.Sequence).ToListAsync(ct);
    }

    public static ContentStatus? ParseStatus(string? status)
    {
        if (string.IsNullOrWhiteSpace(status))
            return null;
        return Enum.TryParse<ContentStatus>(status.Trim(), ignoreCase: true, out var s) && Enum.IsDefined(s)
            && !int.TryParse(status, out _)
            ? s
            : throw new DomainException($"Unknown status '{status}': use enabled, disabled or quarantined.");
    }

    /// <summary>How many items carry the label, and in how many banks: what retiring it touches.</summary>
    public async Task<(int Items, int Banks)> LabelUsageAsync(string label, CancellationToken ct = default)
    {
        var normalized = (label ?? "").Trim().ToLowerInvariant();
        var carrying = db.Labels.AsNoTracking().Where(l => l.Label == normalized).Select(l => l.ContentId);
        int items = await carrying.CountAsync(ct);
        int banks = items == 0 ? 0 : await db.Contents.AsNoTracking().Where(c => carrying.Contains(c.Id)).Select(c => c.BankId).Distinct().CountAsync(ct);
        return (items, banks);
    }

    /// <summary>Labels are lower-case taxonomy terms; duplicates collapse, order does not matter.</summary>
    public static List<string> CheckLabels(IEnumerable<string> labels)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in labels)
        {
            var label = TermLabels.Normalize(raw);
            if (label.Length == 0)
                continue;
            result.Add(label);
        }
        if (result.Count > BankContent.MaxLabels)
            throw new DomainException($"An item has at most {BankContent.MaxLabels} labels, not {result.Count}.");
        return [.. result];
    }

    internal static string? CheckNote(string? note)
    {
        if (note is null)
            return null;
        note = note.Trim();
        return note.Length > BankContent.MaxNoteLength
            ? throw new DomainException($"The note is {note.Length} characters long; the limit is {BankContent.MaxNoteLength}.")
            : TextRules.Require(note, "note");
    }
}

using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Exchange;

/// <summary>
/// The exchange feed. It is read from the audit log, which already holds every change to items and banks, strictly
/// ordered by sequence and written in the change's own transaction, with the state after it: so the feed can neither
/// miss a committed change nor show one that rolled back. A checkpoint is <c>epoch.sequence</c>; the epoch is taken
/// from the hash of the log's first entry, so a checkpoint from another hub or from a database since replaced is
/// recognised as unknown and the node is told to resync, instead of silently skipping or repeating changes.
/// </summary>
internal sealed class ExchangeService(TurntideDb db, AuditLog audit, BankService banks)
{
    public const int MaxLimit = 1000;
    public const int DefaultLimit = 100;
    public const int MaxMembers = 500;
    // Enough rows read per page that a feed mostly of other members' private banks still moves on quickly.
    private const int ScanBatch = 2000;

    /// <summary>The audit entries the feed is made of: items, banks, and who may see a bank.</summary>
    internal static readonly string[] FeedEntities = ["content", "bank", "bank_sharing"];

    /// <summary>The update that tells a node to drop a bank and its items: its organisation may no longer see it.</summary>
    public const string WithdrawKind = "withdraw";
    public const string WithdrawAction = "bank.withdrawn";
    public const string SharingAction = "bank.sharing";

    public async Task<ExchangePage> UpdatesAsync(Actor actor, string? checkpoint, int limit, CancellationToken ct = default)
    {
        if (actor.OrganisationId is not { } organisationId)
            throw new DomainException("The exchange serves member organisations.", StatusCodes.Status403Forbidden);
        string epoch = await EpochAsync(ct);
        long after = ParseCheckpoint(checkpoint, epoch);
        long head = await db.AuditEntries.MaxAsync(a => (long?)a.Sequence, ct) ?? 0;
        if (after > head)
            throw StaleCheckpoint.Error();

        var (visible, hiddenOwners) = await VisibleBanksAsync(organisationId, ct);
        var current = new Dictionary<Guid, BankDto?>();
        var updates = new List<ExchangeUpdate>();
        long reached = after;
        bool more = true;
        while (updates.Count < limit && more)
        {
            var batch = await db.AuditEntries.AsNoTracking()
                .Where(a => a.Sequence > reached && FeedEntities.Contains(a.EntityType))
                .OrderBy(a => a.Sequence).Take(ScanBatch).ToListAsync(ct);
            more = batch.Count == ScanBatch;
            foreach (var entry in batch)
            {
                var update = entry.EntityType == "bank_sharing"
                    ? await SharingUpdateAsync(entry, organisationId, after, visible, hiddenOwners, current, ct)
                    : ToUpdate(entry);
                if (update is not null && (visible(update.BankId) || update.Kind == WithdrawKind))
                {
                    updates.Add(update);
                    if (updates.Count == limit)
                    {
                        reached = entry.Sequence;
                        more = true;
                        break;
                    }
                }
                reached = entry.Sequence;
            }
        }
        // With nothing further the node may jump to the head, so that unrelated entries are not scanned again.
        bool hasMore = more && await db.AuditEntries.AnyAsync(a => a.Sequence > reached && FeedEntities.Contains(a.EntityType), ct);
        if (!hasMore)
            reached = Math.Max(reached, head);
        return new ExchangePage($"{epoch}.{reached}", hasMore, updates);
    }

    /// <summary>Makes a bank private to its owner and the named members, or shared with every member again.</summary>
    public async Task<BankSharing> SetSharingAsync(Actor actor, string bankIdOrName, BankSharing sharing, CancellationToken ct = default)
    {
        var bank = await banks.FindBankAsync(bankIdOrName, ct);
        // Who receives a bank is the owner's to decide (docs/ownership.md), with the rest of its curation.
        await banks.RequireCuratorAsync(actor, bank, ct);
        var members = (sharing.Members ?? []).Distinct().ToList();
        if (members.Count > MaxMembers)
            throw new DomainException($"A bank names at most {MaxMembers} members, not {members.Count}.");
        if (!sharing.Private && members.Count > 0)
            throw new DomainException("Only a private bank names members.");
        var known = await db.Organisations.Where(o => members.Contains(o.Id)).Select(o => o.Id).ToListAsync(ct);
        if (known.Count != members.Count)
            throw new DomainException($"No organisation {members.First(m => !known.Contains(m))}.", StatusCodes.Status404NotFound);

        await using var scope = await audit.BeginAsync(ct);
        var current = await db.BankMembers.Where(m => m.BankId == bank.Id).ToListAsync(ct);
        var before = new BankSharing(bank.Private, [.. current.Select(m => m.OrganisationId).Order()]);
        bank.Private = sharing.Private;
        db.BankMembers.RemoveRange(current.Where(m => !members.Contains(m.OrganisationId)));
        db.BankMembers.AddRange(members.Where(m => current.All(c => c.OrganisationId != m)).Select(m => new BankMember { BankId = bank.Id, OrganisationId = m }));
        var after = new BankSharing(bank.Private, [.. members.Order()]);
        scope.Record(actor, "bank.sharing", "bank_sharing", bank.Id.ToString(), before, after);
        await scope.CommitAsync(ct);
        // Matching follows before the answer: a private bank's items match only for those it names.
        await scope.WaitAppliedAsync(ct);
        return after;
    }

    /// <summary>
    /// Shared banks for everyone; a private bank for its owner and its named members only. Decided now, when the feed is
    /// read, for the whole history; the banks hidden from the caller come with their owners, for <see cref="SharingUpdateAsync"/>.
    /// </summary>
    private async Task<(Func<Guid, bool> Visible, Dictionary<Guid, Guid> HiddenOwners)> VisibleBanksAsync(Guid organisationId, CancellationToken ct)
    {
        var visible = db.Banks.VisibleTo(db, organisationId).Select(b => b.Id);
        var hidden = await db.Banks.AsNoTracking().Where(b => !visible.Contains(b.Id))
            .Select(b => new { b.Id, b.OwnerOrganisationId }).ToDictionaryAsync(b => b.Id, b => b.OwnerOrganisationId, ct);
        return (bankId => !hidden.ContainsKey(bankId), hidden);
    }

    /// <summary>
    /// A change of who may see a bank, as the caller's feed carries it. To an organisation that sees the bank now: a
    /// <c>bank</c> update with the bank as it is (a node without a copy of it learns that it must fetch the bank's items).
    /// To one that saw it before this change and does not now: a <see cref="WithdrawKind"/> update, so its node drops
    /// the bank and its items, unless the bank was created after the reader's checkpoint <paramref name="from"/> (the
    /// reader cannot hold what it was never sent; a feed read from the start withdraws nothing). To anyone else nothing,
    /// so a private bank's existence does not leak.
    /// </summary>
    private async Task<ExchangeUpdate?> SharingUpdateAsync(AuditEntry entry, Guid organisationId, long from, Func<Guid, bool> visible,
        Dictionary<Guid, Guid> hiddenOwners, Dictionary<Guid, BankDto?> current, CancellationToken ct)
    {
        if (!Guid.TryParse(entry.EntityId, out var bankId))
            return null;
        if (visible(bankId))
        {
            if (!current.TryGetValue(bankId, out var dto))
            {
                var bank = await db.Banks.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bankId, ct);
                dto = bank?.ToDto(0);
                current[bankId] = dto;
            }
            return dto is null ? null : new ExchangeUpdate(entry.Sequence, "bank", SharingAction, bankId, null, entry.At, null, dto);
        }
        if (!hiddenOwners.TryGetValue(bankId, out var owner) || entry.Before is null)
            return null;
        var before = JsonSerializer.Deserialize<BankSharing>(entry.Before, AuditLog.SnapshotJson);
        if (before is null || !BankVisibility.Sees(owner, before.Private, before.Members, organisationId))
            return null;
        string id = entry.EntityId;
        long? createdAt = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "bank" && a.EntityId == id)
            .MinAsync(a => (long?)a.Sequence, ct);
        return createdAt is { } c && c <= from
            ? new ExchangeUpdate(entry.Sequence, WithdrawKind, WithdrawAction, bankId, null, entry.At, null, null)
            : null;
    }

    internal async Task<string> EpochAsync(CancellationToken ct)
    {
        var first = await db.AuditEntries.AsNoTracking().Where(a => a.Sequence == 1).Select(a => a.Hash).FirstOrDefaultAsync(ct);
        return first is null ? "0000000000000000" : first[..16];
    }

    private static long ParseCheckpoint(string? checkpoint, string epoch)
    {
        if (string.IsNullOrWhiteSpace(checkpoint))
            return 0;
        if (checkpoint.Length > 64)
            throw new DomainException("A checkpoint is at most 64 characters.");
        var parts = checkpoint.Split('.');
        if (parts.Length != 2 || !long.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out long sequence))
            throw new DomainException("A checkpoint is 'epoch.sequence', as a previous page returned it; omit it to start from the beginning.");
        if (parts[0] != epoch)
            throw StaleCheckpoint.Error();
        return sequence;
    }

    private static ExchangeUpdate? ToUpdate(AuditEntry entry)
    {
        if (entry.EntityType == "content")
        {
            var snapshot = entry.After ?? entry.Before;
            if (snapshot is null)
                return null;
            var item = JsonSerializer.Deserialize<BankContentDto>(snapshot, AuditLog.SnapshotJson)!;
            string kind = entry.After is null ? "delete" : entry.Action == "content.add" ? "add" : "update";
            return new ExchangeUpdate(entry.Sequence, kind, entry.Action, item.BankId, item.Id, entry.At, entry.After is null ? null : item, null);
        }
        if (entry.After is null)
            return null;
        var bank = JsonSerializer.Deserialize<BankDto>(entry.After, AuditLog.SnapshotJson)!;
        return new ExchangeUpdate(entry.Sequence, "bank", entry.Action, bank.Id, null, entry.At, null, bank);
    }
}

/// <summary>The checkpoint is not one this hub gave out, or it is ahead of the log: the node must resync from the start.</summary>
internal static class StaleCheckpoint
{
    public const string Detail = "Unknown or stale checkpoint: resync from the start (ask again without a checkpoint) and replace the local copy.";

    public static DomainException Error() => new(Detail, StatusCodes.Status410Gone);
}

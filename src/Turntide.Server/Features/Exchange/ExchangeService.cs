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
public sealed class ExchangeService(TurntideDb db, AuditLog audit, BankService banks, Matching.SignalCatalog catalog)
{
    public const int MaxLimit = 1000;
    public const int DefaultLimit = 100;
    public const int MaxMembers = 500;
    // Enough rows read per page that a feed mostly of other members' private banks still moves on quickly.
    private const int ScanBatch = 2000;

    private static readonly string[] FeedEntities = ["content", "bank"];

    public async Task<ExchangePage> UpdatesAsync(Actor actor, string? checkpoint, int limit, CancellationToken ct = default)
    {
        if (actor.OrganisationId is not { } organisationId)
            throw new DomainException("The exchange serves member organisations.", StatusCodes.Status403Forbidden);
        string epoch = await EpochAsync(ct);
        long after = ParseCheckpoint(checkpoint, epoch);
        long head = await db.AuditEntries.MaxAsync(a => (long?)a.Sequence, ct) ?? 0;
        if (after > head)
            throw StaleCheckpoint.Error();

        var visible = await VisibleBanksAsync(organisationId, ct);
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
                var update = ToUpdate(entry);
                if (update is not null && visible(update.BankId))
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
        // Matching follows at once: a private bank's items match only for those it names.
        catalog.SetBank(Matching.CatalogBank.From(bank, members));
        return after;
    }

    /// <summary>Shared banks for everyone; a private bank for its owner and its named members only.</summary>
    private async Task<Func<Guid, bool>> VisibleBanksAsync(Guid organisationId, CancellationToken ct)
    {
        var visible = db.Banks.VisibleTo(db, organisationId).Select(b => b.Id);
        var hidden = (await db.Banks.AsNoTracking().Where(b => !visible.Contains(b.Id)).Select(b => b.Id).ToListAsync(ct)).ToHashSet();
        return bankId => !hidden.Contains(bankId);
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
public static class StaleCheckpoint
{
    public const string Detail = "Unknown or stale checkpoint: resync from the start (ask again without a checkpoint) and replace the local copy.";

    public static DomainException Error() => new(Detail, StatusCodes.Status410Gone);
}

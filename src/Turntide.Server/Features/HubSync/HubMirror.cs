using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.HubSync;

/// <summary>The feed named an item of a bank this node has never seen (it became visible later): only a resync repairs that.</summary>
internal sealed class MirrorNeedsResyncException(string message) : Exception(message);

/// <summary>
/// The node's copy of the hub's banks and items, kept in its own <c>banks</c> and <c>bank_contents</c> tables under the
/// hub's ids, so matching, negative banks and statuses work exactly as for local banks and the copy survives restarts
/// and hub outages. A copied bank has <see cref="Bank.Origin"/> <c>hub</c>, a normalized name made from its id (so it
/// never clashes with a local bank's name), and an owner row standing for the hub. Each page is one transaction with its
/// checkpoint and one audit entry; rows are written with plain multi-row statements, since a page holds up to a
/// thousand items and a resync a million.
/// </summary>
internal sealed class HubMirror(TurntideDb db, AuditLog audit, ILogger<HubMirror> logger)
{
    public const string Origin = "hub";
    /// <summary>The audit action of a copied bank dropped because the hub no longer shares it with this node.</summary>
    public const string WithdrawnAction = "bank.withdrawn";
    /// <summary>The owner of every copied bank and item: the node does not know the hub's organisations.</summary>
    /// <summary>Longest wait for the next line of a snapshot before the resync gives up and rolls back.</summary>
    public static readonly TimeSpan SnapshotIdleLimit = TimeSpan.FromSeconds(60);

    public static readonly Guid HubOrganisationId = new("00000000-0000-7000-8000-0000000000ff");
    private static readonly Actor SyncActor = Actor.System("exchange sync");
    private const int IdChunk = 500;

    public static string NormalizedName(Guid hubBankId) => "HUB:" + hubBankId.ToString("N").ToUpperInvariant();

    /// <summary>The sync state row, made on first use.</summary>
    public async Task<HubSyncState> StateAsync(CancellationToken ct)
    {
        var state = await db.HubSyncStates.AsNoTracking().FirstOrDefaultAsync(s => s.Id == HubSyncState.SingletonId, ct);
        if (state is not null)
            return state;
        try
        {
            db.HubSyncStates.Add(new HubSyncState());
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another replica made it first.
        }
        db.ChangeTracker.Clear();
        return await db.HubSyncStates.AsNoTracking().FirstAsync(s => s.Id == HubSyncState.SingletonId, ct);
    }

    /// <summary>
    /// Applies one page if the state is still at <paramref name="expectedVersion"/>; false when another replica moved it
    /// first (nothing is written then). The catalog takes the page from its audit entry, through the same applier as
    /// every other change (docs/catalog.md); this returns once it has.
    /// </summary>
    public async Task<bool> ApplyPageAsync(long expectedVersion, ExchangePage page, CancellationToken ct)
    {
        // The state after the page of every bank and item it touched: later entries carry the newer state.
        var banks = new Dictionary<Guid, BankDto>();
        var items = new Dictionary<Guid, BankContentDto?>();
        var withdrawn = new HashSet<Guid>();
        var sharedWithUs = new HashSet<Guid>();
        var created = new HashSet<Guid>();
        foreach (var update in page.Updates)
        {
            if (update.Kind == ExchangeService.WithdrawKind)
            {
                // Every later word about the bank is moot: this node may no longer see it.
                withdrawn.Add(update.BankId);
                banks.Remove(update.BankId);
                sharedWithUs.Remove(update.BankId);
                foreach (var id in items.Where(i => i.Value?.BankId == update.BankId).Select(i => i.Key).ToList())
                    items[id] = null;
            }
            else if (update.Kind == "bank" && update.Bank is { } bank)
            {
                banks[bank.Id] = bank;
                withdrawn.Remove(bank.Id);
                if (update.Action == "bank.create")
                    created.Add(bank.Id);
                else if (update.Action == ExchangeService.SharingAction && !created.Contains(bank.Id))
                    sharedWithUs.Add(bank.Id);
            }
            else if (update.ContentId is { } id)
                items[id] = update.Kind == "delete" ? null : update.Item;
        }
        await using (var scope = await audit.BeginAsync(ct))
        {
            var copied = (await db.Banks.AsNoTracking().Where(b => b.Origin == Origin).Select(b => b.Id).ToListAsync(ct)).ToHashSet();
            // A bank the hub now shares with this node, of which it has no copy: its earlier items never came through the
            // feed (they were hidden when they were added), so only the snapshot brings them.
            if (sharedWithUs.FirstOrDefault(b => !copied.Contains(b)) is var opened && opened != Guid.Empty)
                throw new MirrorNeedsResyncException($"The hub now shares bank {opened} with this node, which has no copy of its items.");
            await EnsureHubOrganisationAsync(ct);
            foreach (var bank in banks.Values)
                await UpsertBankAsync(bank, ct);
            await db.SaveChangesAsync(ct);
            var known = (await db.Banks.AsNoTracking().Where(b => b.Origin == Origin).Select(b => b.Id).ToListAsync(ct)).ToHashSet();
            if (items.Values.FirstOrDefault(i => i is not null && !known.Contains(i.BankId)) is { } orphan)
                throw new MirrorNeedsResyncException($"The feed names an item of bank {orphan.BankId}, which this node has no copy of.");
            var dropped = await DropWithdrawnAsync(scope, withdrawn, ct);
            await DeleteItemsAsync([.. items.Keys], ct);
            await InsertItemsAsync([.. items.Values.OfType<BankContentDto>()], ct);
            if (!await AdvanceAsync(expectedVersion, page.Checkpoint, items.Count, resync: false, ct))
                return false;
            if (page.Updates.Count > 0)
                scope.Record(SyncActor, "exchange.batch", CatalogChanges.ExchangeBatch, page.Checkpoint, null,
                    new ExchangeBatchRecord(page.Checkpoint, [.. banks.Keys, .. dropped], [.. items.Keys]));
            await scope.CommitAsync(ct);
            await scope.WaitAppliedAsync(ct);
        }
        return true;
    }

    /// <summary>
    /// Deletes the copy of each withdrawn bank (its items, their signals and labels, the retroactive matches raised on
    /// them, the bank row) in the page's transaction, with one <c>bank.withdrawn</c> audit entry each, which also tells
    /// every other replica on this database to drop the bank from its catalog. Returns the banks dropped.
    /// </summary>
    private async Task<List<Guid>> DropWithdrawnAsync(AuditScope scope, IReadOnlyCollection<Guid> withdrawn, CancellationToken ct)
    {
        var dropped = new List<Guid>();
        foreach (var bankId in withdrawn)
        {
            var bank = await db.Banks.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bankId && b.Origin == Origin, ct);
            if (bank is null)
                continue;
            const string items = "SELECT \"Id\" FROM bank_contents WHERE \"BankId\" = @p0";
            await ExecuteAsync($"DELETE FROM content_labels WHERE \"ContentId\" IN ({items})", ct, bankId);
            await ExecuteAsync($"DELETE FROM content_signals WHERE \"ContentId\" IN ({items})", ct, bankId);
            int count = await ExecuteAsync("DELETE FROM bank_contents WHERE \"BankId\" = @p0", ct, bankId);
            await ExecuteAsync("DELETE FROM retro_matches WHERE \"BankId\" = @p0", ct, bankId);
            await ExecuteAsync("DELETE FROM banks WHERE \"Id\" = @p0", ct, bankId);
            scope.Record(SyncActor, WithdrawnAction, CatalogChanges.Bank, bankId.ToString(), new WithdrawnBank(bank.Id, bank.Name, count), null);
            logger.LogInformation("The hub no longer shares bank {Bank} with this node: dropped it and its {Items} items", bankId, count);
            dropped.Add(bankId);
        }
        return dropped;
    }

    /// <summary>
    /// Replaces the whole copy with a snapshot, in one transaction: if the stream breaks off before its end line, nothing
    /// changes and the node goes on matching from its old copy. After the commit the catalog's applier rebuilds the
    /// catalog from the database and swaps it in whole; this returns once it has.
    /// </summary>
    public async Task<(bool Applied, string Checkpoint, long Items)> ResyncAsync(long expectedVersion, Stream snapshot, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var reader = new StreamReader(snapshot);
        var bankIds = new HashSet<Guid>();
        string? checkpoint = null;
        SnapshotEnd? end = null;
        long items = 0;
        var pending = new List<BankContentDto>(5000);
        await using (var scope = await audit.BeginAsync(ct))
        {
            await EnsureHubOrganisationAsync(ct);
            await ExecuteAsync("DELETE FROM content_labels WHERE \"ContentId\" IN (SELECT c.\"Id\" FROM bank_contents c JOIN banks b ON b.\"Id\" = c.\"BankId\" WHERE b.\"Origin\" = @p0)", ct, Origin);
            await ExecuteAsync("DELETE FROM content_signals WHERE \"ContentId\" IN (SELECT c.\"Id\" FROM bank_contents c JOIN banks b ON b.\"Id\" = c.\"BankId\" WHERE b.\"Origin\" = @p0)", ct, Origin);
            await ExecuteAsync("DELETE FROM bank_contents WHERE \"BankId\" IN (SELECT \"Id\" FROM banks WHERE \"Origin\" = @p0)", ct, Origin);
            // The copy is written under the audit lock: a hub that stalls mid-snapshot must not hold it for ever. Each line
            // must arrive within the idle limit; otherwise the transaction rolls back and the fetcher tries again later.
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
            idle.CancelAfter(SnapshotIdleLimit);
            while (await reader.ReadLineAsync(idle.Token) is { } text)
            {
                idle.CancelAfter(SnapshotIdleLimit);
                if (text.Length == 0)
                    continue;
                var line = JsonSerializer.Deserialize<SnapshotLine>(text, ExchangeSnapshot.LineJson)
                    ?? throw new InvalidDataException("The snapshot has an empty line.");
                if (line.Checkpoint is { } c && checkpoint is null)
                    checkpoint = c;
                else if (line.Bank is { } bank)
                {
                    await UpsertBankAsync(bank, ct);
                    bankIds.Add(bank.Id);
                }
                else if (line.Item is { } item)
                {
                    if (pending.Count == 0)
                        await db.SaveChangesAsync(ct);
                    pending.Add(item);
                    if (pending.Count == pending.Capacity)
                    {
                        await InsertItemsAsync(pending, ct);
                        items += pending.Count;
                        pending.Clear();
                        if (items % 100_000 == 0)
                            logger.LogInformation("Resync from the hub: {Items} items copied in {Seconds:F1} s", items, clock.Elapsed.TotalSeconds);
                    }
                }
                else if (line.End is { } e)
                {
                    end = e;
                    break;
                }
            }
            await db.SaveChangesAsync(ct);
            await InsertItemsAsync(pending, ct);
            items += pending.Count;
            if (checkpoint is null || end is null || end.Items != items || end.Checkpoint != checkpoint)
                throw new InvalidDataException($"The snapshot was cut short or is inconsistent ({items} items read); the copy is left as it was.");
            // Banks the hub no longer shows this node go, with their items (already deleted above).
            var gone = await db.Banks.Where(b => b.Origin == Origin && !bankIds.Contains(b.Id)).ToListAsync(ct);
            foreach (var bank in gone)
                await ExecuteAsync("DELETE FROM retro_matches WHERE \"BankId\" = @p0", ct, bank.Id);
            db.Banks.RemoveRange(gone);
            await db.SaveChangesAsync(ct);
            if (!await AdvanceAsync(expectedVersion, checkpoint, items, resync: true, ct))
                return (false, checkpoint, items);
            scope.Record(SyncActor, "exchange.resync", CatalogChanges.ExchangeResync, checkpoint, null,
                new { Checkpoint = checkpoint, Banks = bankIds.Count, Items = items });
            await scope.CommitAsync(ct);
            logger.LogInformation("Resync from the hub: {Items} items of {Banks} banks committed in {Seconds:F1} s; the catalog rebuilds from them",
                items, bankIds.Count, clock.Elapsed.TotalSeconds);
            // No request waits on this, and a rebuild of a million items outlasts a request's bound.
            await scope.WaitAppliedAsync(Timeout.InfiniteTimeSpan, ct);
        }
        logger.LogInformation("Resync from the hub done: {Items} items in {Seconds:F1} s", items, clock.Elapsed.TotalSeconds);
        return (true, checkpoint, items);
    }

    private async Task EnsureHubOrganisationAsync(CancellationToken ct)
    {
        if (await db.Organisations.AnyAsync(o => o.Id == HubOrganisationId, ct))
            return;
        const string name = "Forum hub (exchange copy)";
        db.Organisations.Add(new Organisation
        {
            Id = HubOrganisationId, Name = name, NormalizedName = name.ToUpperInvariant(), Kind = OrganisationKinds.Forum,
            CreatedAt = Timestamps.Now(),
        });
        await db.SaveChangesAsync(ct);
    }

    private async Task UpsertBankAsync(BankDto dto, CancellationToken ct)
    {
        var bank = db.Banks.Local.FirstOrDefault(b => b.Id == dto.Id) ?? await db.Banks.FirstOrDefaultAsync(b => b.Id == dto.Id, ct);
        if (bank is null)
        {
            bank = new Bank { Id = dto.Id, Name = dto.Name, NormalizedName = NormalizedName(dto.Id), Origin = Origin, OwnerOrganisationId = HubOrganisationId, CreatedAt = dto.CreatedAt };
            db.Banks.Add(bank);
        }
        else if (bank.Origin != Origin)
        {
            throw new InvalidDataException($"The hub's bank {dto.Id} has the id of a local bank; it is not copied.");
        }
        bank.Name = dto.Name.Length > Bank.MaxNameLength ? dto.Name[..Bank.MaxNameLength] : dto.Name;
        bank.Description = dto.Description.Length > Bank.MaxDescriptionLength ? dto.Description[..Bank.MaxDescriptionLength] : dto.Description;
        bank.Enabled = dto.Enabled;
        bank.Benign = dto.Benign;
    }

    private async Task DeleteItemsAsync(IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        const string mirrored = "SELECT \"Id\" FROM bank_contents WHERE \"Id\" IN ({0}) AND \"BankId\" IN (SELECT \"Id\" FROM banks WHERE \"Origin\" = 'hub')";
        foreach (var chunk in ids.Chunk(IdChunk))
        {
            string list = string.Join(", ", chunk.Select((_, i) => "@p" + i));
            string rows = string.Format(mirrored, list);
            await ExecuteAsync($"DELETE FROM content_labels WHERE \"ContentId\" IN ({rows})", ct, [.. chunk.Cast<object?>()]);
            await ExecuteAsync($"DELETE FROM content_signals WHERE \"ContentId\" IN ({rows})", ct, [.. chunk.Cast<object?>()]);
            await ExecuteAsync($"DELETE FROM bank_contents WHERE \"Id\" IN ({rows})", ct, [.. chunk.Cast<object?>()]);
        }
    }

    private async Task InsertItemsAsync(IReadOnlyList<BankContentDto> items, CancellationToken ct)
    {
        if (items.Count == 0)
            return;
        var contents = new List<object?[]>(items.Count);
        var signals = new List<object?[]>(items.Count);
        var labels = new List<object?[]>();
        foreach (var item in items)
        {
            var status = BankService.ParseStatus(item.Status) ?? throw new InvalidDataException($"Unknown status '{item.Status}'.");
            contents.Add([item.Id, item.BankId, status.ToString(), Cut(item.Note, BankContent.MaxNoteLength), HubOrganisationId, Cut(item.AddedBy, 200), item.AddedAt, item.UpdatedAt]);
            foreach (var s in item.Signals)
                signals.Add([item.Id, s.SignalType, s.Value]);
            foreach (var l in item.Labels.Distinct(StringComparer.Ordinal))
                labels.Add([item.Id, l]);
        }
        await RawRows.InsertAsync(db, "bank_contents", ["Id", "BankId", "Status", "Note", "AddedByOrganisationId", "AddedBy", "AddedAt", "UpdatedAt"], contents, ct);
        await RawRows.InsertAsync(db, "content_signals", ["ContentId", "SignalType", "Value"], signals, ct);
        await RawRows.InsertAsync(db, "content_labels", ["ContentId", "Label"], labels, ct);
    }

    /// <summary>The compare-and-swap on the sync state, in the page's transaction.</summary>
    private async Task<bool> AdvanceAsync(long expectedVersion, string checkpoint, long items, bool resync, CancellationToken ct)
    {
        var now = Timestamps.Now();
        string sql = "UPDATE hub_sync_state SET \"Checkpoint\" = @p0, \"Version\" = \"Version\" + 1, \"LastSyncAt\" = @p1, \"ItemsApplied\" = \"ItemsApplied\" + @p2"
            + (resync ? ", \"LastResyncAt\" = @p1" : "") + " WHERE \"Id\" = @p3 AND \"Version\" = @p4";
        return await ExecuteAsync(sql, ct, checkpoint, now, items, HubSyncState.SingletonId, expectedVersion) == 1;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = RawRows.Command(db, sql, values);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static string Cut(string? text, int max) => text is null ? "" : text.Length <= max ? text : text[..max];
}

/// <summary>The <c>Before</c> of a <c>bank.withdrawn</c> audit entry: the copied bank that was dropped, and how many items went with it.</summary>
internal sealed record WithdrawnBank(Guid Id, string Name, int Items);

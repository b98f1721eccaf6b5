using System.Text;
using System.Text.Json;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Health;
using Turntide.Server.Features.Members;
using Turntide.Core.Signals;

namespace Turntide.Server.Features.Transfer;

/// <summary>
/// Bank import and export. An import checks every line with the rules of adding one item (signal, labels, taxonomy,
/// note) and commits in batches: each batch is one transaction holding its items and one <c>content.add</c> audit entry
/// per item, so imported items reach the exchange feed and every replica like items added one at a time. A signal
/// already in the bank (or earlier in the file) is skipped and counted, so an import can be run again safely.
/// </summary>
internal sealed class TransferService(TurntideDb db, AuditLog audit, BankService banks, IOptions<TransferOptions> options,
    ILogger<TransferService> logger, AuditApplied? applied = null)
{
    public static readonly string[] CsvHeader = ["signal_type", "signal", "labels", "note"];

    private static readonly JsonSerializerOptions JsonLines = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Pending(long Line, string SignalType, string Value, List<string> Labels, string Note);

    public async Task<ImportReport> ImportAsync(Actor actor, string bankIdOrName, Stream body, TransferFormat format, CancellationToken ct = default)
    {
        var o = options.Value;
        var bank = await banks.FindBankAsync(bankIdOrName, ct);
        await banks.RequireCuratorAsync(actor, bank, ct);
        if (actor.OrganisationId is null)
            throw new DomainException("Content needs a contributing organisation.");
        var activeLabels = (await db.TaxonomyTerms.AsNoTracking().Where(t => t.Active).Select(t => t.Label).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);

        long lines = 0;
        int added = 0, duplicates = 0, failed = 0;
        long lastCommitted = 0;
        var errors = new List<ImportLineError>();
        var pending = new List<Pending>();
        var inBatch = new HashSet<(string, string)>();
        string? stopped = null;

        void Fail(long line, string message)
        {
            failed++;
            if (errors.Count < o.MaxImportErrors)
                errors.Add(new ImportLineError(line, message));
        }

        // False when the batch could not be written: the import stops there and reports what was committed before it,
        // rather than answering a bare 500 that hides the batches already in the bank.
        async Task<bool> FlushAsync()
        {
            if (pending.Count == 0)
                return true;
            try
            {
                var (batchAdded, batchDuplicates, sequence) = await CommitBatchAsync(actor, bank, pending, ct);
                lastCommitted = Math.Max(lastCommitted, sequence);
                added += batchAdded;
                duplicates += batchDuplicates;
            }
            catch (Exception e) when (e is not OperationCanceledException && e is not DomainException)
            {
                logger.LogError(e, "Import into bank {Bank} could not write lines {First} to {Last}", bank.Name, pending[0].Line, pending[^1].Line);
                stopped = $"lines {pending[0].Line} to {pending[^1].Line} could not be written ({WriteHealth.Describe(e)}), so the import stopped there; " +
                    $"the {added} items added before line {pending[0].Line} are committed, and running the import again adds only what is missing";
                Fail(pending[0].Line, pending.Count == 1 ? "not written (see stopped)" : $"not written, nor the {pending.Count - 1} lines after it in its batch (see stopped)");
                failed += pending.Count - 1;
                return false;
            }
            finally
            {
                pending.Clear();
                inBatch.Clear();
            }
            return true;
        }

        var limited = new LimitedStream(body, o.MaxImportBytes);
        try
        {
            await foreach (var line in BankFileReader.ReadAsync(limited, format, o.MaxImportLineBytes, ct))
            {
                lines++;
                if (line.Error is not null)
                {
                    Fail(line.Line, line.Error);
                    continue;
                }
                var (item, error) = Check(line, activeLabels);
                if (error is not null)
                {
                    Fail(line.Line, error);
                    continue;
                }
                if (!inBatch.Add((item!.SignalType, item.Value)))
                {
                    duplicates++;
                    continue;
                }
                pending.Add(item);
                if (pending.Count >= o.ImportBatchSize && !await FlushAsync())
                    break;
            }
        }
        catch (ImportStoppedException e)
        {
            stopped = e.Message;
        }
        await FlushAsync();
        // Once for the whole import, not per batch: the report answers after matching has every committed item.
        if (applied is not null)
            await applied.WaitAsync(lastCommitted, ct);
        return new ImportReport(bank.Name, format.Name(), lines, added, duplicates, failed,
            [.. errors.OrderBy(e => e.Line)], failed - errors.Count, stopped);
    }

    /// <summary>The same checks as adding one item, with the taxonomy read once per import.</summary>
    private static (Pending? Item, string? Error) Check(ImportLine line, HashSet<string> activeLabels)
    {
        var (type, canonical, error) = SignalTypes.Validate(line.SignalType, line.Signal);
        if (error is not null)
            return (null, error);
        List<string> labels;
        string note;
        try
        {
            labels = BankService.CheckLabels(line.Labels);
            note = BankService.CheckNote(line.Note) ?? "";
        }
        catch (DomainException e)
        {
            return (null, e.Message);
        }
        var unknown = labels.Where(l => !activeLabels.Contains(l)).ToList();
        if (unknown.Count > 0)
            return (null, $"Not in the taxonomy (or retired): {BankFileReader.Shorten(string.Join(", ", unknown))}.");
        return (new Pending(line.Line, type!.Name, canonical!, labels, note), null);
    }

    /// <summary>One transaction: the batch's new items and an audit entry for each; returns the commit's last sequence too.</summary>
    private async Task<(int Added, int Duplicates, long Sequence)> CommitBatchAsync(Actor actor, Bank bank, List<Pending> batch, CancellationToken ct)
    {
        // The duplicate check runs under the audit lock, which every audited write of every process takes: two imports of
        // one file at once then see each other's committed batches, and each signal is added once.
        await using var scope = await audit.BeginAsync(ct);
        // Two lookups by index (signals by value, then which of their items are in this bank), rather than one join
        // that a planner may answer by walking the whole bank for every batch.
        var values = batch.Select(p => p.Value).Distinct().ToList();
        var sameValue = await db.Signals.AsNoTracking().Where(s => values.Contains(s.Value))
            .Select(s => new { s.ContentId, s.SignalType, s.Value }).ToListAsync(ct);
        var candidates = sameValue.Select(s => s.ContentId).Distinct().ToList();
        var inBank = candidates.Count == 0 ? [] : (await db.Contents.AsNoTracking()
            .Where(c => candidates.Contains(c.Id) && c.BankId == bank.Id).Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        var existing = sameValue.Where(s => inBank.Contains(s.ContentId)).Select(s => (s.SignalType, s.Value)).ToHashSet();
        var fresh = batch.Where(p => !existing.Contains((p.SignalType, p.Value))).ToList();
        if (fresh.Count == 0)
            return (0, batch.Count, 0);

        var now = Timestamps.Now();
        var contents = fresh.Select(p =>
        {
            var content = new BankContent
            {
                BankId = bank.Id,
                Status = ContentStatus.Enabled,
                Note = p.Note,
                AddedByOrganisationId = actor.OrganisationId!.Value,
                AddedBy = actor.Name,
                AddedAt = now,
                UpdatedAt = now,
                Signals = [new ContentSignal { SignalType = p.SignalType, Value = p.Value }],
            };
            content.Labels = [.. p.Labels.Select(l => new ContentLabel { ContentId = content.Id, Label = l })];
            return content;
        }).ToList();
        db.Contents.AddRange(contents);
        // The importer is each item's first contributor, as when adding one item (BankService.AddContentAsync).
        db.Contributions.AddRange(contents.Select(c => Contribution.FirstOf(c, c.Labels.Select(l => l.Label))));
        // Signal ids come from the database, so save before recording the snapshots that name them.
        await db.SaveChangesAsync(ct);
        foreach (var content in contents)
            scope.Record(actor, "content.add", "content", content.Id.ToString(), null, content.ToDto(bank.Name));
        await scope.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (fresh.Count, batch.Count - fresh.Count, scope.LastSequence);
    }

    /// <summary>Writes a bank's items with the given status (all when null), one line per signal, in the order they were added.</summary>
    public async Task ExportAsync(Actor actor, Bank bank, TransferFormat format, ContentStatus? status, Stream output, CancellationToken ct = default)
    {
        await BankVisibility.RequireVisibleAsync(db, actor, bank.Id, ct);
        if (format == TransferFormat.HashList)
            throw new DomainException("Export writes csv or jsonl.");
        CsvWriter? csv = null;
        StreamWriter? text = null;
        if (format == TransferFormat.Csv)
        {
            csv = CsvWriter.Create(output, CsvWriterOptions.Default, leaveOpen: true);
            foreach (var name in CsvHeader)
                csv.WriteField(name);
            await csv.EndRecordAsync(ct);
        }
        else
            text = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        try
        {
            // Keyset pages over the signals' ids: each page costs the same however deep into the bank it is, and the
            // file lists items in the order they were added (an import's copy keeps its source's order).
            const int page = 5000;
            long after = 0;
            while (true)
            {
                var query = db.Signals.AsNoTracking().Where(x => x.Id > after && x.Content!.BankId == bank.Id);
                if (status is { } wanted)
                    query = query.Where(x => x.Content!.Status == wanted);
                var rows = await query.OrderBy(x => x.Id).Take(page)
                    .Select(x => new { x.Id, x.ContentId, x.SignalType, x.Value, x.Content!.Note }).ToListAsync(ct);
                if (rows.Count == 0)
                    break;
                var ids = rows.Select(r => r.ContentId).Distinct().ToList();
                var labels = (await db.Labels.AsNoTracking().Where(l => ids.Contains(l.ContentId))
                        .Select(l => new { l.ContentId, l.Label }).ToListAsync(ct))
                    .ToLookup(l => l.ContentId, l => l.Label);
                foreach (var row in rows)
                {
                    var itemLabels = labels[row.ContentId].Order(StringComparer.Ordinal).ToList();
                    if (csv is not null)
                    {
                        csv.WriteField(CsvFormulas.Neutralise(row.SignalType));
                        csv.WriteField(CsvFormulas.Neutralise(row.Value));
                        csv.WriteField(CsvFormulas.Neutralise(string.Join(';', itemLabels)));
                        csv.WriteField(CsvFormulas.Neutralise(row.Note));
                        await csv.EndRecordAsync(ct);
                    }
                    else
                    {
                        await text!.WriteAsync(JsonSerializer.Serialize(new ExportRecord(row.SignalType, row.Value, itemLabels, row.Note), JsonLines));
                        await text.WriteAsync('\n');
                    }
                }
                if (csv is not null)
                    await csv.FlushAsync(ct);
                else
                    await text!.FlushAsync(ct);
                after = rows[^1].Id;
                if (rows.Count < page)
                    break;
            }
        }
        finally
        {
            if (csv is not null)
                await csv.DisposeAsync();
            if (text is not null)
                await text.DisposeAsync();
        }
    }

    /// <summary>One exported line of JSON Lines.</summary>
    public sealed record ExportRecord(string SignalType, string Signal, IReadOnlyList<string> Labels, string Note);
}

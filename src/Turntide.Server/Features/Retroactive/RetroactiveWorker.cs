using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;
using Turntide.Core.Signals;

namespace Turntide.Server.Features.Retroactive;

/// <summary>
/// Off the request path: writes the uploads to keep, re-checks the kept signals against items that arrive later,
/// and prunes what is older than the window.
/// </summary>
internal sealed class RetroactiveWorker(IServiceScopeFactory scopes, SignalCatalog catalog, RetroactiveQueue queue,
    DatabaseReady database, ILogger<RetroactiveWorker> logger) : BackgroundService
{
    private const int UploadsPerWrite = 500;
    private const int KeptPerPage = 5000;
    private const int ItemsPerScan = 20_000;
    private const int ExactValuesPerQuery = 500;
    // Most matches a kept signal is confirmed against: far beyond any real answer.
    private const int ConfirmLimit = 10_000;

    private RetroactiveOptions Options => queue.Options;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.Enabled)
            return;
        await database.WaitAsync(stoppingToken);
        await Task.WhenAll(
            Loop("keeping uploads", KeepLoopAsync, stoppingToken),
            Loop("re-checking kept uploads", ScanLoopAsync, stoppingToken),
            Loop("pruning kept uploads", PruneLoopAsync, stoppingToken));
    }

    /// <summary>Runs a loop and restarts it after a failure (the database away for a moment), so one error stops nothing for good.</summary>
    private async Task Loop(string what, Func<CancellationToken, Task> body, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await body(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Retroactive matching failed while {What}; retrying", what);
                try { await Task.Delay(TimeSpan.FromSeconds(2), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task KeepLoopAsync(CancellationToken ct)
    {
        while (await queue.Uploads.WaitToReadAsync(ct))
        {
            var batch = new List<KeptUpload>();
            while (batch.Count < UploadsPerWrite && queue.Uploads.TryRead(out var upload))
                batch.Add(upload);
            await using var scope = scopes.CreateAsyncScope();
            await KeepAsync(scope.ServiceProvider.GetRequiredService<TurntideDb>(), batch, ct);
        }
    }

    private async Task ScanLoopAsync(CancellationToken ct)
    {
        while (await queue.WaitForChangesAsync(ct))
        {
            // A moment to let a burst gather: one re-check for the whole burst.
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            while (queue.HasChanged)
            {
                var ids = queue.TakeChanged();
                foreach (var chunk in ids.Chunk(ItemsPerScan))
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await RecheckAsync(scope.ServiceProvider.GetRequiredService<TurntideDb>(), chunk, ct);
                }
            }
        }
    }

    private async Task PruneLoopAsync(CancellationToken ct)
    {
        var every = TimeSpan.FromMinutes(Math.Max(0.05, Options.RetroactivePruneMinutes));
        while (!ct.IsCancellationRequested)
        {
            await using (var scope = scopes.CreateAsyncScope())
                await PruneAsync(scope.ServiceProvider.GetRequiredService<TurntideDb>(), ct);
            await Task.Delay(every, ct);
        }
    }

    /// <summary>
    /// Writes the uploads' signals and what they matched then, then matches them once more: an item that arrived
    /// between the request and this write would otherwise be missed by both the request and the re-check.
    /// </summary>
    internal async Task KeepAsync(TurntideDb db, IReadOnlyList<KeptUpload> uploads, CancellationToken ct)
    {
        var now = Timestamps.Now();
        var atUpload = new List<RetroactiveMatch>();
        foreach (var upload in uploads)
        {
            foreach (var q in upload.Queries)
            {
                db.Set<KeptSignal>().Add(new KeptSignal
                {
                    OrganisationId = upload.OrganisationId, Reference = upload.Reference, SignalType = q.SignalType, Value = q.Value, KeptAt = now,
                });
                atUpload.AddRange(q.Matches.Select(m => NewMatch(upload.OrganisationId, upload.Reference, q.SignalType, q.Value, m, now, atUpload: true)));
            }
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await InsertNewAsync(db, atUpload, ct);

        var late = new List<RetroactiveMatch>();
        foreach (var upload in uploads)
        {
            foreach (var q in upload.Queries)
            {
                var type = SignalTypes.Find(q.SignalType)!;
                var answered = q.Matches.Select(m => m.ContentId).ToHashSet();
                late.AddRange(catalog.Match(type, q.Value, type.DefaultMaxDistance, ConfirmLimit, CatalogViewer.For(upload.OrganisationId))
                    .Where(m => !answered.Contains(m.ContentId))
                    .Select(m => NewMatch(upload.OrganisationId, upload.Reference, q.SignalType, q.Value, m, now, atUpload: false)));
            }
        }
        await InsertNewAsync(db, late, ct);
    }

    /// <summary>Scans the kept signals against the items with these ids, and raises each new match once.</summary>
    internal async Task<int> RecheckAsync(TurntideDb db, IReadOnlyCollection<Guid> contentIds, CancellationToken ct)
    {
        var items = new List<CatalogContent>();
        foreach (var id in contentIds)
        {
            // Only items that can match at all; the catalog confirms the rest per kept signal.
            if (catalog.TryGetContent(id, out var item) && item.Status == ContentStatus.Enabled
                && catalog.TryGetBank(item.BankId, out var bank) && bank.Enabled && !bank.Benign)
                items.Add(item);
        }
        if (items.Count == 0)
            return 0;
        var cutoff = Timestamps.Now().AddHours(-Options.RetroactiveWindowHours);
        using var index = new NewSignalIndex(items);
        var candidates = new List<(KeptSignal Kept, Guid ContentId)>();
        var found = new List<(Guid ContentId, int Distance)>();
        var kept = db.Set<KeptSignal>().AsNoTracking();

        if (index.HasPdq)
        {
            long after = 0;
            while (true)
            {
                var page = await kept.Where(k => k.Id > after && k.SignalType == SignalTypes.PdqName && k.KeptAt >= cutoff)
                    .OrderBy(k => k.Id).Take(KeptPerPage).ToListAsync(ct);
                foreach (var k in page)
                {
                    found.Clear();
                    index.Find(k.SignalType, k.Value, found);
                    candidates.AddRange(found.Select(f => (k, f.ContentId)));
                }
                if (page.Count < KeptPerPage)
                    break;
                after = page[^1].Id;
            }
        }
        foreach (var group in index.ExactValues.GroupBy(v => v.Type))
        {
            foreach (var chunk in group.Select(v => v.Value).Chunk(ExactValuesPerQuery))
            {
                var type = group.Key;
                var page = await kept.Where(k => k.SignalType == type && chunk.Contains(k.Value) && k.KeptAt >= cutoff).ToListAsync(ct);
                foreach (var k in page)
                {
                    found.Clear();
                    index.Find(k.SignalType, k.Value, found);
                    candidates.AddRange(found.Select(f => (k, f.ContentId)));
                }
            }
        }
        if (candidates.Count == 0)
            return 0;

        var now = Timestamps.Now();
        var raised = new List<RetroactiveMatch>();
        foreach (var byQuery in candidates.GroupBy(c => (c.Kept.OrganisationId, c.Kept.Reference, c.Kept.SignalType, c.Kept.Value)))
        {
            var (org, reference, signalType, value) = byQuery.Key;
            var type = SignalTypes.Find(signalType)!;
            var wanted = byQuery.Select(c => c.ContentId).ToHashSet();
            // The full catalog answers as a request would now: a benign bank, a disabled item or a bank this
            // organisation may not see all keep the match from being raised.
            raised.AddRange(catalog.Match(type, value, type.DefaultMaxDistance, ConfirmLimit, CatalogViewer.For(org))
                .Where(m => wanted.Contains(m.ContentId))
                .Select(m => NewMatch(org, reference, signalType, value, m, now, atUpload: false)));
        }
        return await InsertNewAsync(db, raised, ct);
    }

    private static RetroactiveMatch NewMatch(Guid org, string reference, string signalType, string value, MatchDto m, DateTime now, bool atUpload) => new()
    {
        OrganisationId = org, Reference = reference, SignalType = signalType, Signal = value, ContentId = m.ContentId,
        BankId = m.BankId, BankName = m.Bank, Distance = m.Distance, FoundAt = now, AtUpload = atUpload,
    };

    /// <summary>
    /// Inserts the matches not raised before, once per (organisation, reference, item). Another replica may insert
    /// the same at the same moment: the unique index refuses the second, and the rows are then tried one by one.
    /// </summary>
    internal static async Task<int> InsertNewAsync(TurntideDb db, IReadOnlyList<RetroactiveMatch> matches, CancellationToken ct)
    {
        if (matches.Count == 0)
            return 0;
        var fresh = matches.DistinctBy(m => (m.OrganisationId, m.Reference, m.ContentId)).ToList();
        var existing = new HashSet<(Guid, string, Guid)>();
        foreach (var chunk in fresh.Chunk(ExactValuesPerQuery))
        {
            var references = chunk.Select(m => m.Reference).Distinct().ToList();
            var contents = chunk.Select(m => m.ContentId).Distinct().ToList();
            var rows = await db.Set<RetroactiveMatch>().AsNoTracking()
                .Where(m => references.Contains(m.Reference) && contents.Contains(m.ContentId))
                .Select(m => new { m.OrganisationId, m.Reference, m.ContentId }).ToListAsync(ct);
            existing.UnionWith(rows.Select(r => (r.OrganisationId, r.Reference, r.ContentId)));
        }
        fresh.RemoveAll(m => existing.Contains((m.OrganisationId, m.Reference, m.ContentId)));
        if (fresh.Count == 0)
            return 0;
        try
        {
            db.Set<RetroactiveMatch>().AddRange(fresh);
            await db.SaveChangesAsync(ct);
            return fresh.Count(m => !m.AtUpload);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
        }
        int inserted = 0;
        foreach (var m in fresh)
        {
            m.Id = 0;
            try
            {
                db.Set<RetroactiveMatch>().Add(m);
                await db.SaveChangesAsync(ct);
                if (!m.AtUpload)
                    inserted++;
            }
            catch (DbUpdateException)
            {
                // Raised already, by another replica.
            }
            db.ChangeTracker.Clear();
        }
        return inserted;
    }

    /// <summary>Drops kept signals older than the window or beyond the cap (oldest first), and old match records.</summary>
    internal async Task PruneAsync(TurntideDb db, CancellationToken ct)
    {
        var now = Timestamps.Now();
        var cutoff = now.AddHours(-Options.RetroactiveWindowHours);
        await db.Set<KeptSignal>().Where(k => k.KeptAt < cutoff).ExecuteDeleteAsync(ct);
        var beyond = await db.Set<KeptSignal>().OrderByDescending(k => k.Id).Skip(Options.RetroactiveMaxKeptSignals)
            .Select(k => (long?)k.Id).FirstOrDefaultAsync(ct);
        if (beyond is { } last)
            await db.Set<KeptSignal>().Where(k => k.Id <= last).ExecuteDeleteAsync(ct);
        // What was answered at upload only guards against raising it again while the upload is kept.
        await db.Set<RetroactiveMatch>().Where(m => m.AtUpload && m.FoundAt < cutoff).ExecuteDeleteAsync(ct);
        var matchCutoff = now.AddDays(-Options.RetroactiveMatchDays);
        await db.Set<RetroactiveMatch>().Where(m => !m.AtUpload && m.FoundAt < matchCutoff).ExecuteDeleteAsync(ct);
    }
}

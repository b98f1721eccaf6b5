using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Hosting;

namespace Turntide.Server.Features.Matching;

/// <summary>Fills the <see cref="SignalCatalog"/> from the database at start-up, then marks it ready.</summary>
internal sealed class CatalogLoader(IServiceScopeFactory scopes, SignalCatalog catalog, DatabaseReady database,
    ILogger<CatalogLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WaitAsync(stoppingToken);
        var clock = Stopwatch.StartNew();
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
        await LoadAsync(db, catalog, stoppingToken);
        catalog.MarkReady();
        logger.LogInformation("Indexes ready: {Signals} signals of {Contents} items in {Ms} ms",
            catalog.SignalCount, catalog.ContentCount, clock.ElapsedMilliseconds);
    }

    /// <summary>Streams banks, labels and signals in three passes, without change tracking.</summary>
    internal static async Task LoadAsync(TurntideDb db, SignalCatalog catalog, CancellationToken ct)
    {
        foreach (var bank in await db.Banks.AsNoTracking().Select(b => new { b.Id, b.Name, b.Enabled }).ToListAsync(ct))
            catalog.SetBank(new CatalogBank(bank.Id, bank.Name, bank.Enabled));

        var labels = new Dictionary<Guid, List<string>>();
        await foreach (var l in db.Labels.AsNoTracking().Select(l => new { l.ContentId, l.Label }).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!labels.TryGetValue(l.ContentId, out var list))
                labels[l.ContentId] = list = [];
            list.Add(l.Label);
        }

        var contents = new Dictionary<Guid, (Guid BankId, ContentStatus Status)>();
        await foreach (var c in db.Contents.AsNoTracking().Select(c => new { c.Id, c.BankId, c.Status }).AsAsyncEnumerable().WithCancellation(ct))
            contents[c.Id] = (c.BankId, c.Status);

        // Signals arrive ordered by item so each item is handed over whole.
        Guid current = Guid.Empty;
        var signals = new List<(long, string, string)>();
        void Flush()
        {
            if (current != Guid.Empty && contents.TryGetValue(current, out var info))
            {
                labels.TryGetValue(current, out var l);
                l?.Sort(StringComparer.Ordinal);
                catalog.Upsert(new CatalogContent(current, info.BankId, info.Status, (IReadOnlyList<string>?)l ?? [], [.. signals]));
            }
            signals.Clear();
        }
        await foreach (var s in db.Signals.AsNoTracking().OrderBy(s => s.ContentId).ThenBy(s => s.Id)
            .Select(s => new { s.Id, s.ContentId, s.SignalType, s.Value }).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (s.ContentId != current)
            {
                Flush();
                current = s.ContentId;
            }
            signals.Add((s.Id, s.SignalType, s.Value));
        }
        Flush();
    }
}

using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;

namespace Turntide.Server.Features.Matching;

/// <summary>The <c>Turntide</c> settings of the catalog follower.</summary>
public sealed class CatalogFollowerOptions
{
    /// <summary>Milliseconds between reads of the audit log's tail (<c>Turntide:CatalogFollowMilliseconds</c>).</summary>
    public int CatalogFollowMilliseconds { get; set; } = 250;

    /// <summary>Audit entries read per pass.</summary>
    public int CatalogFollowPage { get; set; } = 1000;
}

/// <summary>
/// How far the catalog has applied the audit log. The start-up load sets it to the head it read before loading;
/// the follower moves it on.
/// </summary>
public sealed class CatalogCursor
{
    private readonly TaskCompletionSource<long> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _applied;

    public long Applied => Interlocked.Read(ref _applied);

    internal void Start(long head)
    {
        Interlocked.Exchange(ref _applied, head);
        _started.TrySetResult(head);
    }

    internal void Advance(long sequence) => Interlocked.Exchange(ref _applied, sequence);

    internal Task WaitStartedAsync(CancellationToken ct) => _started.Task.WaitAsync(ct);
}

/// <summary>
/// Keeps this process's catalog in step with every other process on the same database (replicas, the exchange
/// sync): reads the audit entries after the last one applied, every few hundred milliseconds, and reloads what
/// they name (see <see cref="CatalogChanges"/>). Reloading reads the row as it is now, so applying an entry twice,
/// or one this process wrote itself, changes nothing.
/// </summary>
internal sealed class CatalogFollower(IServiceScopeFactory scopes, SignalCatalog catalog, CatalogCursor cursor,
    OwnExchangeWrites ownWrites, IOptions<CatalogFollowerOptions> options, ILogger<CatalogFollower> logger) : BackgroundService
{
    private static readonly string[] Followed =
        [CatalogChanges.Content, CatalogChanges.Bank, CatalogChanges.BankSharing, CatalogChanges.ExchangeBatch, CatalogChanges.ExchangeResync];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await cursor.WaitStartedAsync(stoppingToken);
        var interval = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.CatalogFollowMilliseconds, 10, 60_000));
        int failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                bool more = await FollowOnceAsync(stoppingToken);
                failures = 0;
                if (more)
                    continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database away for a moment: matching goes on from memory, and the follower resumes where it stopped.
                failures++;
                if (failures == 1 || failures % 100 == 0)
                    logger.LogWarning(ex, "Following catalog changes failed ({Failures} in a row); retrying", failures);
            }
            try
            {
                await Task.Delay(failures == 0 ? interval : TimeSpan.FromMilliseconds(Math.Min(5000, interval.TotalMilliseconds * (1 << Math.Min(failures, 5)))), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Applies one page of entries; true when a full page came back (so more may be waiting).</summary>
    internal async Task<bool> FollowOnceAsync(CancellationToken ct)
    {
        await ownWrites.Gate.WaitAsync(ct);
        try
        {
            return await FollowOnceGatedAsync(ct);
        }
        finally
        {
            ownWrites.Gate.Release();
        }
    }

    private async Task<bool> FollowOnceGatedAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
        long applied = cursor.Applied;
        int page = Math.Max(1, options.Value.CatalogFollowPage);
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.Sequence > applied && Followed.Contains(a.EntityType))
            .OrderBy(a => a.Sequence).Take(page)
            // Only a batch's snapshot is needed: an import of a million items leaves a million large snapshots behind.
            .Select(a => new { a.Sequence, a.EntityType, a.EntityId, After = a.EntityType == CatalogChanges.ExchangeBatch ? a.After : null })
            .ToListAsync(ct);
        if (entries.Count == 0)
            return false;

        long last = entries[^1].Sequence;
        bool full = entries.Count == page;
        // Pages and resyncs this process's own fetcher committed are in its catalog already (or on their way there).
        entries.RemoveAll(e => e.EntityType is CatalogChanges.ExchangeBatch or CatalogChanges.ExchangeResync && ownWrites.TryTake(e.Sequence));
        ownWrites.ForgetUpTo(last);
        if (entries.Count == 0)
        {
            cursor.Advance(last);
            return full;
        }
        // A batch record that cannot be read (written by another version) must not stall every replica: rebuild instead.
        var batches = new List<ExchangeBatchRecord>();
        bool unreadable = false;
        foreach (var e in entries.Where(e => e.EntityType == CatalogChanges.ExchangeBatch && e.After is not null))
        {
            try
            {
                if (JsonSerializer.Deserialize<ExchangeBatchRecord>(e.After!, AuditLog.SnapshotJson) is { } record)
                    batches.Add(record);
            }
            catch (JsonException ex)
            {
                logger.LogError("Audit entry {Sequence} ({Type}) cannot be read ({Error}); rebuilding the catalog instead", e.Sequence, e.EntityType, ex.Message);
                unreadable = true;
            }
        }
        if (unreadable || entries.Any(e => e.EntityType == CatalogChanges.ExchangeResync))
        {
            // The head before the read, as at start-up: later entries are followed after the swap.
            long head = await CatalogReader.AuditHeadAsync(db, ct);
            await CatalogLoader.ReadAllAsync(db, catalog.Replace, ct);
            cursor.Advance(Math.Max(head, last));
            logger.LogInformation("Catalog rebuilt after an exchange resync: {Signals} signals of {Contents} items", catalog.SignalCount, catalog.ContentCount);
            return full;
        }

        var banks = new HashSet<Guid>();
        var contents = new HashSet<Guid>();
        foreach (var e in entries)
        {
            switch (e.EntityType)
            {
                case CatalogChanges.Content when Guid.TryParse(e.EntityId, out var id):
                    contents.Add(id);
                    break;
                case CatalogChanges.Bank or CatalogChanges.BankSharing when Guid.TryParse(e.EntityId, out var id):
                    banks.Add(id);
                    break;
            }
        }
        foreach (var batch in batches)
        {
            banks.UnionWith(batch.Banks ?? []);
            contents.UnionWith(batch.Contents ?? []);
        }
        await ApplyAsync(db, catalog, banks, contents, ct);
        cursor.Advance(last);
        return full;
    }

    /// <summary>Reloads the named banks first (an item may belong to a bank created in the same pass), then the items.</summary>
    internal static async Task ApplyAsync(TurntideDb db, SignalCatalog catalog, IReadOnlyCollection<Guid> banks, IReadOnlyCollection<Guid> contents, CancellationToken ct)
    {
        if (banks.Count > 0)
        {
            var found = await CatalogReader.ReadBanksAsync(db, banks, ct);
            foreach (var bank in found)
                catalog.SetBank(bank);
            foreach (var gone in banks.Except(found.Select(b => b.Id)))
                catalog.RemoveBank(gone);
        }
        if (contents.Count > 0)
        {
            var found = await CatalogReader.ReadContentsAsync(db, contents, ct);
            foreach (var content in found)
                catalog.Upsert(content);
            foreach (var gone in contents.Except(found.Select(c => c.Id)))
                catalog.Remove(gone);
        }
    }
}

using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;

namespace Turntide.Server.Features.Matching;

/// <summary>What one pass read: the entries after <see cref="From"/> up to <see cref="UpTo"/>, not yet applied.</summary>
internal sealed record CatalogPass(long From, long UpTo);

/// <summary>
/// The one writer of this process's <see cref="SignalCatalog"/> after the start-up load (docs/catalog.md). Services commit
/// through the audit scope and leave the catalog alone; this reads the audit entries after the last one applied, in
/// sequence order, reloads the rows they name (see <see cref="CatalogChanges"/>) and only then moves
/// <see cref="AuditApplied"/> on. Commits of this process and of every other process on the same database (replicas, the
/// node's exchange sync) take the same path: a local commit wakes it at once, and it polls for the others.
/// <para>
/// Passes run one at a time and each reads the rows after the entries it covers committed, so a row read earlier is
/// never applied after a row read later: the old race (a reload read before a commit landing over the commit's newer
/// state, written straight into the catalog by the service) has no second writer to race with.
/// </para>
/// </summary>
internal sealed class CatalogApplier : BackgroundService
{
    private static readonly string[] Followed =
        [CatalogChanges.Content, CatalogChanges.Bank, CatalogChanges.BankSharing, CatalogChanges.ExchangeBatch, CatalogChanges.ExchangeResync];

    private readonly IServiceScopeFactory _scopes;
    private readonly SignalCatalog _catalog;
    private readonly AuditApplied _applied;
    private readonly IOptions<MatchingOptions> _options;
    private readonly ILogger<CatalogApplier> _logger;
    // Released by each local commit of a followed entry; a count above one only costs an empty pass.
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _pass = new(1, 1);

    public CatalogApplier(IServiceScopeFactory scopes, SignalCatalog catalog, AuditApplied applied, AuditCommits commits,
        IOptions<MatchingOptions> options, ILogger<CatalogApplier> logger)
    {
        _scopes = scopes;
        _catalog = catalog;
        _applied = applied;
        _options = options;
        _logger = logger;
        commits.OnCommitted += (_, types) =>
        {
            if (types.Any(t => Followed.Contains(t)))
                _wake.Release();
        };
    }

    /// <summary>
    /// A test seam: awaited after a pass has read its rows and before it applies them, so a test can hold the pass at
    /// exactly that point while other writes commit. Null in production.
    /// </summary>
    internal Func<CatalogPass, CancellationToken, Task>? BeforeApply { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _applied.WaitStartedAsync(stoppingToken);
        var interval = TimeSpan.FromMilliseconds(Math.Clamp(_options.Value.CatalogFollowMilliseconds, 10, 60_000));
        int failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                bool more = await ApplyOnceAsync(stoppingToken);
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
                // The database away for a moment: matching goes on from memory, and the applier resumes where it stopped.
                failures++;
                if (failures == 1 || failures % 100 == 0)
                    _logger.LogWarning(ex, "Applying catalog changes failed ({Failures} in a row); retrying", failures);
            }
            try
            {
                var wait = failures == 0 ? interval : TimeSpan.FromMilliseconds(Math.Min(5000, interval.TotalMilliseconds * (1 << Math.Min(failures, 5))));
                await _wake.WaitAsync(wait, stoppingToken);
                // Every commit that woke this is covered by the next pass.
                while (_wake.Wait(0))
                {
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Applies one page of entries; true when a full page came back (so more may be waiting).</summary>
    internal async Task<bool> ApplyOnceAsync(CancellationToken ct)
    {
        await _pass.WaitAsync(ct);
        try
        {
            return await ApplyPageAsync(ct);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task<bool> ApplyPageAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
        long from = _applied.Sequence;
        // The head first: every entry up to it has committed (sequences are handed out under the append lock and
        // committed in order), so the pass can move the applied sequence to it even when none of them is followed.
        long head = await CatalogReader.AuditHeadAsync(db, ct);
        if (head <= from)
            return false;
        int page = Math.Max(1, _options.Value.CatalogFollowPage);
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.Sequence > from && a.Sequence <= head && Followed.Contains(a.EntityType))
            .OrderBy(a => a.Sequence).Take(page)
            // Only a batch's snapshot is needed: an import of a million items leaves a million large snapshots behind.
            .Select(a => new { a.Sequence, a.EntityType, a.EntityId, After = a.EntityType == CatalogChanges.ExchangeBatch ? a.After : null })
            .ToListAsync(ct);
        bool full = entries.Count == page;
        var pass = new CatalogPass(from, full ? entries[^1].Sequence : head);
        if (entries.Count == 0)
        {
            _applied.Advance(pass.UpTo);
            return false;
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
                _logger.LogError("Audit entry {Sequence} ({Type}) cannot be read ({Error}); rebuilding the catalog instead", e.Sequence, e.EntityType, ex.Message);
                unreadable = true;
            }
        }
        if (unreadable || entries.Any(e => e.EntityType == CatalogChanges.ExchangeResync))
        {
            // Read whole after the resync committed, so the rebuild holds it and everything before it.
            CatalogSnapshot? snapshot = null;
            await CatalogLoader.ReadAllAsync(db, (b, c, n, m) => snapshot = new([.. b], [.. c], n, m), ct);
            await PauseAsync(pass, ct);
            _catalog.Replace(snapshot!.Banks, snapshot.Contents, snapshot.ExpectedContents, snapshot.ExpectedSignals);
            _applied.Advance(pass.UpTo);
            _logger.LogInformation("Catalog rebuilt after an exchange resync: {Signals} signals of {Contents} items", _catalog.SignalCount, _catalog.ContentCount);
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
        var rows = await ReadAsync(db, banks, contents, ct);
        await PauseAsync(pass, ct);
        Apply(_catalog, rows);
        _applied.Advance(pass.UpTo);
        return full;
    }

    private Task PauseAsync(CatalogPass pass, CancellationToken ct) => BeforeApply?.Invoke(pass, ct) ?? Task.CompletedTask;

    private sealed record CatalogSnapshot(List<CatalogBank> Banks, List<CatalogContent> Contents, int ExpectedContents, int ExpectedSignals);

    /// <summary>The rows named by a pass as they are now; an id asked for and not found is gone.</summary>
    internal sealed record CatalogRows(IReadOnlyCollection<Guid> Banks, List<CatalogBank> FoundBanks, IReadOnlyCollection<Guid> Contents, List<CatalogContent> FoundContents);

    internal static async Task<CatalogRows> ReadAsync(TurntideDb db, IReadOnlyCollection<Guid> banks, IReadOnlyCollection<Guid> contents, CancellationToken ct) =>
        new(banks, banks.Count > 0 ? await CatalogReader.ReadBanksAsync(db, banks, ct) : [],
            contents, contents.Count > 0 ? await CatalogReader.ReadContentsAsync(db, contents, ct) : []);

    /// <summary>Banks first (an item may belong to a bank created in the same pass), then the items.</summary>
    internal static void Apply(SignalCatalog catalog, CatalogRows rows)
    {
        foreach (var bank in rows.FoundBanks)
            catalog.SetBank(bank);
        foreach (var gone in rows.Banks.Except(rows.FoundBanks.Select(b => b.Id)))
            catalog.RemoveBank(gone);
        // Many items at once (a node's page of the hub's feed, an import's batch) go to the indexes in bulk.
        catalog.UpsertMany(rows.FoundContents);
        foreach (var gone in rows.Contents.Except(rows.FoundContents.Select(c => c.Id)))
            catalog.Remove(gone);
    }
}

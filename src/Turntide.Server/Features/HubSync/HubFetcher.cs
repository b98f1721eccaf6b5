using Microsoft.Extensions.Options;
using Turntide.Server.Data;
using Turntide.Server.Features.Matching;

namespace Turntide.Server.Features.HubSync;

/// <summary>
/// Keeps the node's copy of the hub's banks up to date. It reads the feed from the checkpoint stored with the copy (so a
/// restart resumes where the last committed page ended, neither losing nor repeating anything), page by page until the
/// hub has nothing more; then waits for the poll interval (jittered, so many nodes do not poll in step) or for the push
/// stream's word that the hub's head moved, whichever comes first. A 410 from the hub means the checkpoint is unknown
/// there (a restored or replaced hub database): the node replaces its copy from the hub's snapshot.
/// </summary>
internal sealed class HubFetcher(IServiceScopeFactory scopes, HubClient hub, HubSyncStatus status, SignalCatalog catalog,
    DatabaseReady database, IOptions<HubOptions> options, ILogger<HubFetcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        await database.WaitAsync(stoppingToken);
        // The catalog's start-up load includes the copy: the node matches from it before the hub answers at all.
        while (!catalog.IsReady)
            await Task.Delay(50, stoppingToken);
        logger.LogInformation("Syncing from the hub at {Hub} every {Seconds} s{Push}", hub.Address, o.PollSeconds, o.Push ? ", with push" : "");
        await RestoreStatusAsync(stoppingToken);
        var stream = o.Push ? ListenAsync(stoppingToken) : Task.CompletedTask;
        int failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await SyncAsync(stoppingToken);
                failures = 0;
                wait = Jitter(TimeSpan.FromSeconds(o.PollSeconds));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                status.Failed(e.Message);
                logger.LogWarning("Sync from the hub failed ({Failures} in a row): {Error}", failures, e.Message);
                wait = Jitter(Backoff(failures, TimeSpan.FromSeconds(Math.Min(o.PollSeconds, 30))));
            }
            try
            {
                await _wake.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await stream;
    }

    /// <summary>Reads the stored checkpoint for the status; a database away for a moment is waited out, not fatal.</summary>
    private async Task RestoreStatusAsync(CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var scope = scopes.CreateScope();
                var state = await scope.ServiceProvider.GetRequiredService<HubMirror>().StateAsync(ct);
                status.Restored(state.Checkpoint, state.LastSyncAt);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Reading the sync state failed (attempt {Attempt}): {Error}", attempt, e.Message);
                await Task.Delay(Backoff(attempt, TimeSpan.FromSeconds(30)), ct);
            }
        }
    }

    /// <summary>Pages until the hub has nothing more; each page commits with its checkpoint.</summary>
    internal async Task SyncAsync(CancellationToken ct)
    {
        int pageSize = options.Value.PageSize;
        while (!ct.IsCancellationRequested)
        {
            using var scope = scopes.CreateScope();
            var mirror = scope.ServiceProvider.GetRequiredService<HubMirror>();
            var state = await mirror.StateAsync(ct);
            if (state.Checkpoint is null)
            {
                // A first sync takes the snapshot: the whole feed from the start would replay every change ever made.
                logger.LogInformation("No copy of the hub's banks yet: taking the hub's snapshot");
                await ResyncAsync(mirror, state.Version, ct);
                continue;
            }
            Exchange.ExchangePage page;
            try
            {
                page = await hub.PageAsync(state.Checkpoint, pageSize, ct);
            }
            catch (HubResyncRequiredException)
            {
                logger.LogWarning("The hub does not know checkpoint {Checkpoint}: replacing the copy from its snapshot", state.Checkpoint);
                await ResyncAsync(mirror, state.Version, ct);
                continue;
            }
            bool applied;
            try
            {
                applied = page.Checkpoint == state.Checkpoint && page.Updates.Count == 0
                    || await mirror.ApplyPageAsync(state.Version, page, ct);
            }
            catch (MirrorNeedsResyncException e)
            {
                logger.LogWarning("{Reason}: replacing the copy from the hub's snapshot", e.Message);
                await ResyncAsync(mirror, state.Version, ct);
                continue;
            }
            if (!applied)
            {
                // Another replica on this database applied the page first; read the state again and go on from there.
                continue;
            }
            status.Synced(page.Checkpoint, null, page.Updates.Count, page.Updates.Count > 0);
            if (page.Updates.Count > 0)
                logger.LogDebug("Applied {Count} updates from the hub; checkpoint {Checkpoint}", page.Updates.Count, page.Checkpoint);
            if (!page.HasMore)
                return;
        }
    }

    private async Task ResyncAsync(HubMirror mirror, long version, CancellationToken ct)
    {
        status.Resyncing = true;
        try
        {
            using var response = await hub.SnapshotAsync(ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var (applied, checkpoint, items) = await mirror.ResyncAsync(version, body, ct);
            if (applied)
                status.Resynced(checkpoint);
            logger.LogInformation("Resync {Outcome}: {Items} items, checkpoint {Checkpoint}", applied ? "committed" : "left to another replica", items, checkpoint);
        }
        finally
        {
            status.Resyncing = false;
        }
    }

    /// <summary>
    /// Holds the hub's push stream open and wakes the fetcher when the announced head is past the node's checkpoint.
    /// A broken or silent stream (no heartbeat for 45 s) is reopened after a growing, jittered pause.
    /// </summary>
    private async Task ListenAsync(CancellationToken ct)
    {
        int failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var response = await hub.StreamAsync(ct);
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                using var reader = new StreamReader(body);
                status.StreamConnected = true;
                failures = 0;
                string? eventType = null;
                while (!ct.IsCancellationRequested)
                {
                    using var silence = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    silence.CancelAfter(TimeSpan.FromSeconds(45));
                    var line = await reader.ReadLineAsync(silence.Token);
                    if (line is null)
                        break;
                    if (line.StartsWith("event:", StringComparison.Ordinal))
                        eventType = line[6..].Trim();
                    else if (line.StartsWith("data:", StringComparison.Ordinal) && eventType == "head")
                    {
                        using var json = System.Text.Json.JsonDocument.Parse(line[5..]);
                        long head = json.RootElement.GetProperty("head").GetInt64();
                        status.Head(head);
                        if (HubSyncStatus.Sequence(status.Checkpoint) is not { } at || head > at)
                            Wake();
                    }
                    else if (line.Length == 0)
                        eventType = null;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                if (failures == 1)
                    logger.LogWarning("The hub's push stream is unavailable; retrying with backoff: {Error}", e.Message);
            }
            status.StreamConnected = false;
            try
            {
                await Task.Delay(Jitter(Backoff(Math.Max(1, failures), TimeSpan.FromSeconds(30))), ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        status.StreamConnected = false;
    }

    private void Wake()
    {
        lock (_wake)
        {
            if (_wake.CurrentCount == 0)
                _wake.Release();
        }
    }

    /// <summary>0.5 s, 1 s, 2 s... up to <paramref name="max"/>.</summary>
    internal static TimeSpan Backoff(int failures, TimeSpan max) =>
        TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(failures - 1, 16))));

    /// <summary>Between 80% and 120% of the wait.</summary>
    internal static TimeSpan Jitter(TimeSpan wait) => wait * (0.8 + 0.4 * Random.Shared.NextDouble());
}

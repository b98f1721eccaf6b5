using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Audit;
using Turntide.Server.Features.Members;

namespace Turntide.Server.Features.Exchange;

/// <summary>
/// The head of the exchange feed (the sequence of the newest <c>content</c>, <c>bank</c> or <c>bank_sharing</c> audit entry) and a signal
/// for everyone waiting on it. It moves when this process commits such an entry (through <see cref="AuditCommits"/>)
/// and when <see cref="ExchangeHeadWatcher"/> sees one that another hub process on the same database committed.
/// </summary>
internal sealed class ExchangeHead
{
    public const int MaxStreamsPerKey = 4;
    /// <summary>What a key told it holds too many streams should wait: about a heartbeat, in which a dead one is noticed.</summary>
    public const int StreamRetryAfterSeconds = 15;

    private long _head = -1;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, int> _streams = new(StringComparer.Ordinal);

    public ExchangeHead(AuditCommits commits)
    {
        commits.OnCommitted += (sequence, types) =>
        {
            if (types.Any(t => ExchangeService.FeedEntities.Contains(t)))
                Advance(sequence);
        };
    }

    /// <summary>-1 until the watcher's first look at the database.</summary>
    public long Current => Interlocked.Read(ref _head);

    public int Subscribers => _streams.Values.Sum();

    public void Advance(long head)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref _head);
            if (head <= seen)
                return;
        } while (Interlocked.CompareExchange(ref _head, head, seen) != seen);
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Completes when the head moves past <paramref name="known"/> (at once if it has already).</summary>
    public Task WaitBeyondAsync(long known)
    {
        var changed = Volatile.Read(ref _changed);
        return Current > known ? Task.CompletedTask : changed.Task;
    }

    public bool TryOpenStream(string key)
    {
        bool opened = false;
        _streams.AddOrUpdate(key, _ => { opened = true; return 1; }, (_, n) =>
        {
            opened = n < MaxStreamsPerKey;
            return opened ? n + 1 : n;
        });
        return opened;
    }

    public void CloseStream(string key) => _streams.AddOrUpdate(key, 0, (_, n) => Math.Max(0, n - 1));
}

/// <summary>
/// Looks at the database every 250 ms while anyone listens, so that changes committed by another hub process on the same
/// database are announced too. Reading the last sequence (the primary key) is cheap; the entity types are read only
/// for the entries since the last look.
/// </summary>
internal sealed class ExchangeHeadWatcher(IServiceScopeFactory scopes, ExchangeHead head, DatabaseReady database,
    ILogger<ExchangeHeadWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WaitAsync(stoppingToken);
        long lastSeen = -1;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (head.Current < 0 || head.Subscribers > 0)
                {
                    using var scope = scopes.CreateScope();
                    var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
                    long last = await db.AuditEntries.MaxAsync(a => (long?)a.Sequence, stoppingToken) ?? 0;
                    if (last != lastSeen)
                    {
                        long from = Math.Max(lastSeen, 0);
                        long? feedHead = lastSeen < 0
                            ? await db.AuditEntries.Where(a => ExchangeService.FeedEntities.Contains(a.EntityType)).MaxAsync(a => (long?)a.Sequence, stoppingToken)
                            : await db.AuditEntries.Where(a => a.Sequence > from && ExchangeService.FeedEntities.Contains(a.EntityType)).MaxAsync(a => (long?)a.Sequence, stoppingToken);
                        head.Advance(feedHead ?? 0);
                        lastSeen = last;
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("The exchange head watcher could not read the audit log: {Error}", e.Message);
            }
            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>
/// <c>GET /api/v1/exchange/stream</c>: Server-Sent Events telling a node the feed's head whenever it moves, so the node
/// fetches at once instead of at its next poll. Written by hand rather than with the framework's SSE result because
/// the heartbeat is an SSE comment line (<c>: heartbeat</c>), which that result has no way to send; proxies and the
/// node use the heartbeat to notice a dead connection.
/// </summary>
internal static class ExchangeStream
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static async Task<IResult> StreamAsync(HttpContext http, ExchangeHead head, ApiKeyStore keys, IHostApplicationLifetime lifetime)
    {
        var actor = Actor.From(http.User);
        if (actor.OrganisationId is null || !Guid.TryParse(actor.Id, out var keyId))
            return Problems.Bad("The exchange serves member organisations.", StatusCodes.Status403Forbidden);
        string key = actor.Id;
        if (!head.TryOpenStream(key))
        {
            http.Response.Headers.RetryAfter = ExchangeHead.StreamRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Bad($"A key holds at most {ExchangeHead.MaxStreamsPerKey} exchange streams at once; close one, or retry in {ExchangeHead.StreamRetryAfterSeconds} s.",
                StatusCodes.Status429TooManyRequests);
        }
        try
        {
            // A revocation through this process ends the stream at once; one through another process (or the key's
            // expiry) is found by asking the database every ApiKeyStore.CacheFor, the same bound as for requests.
            var revoked = keys.Revocation(keyId);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping, revoked);
            var ct = stop.Token;
            // Revoked between authentication and taking the token above: nothing would cancel it.
            if (!await keys.IsActiveAsync(keyId, ct))
                return Results.Empty;
            var nextCheck = DateTime.UtcNow + ApiKeyStore.CacheFor;
            var response = http.Response;
            response.Headers.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
            // Until the watcher's first look, the head is unknown: wait briefly for it rather than announce nothing.
            for (int i = 0; i < 40 && head.Current < 0; i++)
                await Task.Delay(50, ct);
            long sent = -1;
            await response.WriteAsync("retry: 2000\n\n", ct);
            while (!ct.IsCancellationRequested)
            {
                long current = head.Current;
                if (current > sent && current >= 0)
                {
                    await response.WriteAsync($"event: head\ndata: {{\"head\":{current}}}\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    sent = current;
                }
                var changed = head.WaitBeyondAsync(sent);
                var untilCheck = nextCheck - DateTime.UtcNow;
                var delay = untilCheck < Heartbeat ? untilCheck : Heartbeat;
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var finished = await Task.WhenAny(changed, Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, wait.Token));
                wait.Cancel();
                if (DateTime.UtcNow >= nextCheck)
                {
                    if (!await StillActiveAsync(keys, keyId, ct))
                        break;
                    nextCheck = DateTime.UtcNow + ApiKeyStore.CacheFor;
                }
                if (finished != changed && !ct.IsCancellationRequested)
                {
                    await response.WriteAsync(": heartbeat\n\n", ct);
                    await response.Body.FlushAsync(ct);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            head.CloseStream(key);
        }
        return Results.Empty;
    }

    /// <summary>The periodic re-check; a database that does not answer keeps the stream (the next check tries again).</summary>
    private static async Task<bool> StillActiveAsync(ApiKeyStore keys, Guid keyId, CancellationToken ct)
    {
        try
        {
            return await keys.IsActiveAsync(keyId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return true;
        }
    }
}

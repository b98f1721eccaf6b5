using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Turntide.Server.Data;
using Turntide.Server.Features.Exchange;
using Turntide.Server.Features.Matching;

namespace Turntide.Server.Features.HubSync;

/// <summary>Matches per item since the last report, counted as the match API answers (told through <see cref="IMatchObserver"/>).</summary>
internal sealed class MatchTally : IMatchObserver
{
    private ConcurrentDictionary<Guid, long> _counts = new();

    public void Count(IEnumerable<MatchDto> matches)
    {
        foreach (var match in matches)
            _counts.AddOrUpdate(match.ContentId, 1, (_, n) => n + 1);
    }

    /// <summary>Counted for the hub's match-flood check (only the hub's items are reported).</summary>
    public void Answered(MatchesAnswered answered)
    {
        foreach (var result in answered.Results)
            Count(result.Matches);
    }

    /// <summary>Takes the counts so far and starts afresh.</summary>
    public IReadOnlyDictionary<Guid, long> Take() => Interlocked.Exchange(ref _counts, new ConcurrentDictionary<Guid, long>());

    /// <summary>Puts back counts a failed report did not deliver, so none are lost while the hub is down.</summary>
    public void Return(IEnumerable<KeyValuePair<Guid, long>> counts)
    {
        foreach (var (id, n) in counts)
            _counts.AddOrUpdate(id, n, (_, m) => m + n);
    }
}

/// <summary>
/// Sends the node's match counts of the hub's items to the hub every <see cref="HubOptions.MatchReportSeconds"/>, at most
/// <see cref="MatchFlood.MaxItems"/> items a report; counts of local items stay local.
/// </summary>
internal sealed class MatchReporter(IServiceScopeFactory scopes, MatchTally tally, HubClient hub, DatabaseReady database,
    Microsoft.Extensions.Options.IOptions<HubOptions> options, ILogger<MatchReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WaitAsync(stoppingToken);
        var interval = TimeSpan.FromSeconds(Math.Max(0.2, options.Value.MatchReportSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await ReportAsync(stoppingToken);
        }
    }

    internal async Task ReportAsync(CancellationToken ct)
    {
        var counts = tally.Take();
        if (counts.Count == 0)
            return;
        List<KeyValuePair<Guid, long>> mirrored = [];
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<TurntideDb>();
            foreach (var chunk in counts.Keys.Chunk(500))
            {
                var ids = await db.Contents.AsNoTracking().Where(c => chunk.Contains(c.Id) && c.Bank!.Origin == HubMirror.Origin).Select(c => c.Id).ToListAsync(ct);
                mirrored.AddRange(ids.Select(id => new KeyValuePair<Guid, long>(id, counts[id])));
            }
            foreach (var chunk in mirrored.Chunk(MatchFlood.MaxItems))
            {
                var result = await hub.ReportMatchesAsync(new MatchReport([.. chunk.Select(c => new MatchReportItem(c.Key, c.Value))]), ct);
                mirrored = mirrored.Skip(chunk.Length).ToList();
                if (result.Quarantined.Count > 0)
                    logger.LogWarning("The hub quarantined {Count} items for match floods after this node's report", result.Quarantined.Count);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            tally.Return(mirrored.Count > 0 ? mirrored : counts);
            logger.LogWarning("Match counts not reported to the hub, kept for the next report: {Error}", e.Message);
        }
    }
}

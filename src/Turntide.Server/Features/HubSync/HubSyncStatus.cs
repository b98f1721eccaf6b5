namespace Turntide.Server.Features.HubSync;

/// <summary>What <c>GET /api/v1/exchange/status</c> answers on a node.</summary>
internal sealed record HubSyncStatusDto(
    bool Configured, string Hub, bool HubReachable, bool StreamConnected, string? Checkpoint, long? HubHead, long? Lag,
    DateTime? LastSyncAt, double? SecondsSinceSync, DateTime? LastResyncAt, bool Resyncing, long PagesApplied, long ItemsApplied,
    long Resyncs, long Errors, string? LastError, DateTime? LastErrorAt);

/// <summary>The fetcher's live figures, for the status endpoint and the logs.</summary>
internal sealed class HubSyncStatus
{
    private readonly Lock _lock = new();
    public string Hub { get; set; } = "(none)";
    public bool Configured { get; set; }
    public bool HubReachable { get; private set; }
    public bool StreamConnected { get; set; }
    public string? Checkpoint { get; private set; }
    public long? HubHead { get; private set; }
    public DateTime? LastSyncAt { get; private set; }
    public DateTime? LastResyncAt { get; set; }
    public bool Resyncing { get; set; }
    public long PagesApplied { get; private set; }
    public long ItemsApplied { get; private set; }
    public long Resyncs { get; private set; }
    public long Errors { get; private set; }
    public string? LastError { get; private set; }
    public DateTime? LastErrorAt { get; private set; }

    public static long? Sequence(string? checkpoint) =>
        checkpoint?.Split('.') is [_, var s] && long.TryParse(s, out var n) ? n : null;

    public void Synced(string checkpoint, DateTime? at, int items, bool page)
    {
        lock (_lock)
        {
            Checkpoint = checkpoint;
            LastSyncAt = at ?? DateTime.UtcNow;
            HubReachable = true;
            if (page)
                PagesApplied++;
            ItemsApplied += items;
            if (Sequence(checkpoint) is { } s && (HubHead is null || s > HubHead))
                HubHead = s;
        }
    }

    /// <summary>What the database remembers from before a restart, until the first fetch answers.</summary>
    public void Restored(string? checkpoint, DateTime? lastSyncAt)
    {
        lock (_lock)
        {
            Checkpoint ??= checkpoint;
            LastSyncAt ??= lastSyncAt;
        }
    }

    public void Resynced(string checkpoint)
    {
        lock (_lock)
        {
            Resyncs++;
            LastResyncAt = DateTime.UtcNow;
        }
        Synced(checkpoint, null, 0, page: false);
    }

    public void Head(long head)
    {
        lock (_lock)
            HubHead = Math.Max(HubHead ?? 0, head);
    }

    public void Failed(string error)
    {
        lock (_lock)
        {
            HubReachable = false;
            Errors++;
            LastError = error;
            LastErrorAt = DateTime.UtcNow;
        }
    }

    public HubSyncStatusDto ToDto()
    {
        lock (_lock)
        {
            long? lag = HubHead is { } h && Sequence(Checkpoint) is { } c ? Math.Max(0, h - c) : null;
            return new HubSyncStatusDto(Configured, Hub, HubReachable, StreamConnected, Checkpoint, HubHead, lag, LastSyncAt,
                LastSyncAt is { } t ? Math.Round((DateTime.UtcNow - t).TotalSeconds, 1) : null, LastResyncAt, Resyncing,
                PagesApplied, ItemsApplied, Resyncs, Errors, LastError, LastErrorAt);
        }
    }
}

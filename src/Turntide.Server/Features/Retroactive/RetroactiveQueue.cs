using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Turntide.Server.Features.Matching;
using Turntide.Core.Signals;

namespace Turntide.Server.Features.Retroactive;

/// <summary>One signal of an upload and what it matched when it came.</summary>
internal sealed record KeptQuery(string SignalType, string Value, IReadOnlyList<MatchDto> Matches);

/// <summary>An upload to keep: who sent it, its reference, and its signals.</summary>
internal sealed record KeptUpload(Guid OrganisationId, string Reference, IReadOnlyList<KeptQuery> Queries);

/// <summary>
/// Where matching hands work to retroactive matching without waiting: uploads to keep go into a bounded queue (dropped,
/// and counted, when it is full, so a request never waits), and the ids of items that changed in the catalog into a
/// set, so a burst of changes to the same items costs one re-check.
/// </summary>
internal sealed class RetroactiveQueue : IMatchObserver
{
    private readonly Channel<KeptUpload> _uploads;
    private readonly ConcurrentDictionary<Guid, byte> _changed = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _dropped;

    public RetroactiveQueue(SignalCatalog catalog, IOptions<RetroactiveOptions> options)
    {
        Options = options.Value;
        _uploads = Channel.CreateBounded<KeptUpload>(new BoundedChannelOptions(Math.Max(1, Options.RetroactiveQueueLength))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        if (Options.Enabled)
            catalog.ItemsChanged += ItemsChanged;
    }

    public RetroactiveOptions Options { get; }

    /// <summary>Uploads not kept because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The catalog signal types worth keeping (those it indexes).</summary>
    public static bool Keepable(string signalType) =>
        signalType is SignalTypes.PdqName or SignalTypes.Md5Name or SignalTypes.Sha256Name;

    public void Keep(KeptUpload upload)
    {
        if (!Options.Enabled || upload.Queries.Count == 0)
            return;
        if (!_uploads.Writer.TryWrite(upload))
            Interlocked.Increment(ref _dropped);
    }

    /// <summary>Keeps an answered upload that came with a reference (matching tells it through <see cref="IMatchObserver"/>).</summary>
    public void Answered(MatchesAnswered answered)
    {
        if (string.IsNullOrEmpty(answered.Reference) || answered.Viewer.Organisation is not { } org)
            return;
        var queries = answered.Results.Where(r => Keepable(r.SignalType) && r.Signal.Length <= KeptSignal.MaxValueLength)
            .DistinctBy(r => (r.SignalType, r.Signal))
            .Select(r => new KeptQuery(r.SignalType, r.Signal, r.Matches)).ToList();
        Keep(new KeptUpload(org, answered.Reference, queries));
    }

    private void ItemsChanged(IReadOnlyList<CatalogContent> items)
    {
        foreach (var item in items)
            _changed.TryAdd(item.Id, 0);
        _wake.Writer.TryWrite(true);
    }

    internal ChannelReader<KeptUpload> Uploads => _uploads.Reader;

    internal ValueTask<bool> WaitForChangesAsync(CancellationToken ct) => _wake.Reader.WaitToReadAsync(ct);

    /// <summary>Takes every changed id gathered so far.</summary>
    internal List<Guid> TakeChanged()
    {
        _wake.Reader.TryRead(out _);
        var ids = new List<Guid>(_changed.Count);
        foreach (var id in _changed.Keys)
        {
            if (_changed.TryRemove(id, out _))
                ids.Add(id);
        }
        return ids;
    }

    internal bool HasChanged => !_changed.IsEmpty;
}

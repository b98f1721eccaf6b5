using Turntide.Core.Hashing.Video;
using Turntide.Core.Signals;

namespace Turntide.Server.Features.Matching;

/// <summary>
/// vPDQ matching on Core's <see cref="VpdqVideoIndex"/>: each banked vPDQ signal is one video, its frames a bag of
/// PDQ hashes. A query is a whole video; a banked video matches when the share of the query's frames and the share
/// of its own frames that found a near frame reach the thresholds of the request.
/// </summary>
internal sealed class VpdqSignalIndex : ISignalIndex, IDisposable
{
    // Lives as long as the catalog that holds it (see PdqHashIndex): queries take no lock.
    private readonly VpdqVideoIndex _index = new();
    private readonly Lock _writeLock = new();
    // Each signal's current text (the same string the catalog's item holds, so no copy): what makes an unchanged
    // re-add free, as every change of an item re-adds its signals.
    private readonly Dictionary<long, string> _values = [];
    private volatile int _count;

    public string SignalType => SignalTypes.VpdqName;

    public int Count => _count;

    public void Add(long signalId, string value)
    {
        var frames = Frames(value);
        lock (_writeLock)
        {
            if (_values.TryGetValue(signalId, out var old))
            {
                if (string.Equals(old, value, StringComparison.Ordinal))
                    return;
                _index.Remove(signalId);
            }
            _index.Add(signalId, frames);
            _values[signalId] = value;
            _count = _values.Count;
        }
    }

    public void Remove(long signalId)
    {
        lock (_writeLock)
        {
            if (!_values.Remove(signalId))
                return;
            _index.Remove(signalId);
            _count = _values.Count;
        }
    }

    /// <summary>The reference's decision (query share at least 80 %, any compared share); <paramref name="maxDistance"/> plays no part.</summary>
    public void Query(string value, int maxDistance, List<IndexHit> hits) => Query(value, VpdqVideoQueryOptions.Default, hits);

    /// <summary>Every banked video that matches the query video under <paramref name="decision"/>, with both shares.</summary>
    public void Query(string value, VpdqVideoQueryOptions decision, List<IndexHit> hits)
    {
        foreach (var match in _index.Query(Frames(value), decision))
            hits.Add(new IndexHit(match.VideoId, 0, match.QueryMatchPercent, match.ComparedMatchPercent));
    }

    /// <summary>The frames of a canonical vPDQ value (the catalog holds canonical values only).</summary>
    private static IReadOnlyList<VpdqFrame> Frames(string value)
    {
        using var reader = new StringReader(value);
        return VpdqHashFile.Parse(reader, SignalValue.MaxVpdqFrames);
    }

    public void Dispose() => _index.Dispose();
}

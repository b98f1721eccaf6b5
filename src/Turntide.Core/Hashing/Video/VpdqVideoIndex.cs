using System.Collections.Concurrent;
using Turntide.Core.Index;

namespace Turntide.Core.Hashing.Video;

/// <summary>A video of the index that a query matched, with both shares of <see cref="VpdqMatcher.Match"/>.</summary>
public readonly record struct VpdqVideoMatch(long VideoId, double QueryMatchPercent, double ComparedMatchPercent);

/// <summary>The decision a query applies; the defaults are python-threatexchange's (query share &gt;= 80 %, any compared share).</summary>
public sealed record VpdqVideoQueryOptions
{
    public static readonly VpdqVideoQueryOptions Default = new();

    public double QueryMatchThresholdPercent { get; init; } = VpdqMatchResult.DefaultQueryMatchThresholdPercent;

    public double ComparedMatchThresholdPercent { get; init; } = VpdqMatchResult.DefaultComparedMatchThresholdPercent;
}

/// <summary>
/// vPDQ video search: finds the indexed videos whose frame bags match a query video, with the same result as
/// scoring every indexed video with <see cref="VpdqMatcher.Match"/>, without scoring them all.
/// <para>
/// Every distinct usable frame hash of a video (the frames the matcher keeps under the options' rule and
/// quality threshold) is stored in a <see cref="HashIndex"/> under the video's id, so one frame query returns
/// each video once. For every indexed video, the number of query frames that the frame index reports it for is
/// exactly the matcher's count of matched query frames, so the query share of every candidate comes from the
/// frame index alone and candidates below the query threshold are dropped unscored; the rest are scored by the
/// matcher against their stored frames. A video no query frame reaches has both shares 0, which is why a
/// decision with both thresholds at 0 (every video matches) is refused.
/// </para>
/// <para>
/// Adds and removes are serialised; queries take no lock and may run beside them (a video added or removed
/// meanwhile may or may not be reported).
/// </para>
/// </summary>
public sealed class VpdqVideoIndex : IDisposable
{
    /// <summary>At most this many frames per added or queried video: the decoder's own limit of decoded frames.</summary>
    public const int MaxFramesPerVideo = 1_000_000;

    private readonly VpdqMatchOptions _options;
    private readonly int _maxDistance;
    private readonly HashIndex _frames;
    private readonly ConcurrentDictionary<long, Hash256[]> _videos;
    private readonly object _writeLock = new();

    /// <param name="options">The frame distance, quality threshold and counting rule; fixed for the index's life, since they decide which frames are stored.</param>
    public VpdqVideoIndex(VpdqMatchOptions? options = null, HashIndexOptions? indexOptions = null)
        : this(options ?? VpdqMatchOptions.Default, new HashIndex(indexOptions), new ConcurrentDictionary<long, Hash256[]>())
    {
    }

    private VpdqVideoIndex(VpdqMatchOptions options, HashIndex frames, ConcurrentDictionary<long, Hash256[]> videos)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.DistanceThreshold, nameof(options.DistanceThreshold));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.DistanceThreshold, Hash256.Bits + 1, nameof(options.DistanceThreshold));
        _options = options;
        _maxDistance = Math.Min(VpdqMatcher.FrameMaxDistance(options), Hash256.Bits);
        _frames = frames;
        _videos = videos;
    }

    /// <summary>Builds an index over many videos at once (one bulk frame-index build instead of live adds).</summary>
    public static VpdqVideoIndex Build(IEnumerable<(long VideoId, IReadOnlyList<VpdqFrame> Frames)> videos,
        VpdqMatchOptions? options = null, HashIndexOptions? indexOptions = null)
    {
        ArgumentNullException.ThrowIfNull(videos);
        options ??= VpdqMatchOptions.Default;
        var stored = new ConcurrentDictionary<long, Hash256[]>();
        var ids = new List<long>();
        var hashes = new List<Hash256>();
        foreach (var (id, frames) in videos)
        {
            var prepared = PrepareChecked(frames, options, nameof(videos));
            if (!stored.TryAdd(id, prepared))
                throw new ArgumentException($"Video {id} is given twice.", nameof(videos));
            foreach (var hash in Distinct(prepared))
            {
                ids.Add(id);
                hashes.Add(hash);
            }
        }
        var frameIndex = HashIndex.Build(ids.ToArray(), hashes.ToArray(), indexOptions);
        return new VpdqVideoIndex(options, frameIndex, stored);
    }

    public VpdqMatchOptions Options => _options;

    /// <summary>Indexed videos.</summary>
    public int Count => _videos.Count;

    /// <summary>Distinct usable frame hashes in the frame index, summed over videos.</summary>
    public long FrameCount => _frames.Count;

    public bool Contains(long videoId) => _videos.ContainsKey(videoId);

    /// <summary>
    /// Indexes a video's frames under <paramref name="videoId"/>. Frames the matcher would ignore (below the quality
    /// threshold, or repeats under the de-duplicating rule) are not stored. An id already indexed is refused.
    /// </summary>
    public void Add(long videoId, IReadOnlyList<VpdqFrame> frames)
    {
        var prepared = PrepareChecked(frames, _options, nameof(frames));
        lock (_writeLock)
        {
            if (_videos.ContainsKey(videoId))
                throw new ArgumentException($"Video {videoId} is already indexed; remove it first.", nameof(videoId));
            // Frames first: a query that finds the id through the frame index must find its frames.
            _videos[videoId] = prepared;
            foreach (var hash in Distinct(prepared))
                _frames.Add(videoId, hash);
        }
    }

    /// <summary>Removes a video; false when it was not indexed.</summary>
    public bool Remove(long videoId)
    {
        lock (_writeLock)
        {
            if (!_videos.ContainsKey(videoId))
                return false;
            _frames.Remove(videoId);
            _videos.TryRemove(videoId, out _);
            return true;
        }
    }

    /// <summary>
    /// The indexed videos that match the query video under <paramref name="decision"/>, best first: by query
    /// share, then compared share (both descending), then by id.
    /// </summary>
    public IReadOnlyList<VpdqVideoMatch> Query(IReadOnlyList<VpdqFrame> frames, VpdqVideoQueryOptions? decision = null)
    {
        decision ??= VpdqVideoQueryOptions.Default;
        CheckDecision(decision);
        var query = PrepareChecked(frames, _options, nameof(frames));
        var results = new List<VpdqVideoMatch>();
        if (query.Length == 0 || _maxDistance < 0)
            return results;

        // Query frames matched per video. Each distinct query hash is asked once and counts for every query frame
        // carrying it (repeats only occur under the rule that keeps every frame).
        var hits = new Dictionary<long, int>();
        var found = new List<IndexMatch>();
        foreach (var (hash, copies) in CountDistinct(query))
        {
            found.Clear();
            _frames.Query(hash, _maxDistance, found);
            foreach (var match in found)
                hits[match.Id] = hits.GetValueOrDefault(match.Id) + copies;
        }

        foreach (var (id, matched) in hits)
        {
            if (VpdqMatcher.Percent(matched, query.Length) < decision.QueryMatchThresholdPercent)
                continue;
            if (!_videos.TryGetValue(id, out var stored))
                continue;
            var score = VpdqMatcher.MatchPrepared(query, stored, _maxDistance);
            if (score.IsMatch(decision.QueryMatchThresholdPercent, decision.ComparedMatchThresholdPercent))
                results.Add(new VpdqVideoMatch(id, score.QueryMatchPercent, score.ComparedMatchPercent));
        }
        results.Sort(CompareResults);
        return results;
    }

    /// <summary>The order of <see cref="Query"/> results: best query share, then best compared share, then id.</summary>
    public static int CompareResults(VpdqVideoMatch a, VpdqVideoMatch b)
    {
        int c = b.QueryMatchPercent.CompareTo(a.QueryMatchPercent);
        if (c != 0)
            return c;
        c = b.ComparedMatchPercent.CompareTo(a.ComparedMatchPercent);
        return c != 0 ? c : a.VideoId.CompareTo(b.VideoId);
    }

    internal static void CheckDecision(VpdqVideoQueryOptions decision)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decision.QueryMatchThresholdPercent, 100.0, nameof(decision.QueryMatchThresholdPercent));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decision.ComparedMatchThresholdPercent, 100.0, nameof(decision.ComparedMatchThresholdPercent));
        if (!(decision.QueryMatchThresholdPercent > 0 || decision.ComparedMatchThresholdPercent > 0))
            throw new ArgumentOutOfRangeException(nameof(decision),
                "At least one threshold must be above 0 %: with both at 0 every video matches, even one sharing no frame.");
    }

    private static Hash256[] PrepareChecked(IReadOnlyList<VpdqFrame> frames, VpdqMatchOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(frames, name);
        if (frames.Count > MaxFramesPerVideo)
            throw new ArgumentOutOfRangeException(name, frames.Count, $"At most {MaxFramesPerVideo} frames per video.");
        return VpdqMatcher.Prepare(frames, options);
    }

    private static IEnumerable<Hash256> Distinct(Hash256[] hashes) => hashes.Distinct();

    private static Dictionary<Hash256, int> CountDistinct(Hash256[] hashes)
    {
        var counts = new Dictionary<Hash256, int>();
        foreach (var h in hashes)
            counts[h] = counts.GetValueOrDefault(h) + 1;
        return counts;
    }

    public void Dispose() => _frames.Dispose();
}

using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Index;

namespace Turntide.Core.Hashing.Video;

/// <summary>How two frames count as matching, and whether identical hashes count once.</summary>
public enum VpdqCountingRule
{
    /// <summary>
    /// python-threatexchange's rule (what HMA uses): drop repeated hashes (the first frame of each distinct
    /// hash stays), then low-quality frames, and match at distance &lt;= the threshold.
    /// </summary>
    DedupedAtMostDistance,

    /// <summary>The C++ reference tool <c>match-hashes-brute</c>: every frame counts, match at distance &lt; the threshold.</summary>
    AllFramesBelowDistance,
}

/// <summary>The thresholds of a video comparison. The defaults are the reference's: distance 31, quality 50.</summary>
public sealed record VpdqMatchOptions
{
    public static readonly VpdqMatchOptions Default = new();

    /// <summary>The frame distance threshold; see <see cref="Rule"/> for whether it is inclusive.</summary>
    public int DistanceThreshold { get; init; } = PdqHasher.MatchDistance;

    /// <summary>Frames below this quality take no part on either side.</summary>
    public int QualityThreshold { get; init; } = PdqHasher.MinUsefulQuality;

    public VpdqCountingRule Rule { get; init; } = VpdqCountingRule.DedupedAtMostDistance;
}

/// <summary>
/// The two shares of a video comparison, in percent (0..100). The reference tools and documents attach their
/// decision thresholds to different sides, so each share is named by whose frames it counts.
/// </summary>
/// <param name="QueryMatchPercent">Share of the query video's frames that match some frame of the compared video.</param>
/// <param name="ComparedMatchPercent">Share of the compared video's frames that match some frame of the query video.</param>
public readonly record struct VpdqMatchResult(double QueryMatchPercent, double ComparedMatchPercent)
{
    /// <summary>python-threatexchange's default decision: at least 80 % of the query matched, any share of the compared video.</summary>
    public const double DefaultQueryMatchThresholdPercent = 80.0;

    public const double DefaultComparedMatchThresholdPercent = 0.0;

    /// <summary>Both shares at or above their thresholds (python-threatexchange's <c>compare_hash</c> decision).</summary>
    public bool IsMatch(double queryThresholdPercent = DefaultQueryMatchThresholdPercent,
        double comparedThresholdPercent = DefaultComparedMatchThresholdPercent) =>
        QueryMatchPercent >= queryThresholdPercent && ComparedMatchPercent >= comparedThresholdPercent;
}

/// <summary>
/// vPDQ video matching: each video is an unordered bag of frame hashes (frame numbers and times play no part,
/// so a clip matches the video it was cut from), and the result is the share of each side's frames that have a
/// near frame on the other side. Brute force, O(|query| x |compared|) distance computations.
/// </summary>
public static class VpdqMatcher
{
    public static VpdqMatchResult Match(IReadOnlyList<VpdqFrame> query, IReadOnlyList<VpdqFrame> compared, VpdqMatchOptions? options = null)
    {
        options ??= VpdqMatchOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(options.DistanceThreshold, nameof(options.DistanceThreshold));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.DistanceThreshold, Hash256.Bits + 1, nameof(options.DistanceThreshold));
        var q = Prepare(query, options);
        var c = Prepare(compared, options);
        return MatchPrepared(q, c, FrameMaxDistance(options));
    }

    /// <summary>The inclusive frame distance the options' rule means: "&lt; D" is "&lt;= D - 1" on integer distances.</summary>
    internal static int FrameMaxDistance(VpdqMatchOptions options) =>
        options.Rule == VpdqCountingRule.AllFramesBelowDistance ? options.DistanceThreshold - 1 : options.DistanceThreshold;

    /// <summary>Both shares over frames already <see cref="Prepare"/>d, two frames matching at distance &lt;= <paramref name="maxDistance"/>.</summary>
    internal static VpdqMatchResult MatchPrepared(Hash256[] q, Hash256[] c, int maxDistance)
    {
        // The C++ tool returns 0/0 when a side has no usable frame; python-threatexchange would divide by zero.
        if (q.Length == 0 || c.Length == 0)
            return new VpdqMatchResult(0, 0);

        var comparedMatched = new bool[c.Length];
        int queryMatches = 0;
        foreach (var qh in q)
        {
            bool matched = false;
            for (int j = 0; j < c.Length; j++)
            {
                if (qh.DistanceTo(c[j]) <= maxDistance)
                {
                    matched = true;
                    comparedMatched[j] = true;
                }
            }
            if (matched)
                queryMatches++;
        }
        int comparedMatches = comparedMatched.Count(m => m);
        return new VpdqMatchResult(Percent(queryMatches, q.Length), Percent(comparedMatches, c.Length));
    }

    /// <summary>One formula for a share, so the index's pre-filter computes bit-identical percentages.</summary>
    internal static double Percent(int matches, int frames) => matches * 100.0 / frames;

    /// <summary>The frames that take part: de-duplicated first (python-threatexchange's order) when the rule says so, then quality-filtered.</summary>
    internal static Hash256[] Prepare(IReadOnlyList<VpdqFrame> frames, VpdqMatchOptions options)
    {
        var result = new List<Hash256>(frames.Count);
        HashSet<Hash256>? seen = options.Rule == VpdqCountingRule.DedupedAtMostDistance ? [] : null;
        foreach (var frame in frames)
        {
            if (seen is not null && !seen.Add(frame.Hash))
                continue;
            if (frame.Quality >= options.QualityThreshold)
                result.Add(frame.Hash);
        }
        return [.. result];
    }
}

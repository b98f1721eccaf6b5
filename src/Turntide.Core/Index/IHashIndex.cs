namespace Turntide.Core.Index;

/// <summary>
/// Exact Hamming-distance search over 256-bit hashes, each stored under a caller's 64-bit id.
/// An id may carry several hashes (the frames of a video); a query reports each id once, at the distance
/// of its nearest hash. Results are ordered nearest first, then by id.
/// </summary>
public interface IHashIndex
{
    /// <summary>Live hashes (added and not removed).</summary>
    long Count { get; }

    void Add(long id, Hash256 hash);

    /// <summary>Removes every hash stored under <paramref name="id"/>; returns how many were removed.</summary>
    int Remove(long id);

    /// <summary>Every id with a hash within <paramref name="maxDistance"/> (0..256, inclusive) of <paramref name="query"/>.</summary>
    IReadOnlyList<IndexMatch> Query(Hash256 query, int maxDistance);

    /// <summary>The results of <see cref="Query"/> for each query, in query order.</summary>
    IndexMatch[][] QueryBatch(ReadOnlySpan<Hash256> queries, int maxDistance);
}

internal static class MaxDistance
{
    public static void Check(int maxDistance)
    {
        if (maxDistance is < 0 or > Hash256.Bits)
            throw new ArgumentOutOfRangeException(nameof(maxDistance), maxDistance, $"The maximum distance must be 0..{Hash256.Bits}.");
    }
}

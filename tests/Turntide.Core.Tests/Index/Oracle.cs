using Turntide.Core.Index;

namespace Turntide.Core.Tests.Index;

/// <summary>Brute-force expectations and helpers shared by the index tests.</summary>
internal static class Oracle
{
    public static IndexMatch[] Expected(IReadOnlyList<(long Id, Hash256 Hash)> entries, Hash256 query, int maxDistance)
    {
        var oracle = new BruteForceIndex();
        foreach (var (id, hash) in entries)
            oracle.Add(id, hash);
        return [.. oracle.Query(query, maxDistance)];
    }

    /// <summary>One brute-force pass per query, answering every radius at once.</summary>
    public static Dictionary<int, IndexMatch[]> ExpectedForRadii(IReadOnlyList<(long Id, Hash256 Hash)> entries, Hash256 query, IEnumerable<int> radii)
    {
        var best = new Dictionary<long, int>();
        foreach (var (id, hash) in entries)
        {
            int d = query.DistanceTo(hash);
            if (!best.TryGetValue(id, out int known) || d < known)
                best[id] = d;
        }
        return radii.ToDictionary(r => r, r =>
        {
            var list = best.Where(kv => kv.Value <= r).Select(kv => new IndexMatch(kv.Key, kv.Value)).ToList();
            list.Sort();
            return list.ToArray();
        });
    }

    public static void Equal(IReadOnlyList<IndexMatch> expected, IReadOnlyList<IndexMatch> actual, string context)
    {
        if (expected.SequenceEqual(actual))
            return;
        var missing = expected.Except(actual).Take(5);
        var extra = actual.Except(expected).Take(5);
        Assert.Fail($"{context}: expected {expected.Count} matches, got {actual.Count}; missing [{string.Join(", ", missing)}], extra [{string.Join(", ", extra)}]");
    }
}

namespace Turntide.Core.Index;

/// <summary>
/// The plain scalar index: every query compares against every hash. It is the oracle the fast index is
/// tested against, so it stays as simple as it can be.
/// </summary>
public sealed class BruteForceIndex : IHashIndex
{
    private readonly List<(long Id, Hash256 Hash)> _entries = [];

    public long Count => _entries.Count;

    public void Add(long id, Hash256 hash) => _entries.Add((id, hash));

    public int Remove(long id) => _entries.RemoveAll(e => e.Id == id);

    public IReadOnlyList<IndexMatch> Query(Hash256 query, int maxDistance)
    {
        MaxDistance.Check(maxDistance);
        var best = new Dictionary<long, int>();
        foreach (var (id, hash) in _entries)
        {
            int d = query.DistanceTo(hash);
            if (d <= maxDistance && (!best.TryGetValue(id, out int known) || d < known))
                best[id] = d;
        }
        var result = best.Select(kv => new IndexMatch(kv.Key, kv.Value)).ToList();
        result.Sort();
        return result;
    }

    public IndexMatch[][] QueryBatch(ReadOnlySpan<Hash256> queries, int maxDistance)
    {
        var results = new IndexMatch[queries.Length][];
        for (int i = 0; i < queries.Length; i++)
            results[i] = [.. Query(queries[i], maxDistance)];
        return results;
    }
}

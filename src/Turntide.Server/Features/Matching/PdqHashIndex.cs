using Turntide.Core.Index;

namespace Turntide.Server.Features.Matching;

/// <summary>
/// PDQ matching on <see cref="HashIndex"/>: exact multi-index search whose queries take no lock, so matching
/// keeps its speed while items change. The start-up load becomes one bulk-built segment; later changes go to
/// the index's tail and its background merges.
/// </summary>
internal sealed class PdqHashIndex(HashIndexOptions? options = null) : ISignalIndex, IDisposable
{
    // One per request thread: a query's raw matches are copied out at once, so the buffer is never shared.
    [ThreadStatic]
    private static List<IndexMatch>? t_matches;

    // Lives as long as the catalog that holds it: queries never lock, so nothing can tell when the last one has
    // left the index; a catalog rebuilt whole frees the old one only long after the swap (SignalCatalog.Replace).
    private readonly HashIndex _index = new(options);
    private readonly Lock _writeLock = new();
    // Each signal's current hash. The index lets an id hold several hashes and appends on every Add, so
    // this is what makes Add an add-or-replace, and what lets an unchanged re-add (every item change
    // re-adds the item's signals) leave the index untouched.
    private readonly Dictionary<long, Hash256> _values = [];
    private volatile int _count;

    public string SignalType => Turntide.Core.Signals.SignalTypes.PdqName;

    public int Count => _count;

    public void Load(IReadOnlyList<(long SignalId, string Value)> entries)
    {
        if (entries.Count == 0)
            return;
        lock (_writeLock)
        {
            if (_values.Count != 0)
                throw new InvalidOperationException("The bulk load goes into an empty index; later changes go through Add.");
            _values.EnsureCapacity(entries.Count);
            foreach (var (id, value) in entries)
                _values[id] = Hash256.Parse(value);
            var ids = new long[_values.Count];
            var hashes = new Hash256[_values.Count];
            int i = 0;
            foreach (var (id, hash) in _values)
            {
                ids[i] = id;
                hashes[i] = hash;
                i++;
            }
            // On an empty index this is HashIndex.Build: a batch of at least a tail's size becomes one
            // segment built on all cores, not thousands of tails merged step by step.
            _index.AddRange(ids, hashes);
            _count = _values.Count;
        }
    }

    public void Add(long signalId, string value)
    {
        var hash = Hash256.Parse(value);
        lock (_writeLock)
        {
            if (_values.TryGetValue(signalId, out var old))
            {
                if (old == hash)
                    return;
                // A stored signal's value does not change in practice (a new value is a new signal), so the
                // moment between these two calls, when a query sees neither value, is left as it is.
                _index.Remove(signalId);
            }
            _index.Add(signalId, hash);
            _values[signalId] = hash;
            _count = _values.Count;
        }
    }

    /// <summary>New signals in bulk: a batch of a tail's size or more becomes whole segments, not one add at a time.</summary>
    public void AddMany(IReadOnlyList<(long SignalId, string Value)> entries)
    {
        var ids = new List<long>(entries.Count);
        var hashes = new List<Hash256>(entries.Count);
        lock (_writeLock)
        {
            foreach (var (id, value) in entries)
            {
                var hash = Hash256.Parse(value);
                if (_values.TryGetValue(id, out var old))
                {
                    if (old == hash)
                        continue;
                    _index.Remove(id);
                }
                _values[id] = hash;
                ids.Add(id);
                hashes.Add(hash);
            }
            _index.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(hashes));
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

    public void Query(string value, int maxDistance, List<IndexHit> hits)
    {
        var query = Hash256.Parse(value);
        var matches = t_matches ??= [];
        matches.Clear();
        _index.Query(query, maxDistance, matches);
        foreach (var m in matches)
            hits.Add(new IndexHit(m.Id, m.Distance));
        // A rare huge answer should not stay pinned to the thread.
        if (matches.Capacity > 4096)
            t_matches = null;
        else
            matches.Clear();
    }

    public void Dispose() => _index.Dispose();
}

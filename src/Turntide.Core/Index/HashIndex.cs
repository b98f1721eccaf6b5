namespace Turntide.Core.Index;

/// <summary>
/// The matching index: exact Hamming search over 256-bit hashes with live updates.
/// <para>
/// Entries live in immutable multi-index segments plus a small mutable tail. A query reads the current state
/// (one reference) and never takes a lock; a writer appends to the tail or sets a tombstone bit, under a
/// lock only writers share. A full tail is frozen and merged into a segment on a background thread, and
/// size tiers of segments are merged the same way; a merge builds only the segments it combines, and the
/// state then swaps in one reference write, so queries never stall and the index is never rebuilt whole.
/// </para>
/// </summary>
public sealed class HashIndex : IHashIndex, IDisposable
{
    private sealed record State(Segment[] Segments, FlatSegment Tail);

    private readonly HashIndexOptions _options;
    private readonly object _writeLock = new();
    private readonly object _mergeLock = new();
    private volatile State _state;
    private Task _maintenance = Task.CompletedTask;
    private bool _maintenanceQueued;
    private bool _disposed;

    public HashIndex(HashIndexOptions? options = null)
        : this(options ?? HashIndexOptions.Default, [])
    {
    }

    private HashIndex(HashIndexOptions options, Segment[] segments)
    {
        options.Validate();
        _options = options;
        _state = new State(segments, new FlatSegment(options.TailCapacity));
        if (segments.Any(s => s is FlatSegment))
            RequestMaintenance();
    }

    public HashIndexOptions Options => _options;

    /// <summary>How queries search the multi-index segments; <see cref="QueryPlan.Auto"/> except to measure one plan.</summary>
    public QueryPlan Plan { get; set; }

    /// <summary>Builds an index over the given entries in one segment (the fast path for loading a bank).</summary>
    public static HashIndex Build(ReadOnlySpan<long> ids, ReadOnlySpan<Hash256> hashes, HashIndexOptions? options = null)
    {
        options ??= HashIndexOptions.Default;
        options.Validate();
        if (ids.Length > MihLayout.MaxSegmentEntries)
        {
            var index = new HashIndex(options);
            for (int start = 0; start < ids.Length; start += MihLayout.MaxSegmentEntries)
            {
                int n = Math.Min(MihLayout.MaxSegmentEntries, ids.Length - start);
                index.AddRange(ids.Slice(start, n), hashes.Slice(start, n));
            }
            return index;
        }
        return new HashIndex(options, ids.Length == 0 ? [] : [SegmentBuilder.FromEntries(ids, hashes, options)]);
    }

    internal static HashIndex FromSegments(Segment[] segments, HashIndexOptions? options) =>
        new(options ?? HashIndexOptions.Default, segments);

    public long Count
    {
        get
        {
            var state = _state;
            long n = state.Tail.LiveCount;
            foreach (var s in state.Segments)
                n += s.LiveCount;
            return n;
        }
    }

    public void Add(long id, Hash256 hash)
    {
        lock (_writeLock)
        {
            ThrowIfDisposed();
            var state = _state;
            if (!state.Tail.TryAppend(id, hash))
            {
                state = FreezeTail(state);
                state.Tail.TryAppend(id, hash);
            }
        }
    }

    /// <summary>Adds many entries: a large batch becomes a segment of its own, built outside the write lock.</summary>
    public void AddRange(ReadOnlySpan<long> ids, ReadOnlySpan<Hash256> hashes)
    {
        if (ids.Length != hashes.Length)
            throw new ArgumentException($"{ids.Length} ids for {hashes.Length} hashes.", nameof(ids));
        if (ids.Length < _options.TailCapacity)
        {
            for (int i = 0; i < ids.Length; i++)
                Add(ids[i], hashes[i]);
            return;
        }
        for (int start = 0; start < ids.Length; start += MihLayout.MaxSegmentEntries)
        {
            int n = Math.Min(MihLayout.MaxSegmentEntries, ids.Length - start);
            var segment = SegmentBuilder.FromEntries(ids.Slice(start, n), hashes.Slice(start, n), _options);
            lock (_writeLock)
            {
                ThrowIfDisposed();
                var state = _state;
                _state = state with { Segments = [.. state.Segments, segment] };
            }
        }
        RequestMaintenance();
    }

    public int Remove(long id)
    {
        lock (_writeLock)
        {
            ThrowIfDisposed();
            var state = _state;
            int removed = state.Tail.Remove(id);
            foreach (var s in state.Segments)
                removed += s.Remove(id);
            if (removed > 0 && state.Segments.Any(NeedsRewrite))
                RequestMaintenance();
            return removed;
        }
    }

    public IReadOnlyList<IndexMatch> Query(Hash256 query, int maxDistance)
    {
        var raw = new List<IndexMatch>();
        QueryInto(query, maxDistance, raw);
        return Finish(raw);
    }

    /// <summary>Appends the matches of one query to <paramref name="results"/> (nearest first, each id once).</summary>
    public void Query(Hash256 query, int maxDistance, List<IndexMatch> results)
    {
        int start = results.Count;
        QueryInto(query, maxDistance, results);
        if (results.Count - start > 1)
            FinishInPlace(results, start);
    }

    private void QueryInto(Hash256 query, int maxDistance, List<IndexMatch> raw)
    {
        MaxDistance.Check(maxDistance);
        var state = _state;
        foreach (var s in state.Segments)
            s.Query(query, maxDistance, raw, Plan);
        state.Tail.Query(query, maxDistance, raw, Plan);
    }

    public IndexMatch[][] QueryBatch(ReadOnlySpan<Hash256> queries, int maxDistance) => QueryBatch(queries, maxDistance, 1);

    /// <summary>
    /// Answers many queries, on up to <paramref name="threads"/> threads. Segments whose linear scan beats
    /// probing at this distance are scanned once per chunk of queries rather than once per query.
    /// </summary>
    public IndexMatch[][] QueryBatch(ReadOnlySpan<Hash256> queries, int maxDistance, int threads)
    {
        MaxDistance.Check(maxDistance);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var state = _state;
        var all = queries.ToArray();
        var raw = new List<IndexMatch>[all.Length];
        for (int i = 0; i < raw.Length; i++)
            raw[i] = [];
        const int chunk = 64;
        int chunks = (all.Length + chunk - 1) / chunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            int start = c * chunk, n = Math.Min(chunk, all.Length - start);
            var part = new ReadOnlySpan<Hash256>(all, start, n);
            foreach (var segment in state.Segments.Append<Segment>(state.Tail))
            {
                if (segment.PrefersScan(maxDistance, Plan))
                {
                    segment.ScanBatch(part, maxDistance, raw, start);
                }
                else
                {
                    for (int i = 0; i < n; i++)
                        segment.Query(all[start + i], maxDistance, raw[start + i], Plan);
                }
            }
        });
        var results = new IndexMatch[all.Length][];
        for (int i = 0; i < all.Length; i++)
            results[i] = Finish(raw[i]);
        return results;
    }

    /// <summary>Each id once at its smallest distance, nearest first, then by id.</summary>
    internal static IndexMatch[] Finish(List<IndexMatch> raw)
    {
        if (raw.Count > 1)
            FinishInPlace(raw, 0);
        return [.. raw];
    }

    private static void FinishInPlace(List<IndexMatch> list, int start)
    {
        int count = list.Count - start;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list).Slice(start, count);
        span.Sort(static (a, b) => a.Id != b.Id ? a.Id.CompareTo(b.Id) : a.Distance.CompareTo(b.Distance));
        int kept = 0;
        for (int i = 0; i < span.Length; i++)
        {
            if (kept > 0 && span[kept - 1].Id == span[i].Id)
                continue;
            span[kept++] = span[i];
        }
        span[..kept].Sort();
        list.RemoveRange(start + kept, count - kept);
    }

    /// <summary>Merges everything, tail included, into one segment; queries go on meanwhile.</summary>
    public void Compact()
    {
        lock (_mergeLock)
        {
            Segment[] sources;
            lock (_writeLock)
            {
                ThrowIfDisposed();
                var state = _state;
                if (state.Tail.Count > 0)
                    state = FreezeTail(state, requestMaintenance: false);
                sources = state.Segments;
            }
            if (sources.Length == 0 || (sources.Length == 1 && sources[0] is MihSegment && sources[0].DeletedCount == 0))
                return;
            Replace(sources, SegmentBuilder.Merge(sources, _options));
        }
    }

    /// <summary>Waits until background merges have finished.</summary>
    public void WaitForMerges()
    {
        while (true)
        {
            Task task;
            lock (_writeLock)
                task = _maintenance;
            task.Wait();
            lock (_writeLock)
            {
                if (task == _maintenance && !_maintenanceQueued)
                    return;
            }
        }
    }

    /// <summary>What the index holds now: entries, segments and the memory they use.</summary>
    public HashIndexStatistics GetStatistics()
    {
        var state = _state;
        long bytes = state.Tail.HashBlock.Length + state.Tail.IdBlock.Length;
        int mapped = 0;
        foreach (var s in state.Segments)
        {
            bytes += s is MihSegment mih ? mih.Bytes : s.HashBlock.Length + s.IdBlock.Length;
            if (s.HashBlock.IsMemoryMappedFile)
                mapped++;
        }
        return new HashIndexStatistics(
            Count,
            state.Segments.Length,
            state.Segments.Count(s => s is MihSegment),
            state.Tail.Count,
            bytes,
            mapped > 0,
            state.Segments.OfType<MihSegment>().Select(s => s.Layout.SlotCount).DefaultIfEmpty(0).Max());
    }

    /// <summary>Writes a snapshot of the index as it is now (see <see cref="HashIndexFile"/>).</summary>
    public void Save(string path)
    {
        Segment[] segments;
        FlatSegment tail;
        int tailCount;
        lock (_writeLock)
        {
            ThrowIfDisposed();
            var state = _state;
            segments = state.Segments;
            tail = state.Tail;
            tailCount = tail.Count;
        }
        HashIndexFile.Write(path, segments, tail, tailCount);
    }

    /// <summary>Opens a snapshot written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a Turntide index, is of another version, or is damaged.</exception>
    public static HashIndex Load(string path, HashIndexLoadOptions? load = null, HashIndexOptions? options = null) =>
        FromSegments(HashIndexFile.Read(path, load ?? new HashIndexLoadOptions()), options);

    internal Segment[] SegmentsForTest => _state.Segments;

    private State FreezeTail(State state, bool requestMaintenance = true)
    {
        var frozen = new State([.. state.Segments, state.Tail], new FlatSegment(_options.TailCapacity));
        _state = frozen;
        if (requestMaintenance)
            RequestMaintenance();
        return frozen;
    }

    private bool NeedsRewrite(Segment s) => s.Count > 0 && s.DeletedCount * 3L > s.Count;

    private void RequestMaintenance()
    {
        if (!_options.BackgroundMerges)
            return;
        lock (_writeLock)
        {
            if (_maintenanceQueued || _disposed)
                return;
            _maintenanceQueued = true;
            var previous = _maintenance;
            // A thread of its own, not the thread pool: a busy pool (queries, callers' work) must not starve
            // merges, or frozen tails would pile up and every query would scan them.
            _maintenance = previous.ContinueWith(_ => Maintain(), CancellationToken.None, TaskContinuationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private void Maintain()
    {
        lock (_writeLock)
            _maintenanceQueued = false;
        while (true)
        {
            lock (_mergeLock)
            {
                Segment[]? job;
                lock (_writeLock)
                    job = _disposed ? null : PickMerge(_state.Segments);
                if (job is null)
                    return;
                Replace(job, SegmentBuilder.Merge(job, _options));
            }
        }
    }

    /// <summary>
    /// Size-tiered merging: frozen tails always; a tier (sizes within a factor of the fan-out) once it holds
    /// fan-out segments, together with every smaller segment; a segment over a third removed, on its own.
    /// </summary>
    private Segment[]? PickMerge(Segment[] segments)
    {
        var job = new HashSet<Segment>(segments.Where(s => s is FlatSegment));
        int fanout = _options.MergeFanout;
        int Tier(Segment s) => (int)Math.Floor(Math.Log(Math.Max(1.0, (double)s.LiveCount / _options.TailCapacity), fanout));
        var tiers = segments.Where(s => s is MihSegment).GroupBy(Tier).OrderBy(g => g.Key).ToList();
        foreach (var tier in tiers)
        {
            if (tier.Count() >= fanout)
            {
                foreach (var s in segments.Where(s => s is MihSegment && Tier(s) <= tier.Key))
                    job.Add(s);
                break;
            }
        }
        if (job.Count == 0 && segments.FirstOrDefault(NeedsRewrite) is { } worn)
            job.Add(worn);
        if (job.Count == 0 || job.Sum(s => (long)s.LiveCount) > MihLayout.MaxSegmentEntries)
            return null;
        // A single segment without removals is already as merged as it gets.
        if (job.Count == 1 && job.First() is MihSegment only && !NeedsRewrite(only))
            return null;
        return [.. job];
    }

    /// <summary>Swaps the merged segment in for its sources, carrying over removals made while it was built.</summary>
    private void Replace(Segment[] sources, SegmentBuilder.Merged merged)
    {
        lock (_writeLock)
        {
            if (_disposed)
            {
                merged.Segment.Dispose();
                return;
            }
            for (int s = 0; s < sources.Length; s++)
            {
                var source = sources[s];
                var map = merged.NewPositions[s];
                var seen = merged.TombstonesSeen[s];
                for (int pos = 0; pos < map.Length; pos++)
                {
                    bool wasDeleted = ((seen[pos >> 6] >> (pos & 63)) & 1) != 0;
                    if (!wasDeleted && source.IsDeleted(pos))
                        merged.Segment.MarkDeleted(map[pos]);
                }
            }
            var state = _state;
            var remaining = state.Segments.Where(s => !sources.Contains(s));
            _state = state with { Segments = [.. remaining, merged.Segment] };
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Frees the index's memory. Call only once no query is running on it.</summary>
    public void Dispose()
    {
        Task maintenance;
        lock (_writeLock)
        {
            if (_disposed)
                return;
            _disposed = true;
            maintenance = _maintenance;
        }
        maintenance.Wait();
        var state = _state;
        foreach (var s in state.Segments)
            s.Dispose();
        state.Tail.Dispose();
    }
}

/// <summary>How a query searches a multi-index segment.</summary>
public enum QueryPlan
{
    /// <summary>Probe or scan, whichever the cost model expects to be faster at the query's distance.</summary>
    Auto,

    /// <summary>Always probe the slots.</summary>
    MultiIndex,

    /// <summary>Always scan linearly.</summary>
    Scan,
}

/// <summary>A summary of an index: live entries, segments, tail, bytes held.</summary>
public sealed record HashIndexStatistics(long Count, int Segments, int MultiIndexSegments, int TailEntries, long Bytes, bool MemoryMapped, int SlotCount)
{
    public double BytesPerHash => Count == 0 ? 0 : (double)Bytes / Count;
}

using System.Runtime.CompilerServices;

namespace Turntide.Core.Index;

/// <summary>
/// A run of (id, hash) entries that queries read without locks: hashes and ids never change once published;
/// removal only sets a bit in the segment's tombstone set (one atomic word write, so never torn).
/// </summary>
internal abstract unsafe class Segment : IDisposable
{
    private readonly ulong[] _deleted;
    private int _deletedCount;

    protected Segment(NativeBlock hashes, NativeBlock ids, int capacity, ulong[]? deleted)
    {
        HashBlock = hashes;
        IdBlock = ids;
        _deleted = deleted ?? new ulong[(capacity + 63) / 64];
        foreach (ulong word in _deleted)
            _deletedCount += System.Numerics.BitOperations.PopCount(word);
    }

    public NativeBlock HashBlock { get; }

    public NativeBlock IdBlock { get; }

    public Hash256* Hashes => HashBlock.As<Hash256>();

    public long* Ids => IdBlock.As<long>();

    /// <summary>Entries readers may see, removed ones included.</summary>
    public abstract int Count { get; }

    public int DeletedCount => Volatile.Read(ref _deletedCount);

    public int LiveCount => Count - DeletedCount;

    /// <summary>A copy of the tombstone words, for saving and merging.</summary>
    public ulong[] CopyTombstones()
    {
        var copy = new ulong[_deleted.Length];
        for (int i = 0; i < copy.Length; i++)
            copy[i] = Volatile.Read(ref _deleted[i]);
        return copy;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsDeleted(int position) => ((Volatile.Read(ref _deleted[position >> 6]) >> (position & 63)) & 1) != 0;

    /// <summary>Marks one entry removed; true if it was live. Called by writers only, under the index's write lock.</summary>
    public bool MarkDeleted(int position)
    {
        ulong bit = 1UL << (position & 63);
        ulong before = Interlocked.Or(ref _deleted[position >> 6], bit);
        if ((before & bit) != 0)
            return false;
        Interlocked.Increment(ref _deletedCount);
        return true;
    }

    /// <summary>Marks every entry of <paramref name="id"/> removed; returns how many were live.</summary>
    public abstract int Remove(long id);

    /// <summary>Appends every live entry within the distance to <paramref name="output"/> (an id may repeat).</summary>
    public abstract void Query(Hash256 query, int maxDistance, List<IndexMatch> output, QueryPlan plan = QueryPlan.Auto);

    /// <summary>True when one pass of the linear scan is expected to beat the multi-index probes at this radius.</summary>
    public abstract bool PrefersScan(int maxDistance, QueryPlan plan = QueryPlan.Auto);

    /// <summary>Compares every query of the batch against every entry in one pass over memory.</summary>
    public void ScanBatch(ReadOnlySpan<Hash256> queries, int maxDistance, List<IndexMatch>[] outputs, int outputOffset)
    {
        var sink = new ListSink(this, outputs, outputOffset);
        HammingScan.Scan(Hashes, Count, queries, maxDistance, ref sink);
        GC.KeepAlive(this);
    }

    protected void ScanOne(Hash256 query, int maxDistance, List<IndexMatch> output)
    {
        var sink = new SingleSink(this, output);
        HammingScan.Scan(Hashes, Count, new ReadOnlySpan<Hash256>(in query), maxDistance, ref sink);
        GC.KeepAlive(this);
    }

    public virtual void Dispose()
    {
        HashBlock.Dispose();
        IdBlock.Dispose();
    }

    private readonly struct SingleSink(Segment segment, List<IndexMatch> output) : IScanSink
    {
        public void Match(int query, int position, int distance)
        {
            if (!segment.IsDeleted(position))
                output.Add(new IndexMatch(segment.Ids[position], distance));
        }
    }

    private readonly struct ListSink(Segment segment, List<IndexMatch>[] outputs, int offset) : IScanSink
    {
        public void Match(int query, int position, int distance)
        {
            if (!segment.IsDeleted(position))
                outputs[offset + query].Add(new IndexMatch(segment.Ids[position], distance));
        }
    }
}

/// <summary>
/// Entries in arrival order, searched by linear scan: the index's small mutable tail (one writer appends,
/// readers see only entries published by <see cref="Count"/>), or a frozen tail waiting to be merged.
/// </summary>
internal sealed unsafe class FlatSegment : Segment
{
    private int _count;

    public FlatSegment(int capacity)
        : base(NativeBlock.Allocate((long)capacity * sizeof(Hash256)), NativeBlock.Allocate((long)capacity * sizeof(long)), capacity, null)
    {
        Capacity = capacity;
    }

    /// <summary>A frozen flat segment over existing arrays (from a snapshot file).</summary>
    public FlatSegment(NativeBlock hashes, NativeBlock ids, int count, ulong[] deleted)
        : base(hashes, ids, count, deleted)
    {
        Capacity = count;
        _count = count;
    }

    public int Capacity { get; }

    public override int Count => Volatile.Read(ref _count);

    public bool IsFull => _count == Capacity;

    /// <summary>Writes the entry, then publishes it: a reader that sees the new count sees the whole entry.</summary>
    public bool TryAppend(long id, Hash256 hash)
    {
        int n = _count;
        if (n == Capacity)
            return false;
        Hashes[n] = hash;
        Ids[n] = id;
        Volatile.Write(ref _count, n + 1);
        return true;
    }

    public override int Remove(long id)
    {
        int removed = 0, n = Count;
        long* ids = Ids;
        for (int i = 0; i < n; i++)
        {
            if (ids[i] == id && MarkDeleted(i))
                removed++;
        }
        return removed;
    }

    public override bool PrefersScan(int maxDistance, QueryPlan plan) => true;

    public override void Query(Hash256 query, int maxDistance, List<IndexMatch> output, QueryPlan plan) => ScanOne(query, maxDistance, output);
}

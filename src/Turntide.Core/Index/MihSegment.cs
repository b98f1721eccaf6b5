using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Turntide.Core.Index;

/// <summary>
/// An immutable multi-index hashing segment over flat arrays. Entries are sorted by id (so removal is a
/// binary search). Each slot has a directory of bucket starts (one uint per bucket, addressed by the slot's
/// leading bits) and a postings array of one uint per entry: the entry's position, shifted left over the
/// slot's remaining bits, which are kept there so a bucket is filtered without touching the hash.
/// <para>
/// A query is memory-bound, so it runs as a pipeline over the slots: directory lines are requested two
/// slots ahead, buckets one slot ahead, candidate hashes as soon as a slot yields them, and verification
/// comes last, so many cache misses are in flight at once instead of one after another. (Measured and
/// dropped: a rolling pipeline over all probes with a fixed distance of 16 was slower, and running two
/// queries of a batch in lockstep gave no gain: the slot bursts already fill the core's miss buffers.)
/// </para>
/// </summary>
internal sealed unsafe class MihSegment : Segment
{
    private readonly int _count;
    private readonly NativeBlock[] _directories;
    private readonly NativeBlock[] _postings;
    private readonly int[] _offsets, _widths, _remainderBits;

    public MihSegment(NativeBlock hashes, NativeBlock ids, int count, MihLayout layout, NativeBlock[] directories, NativeBlock[] postings, ulong[]? deleted)
        : base(hashes, ids, count, deleted)
    {
        _count = count;
        Layout = layout;
        _directories = directories;
        _postings = postings;
        _offsets = layout.Offsets;
        _widths = layout.Widths;
        _remainderBits = Enumerable.Range(0, layout.SlotCount).Select(layout.RemainderBits).ToArray();
    }

    public MihLayout Layout { get; }

    public override int Count => _count;

    public IReadOnlyList<NativeBlock> Directories => _directories;

    public IReadOnlyList<NativeBlock> Postings => _postings;

    /// <summary>Bytes held: hashes, ids, directories, postings and tombstones.</summary>
    public long Bytes => HashBlock.Length + IdBlock.Length + _directories.Sum(d => d.Length) + _postings.Sum(p => p.Length) + (_count + 63) / 64 * 8;

    /// <summary>
    /// Builds a segment over <paramref name="hashes"/> and <paramref name="ids"/> (taken over; ids must be
    /// sorted ascending), filling the slots in parallel.
    /// </summary>
    public static MihSegment Build(NativeBlock hashes, NativeBlock ids, int count, MihLayout layout, ulong[]? deleted, int threads)
    {
        if (count > MihLayout.MaxSegmentEntries)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A segment holds at most {MihLayout.MaxSegmentEntries} entries.");
        int m = layout.SlotCount;
        var directories = new NativeBlock[m];
        var postings = new NativeBlock[m];
        Parallel.For(0, m, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, slot =>
        {
            int dirBits = layout.DirectoryBits[slot], rem = layout.RemainderBits(slot);
            int offset = layout.Offsets[slot], width = layout.Widths[slot];
            uint remMask = (1u << rem) - 1;
            long buckets = 1L << dirBits;
            var directory = NativeBlock.Allocate((buckets + 1) * sizeof(uint));
            var posting = NativeBlock.Allocate((long)count * sizeof(uint));
            uint* dir = directory.As<uint>(), post = posting.As<uint>();
            Hash256* h = hashes.As<Hash256>();
            // Counting then scattering both touch the directory and postings at random; requesting the line
            // a few entries ahead keeps many misses in flight instead of one.
            const int ahead = 16;
            for (int pos = 0; pos < count; pos++)
            {
                if (pos + ahead < count)
                    Prefetch(dir + (Extract((ulong*)(h + pos + ahead), offset, width) >> rem) + 1);
                dir[(Extract((ulong*)(h + pos), offset, width) >> rem) + 1]++;
            }
            for (long k = 1; k <= buckets; k++)
                dir[k] += dir[k - 1];
            var cursorBlock = NativeBlock.Allocate(buckets * sizeof(uint));
            uint* cursor = cursorBlock.As<uint>();
            Buffer.MemoryCopy(dir, cursor, buckets * sizeof(uint), buckets * sizeof(uint));
            for (int pos = 0; pos < count; pos++)
            {
                if (pos + 2 * ahead < count)
                    Prefetch(cursor + (Extract((ulong*)(h + pos + 2 * ahead), offset, width) >> rem));
                if (pos + ahead < count)
                    Prefetch(post + cursor[Extract((ulong*)(h + pos + ahead), offset, width) >> rem]);
                uint key = Extract((ulong*)(h + pos), offset, width);
                post[cursor[key >> rem]++] = ((uint)pos << rem) | (key & remMask);
            }
            cursorBlock.Dispose();
            directories[slot] = directory;
            postings[slot] = posting;
        });
        return new MihSegment(hashes, ids, count, layout, directories, postings, deleted);
    }

    /// <summary>Bits [offset, offset + width) of the 256-bit integer, width at most 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Extract(ulong* words, int offset, int width)
    {
        int w = offset >> 6, shift = offset & 63;
        ulong v = words[w] >> shift;
        if (shift + width > 64)
            v |= words[w + 1] << (64 - shift);
        return (uint)(v & ((1UL << width) - 1));
    }

    public override int Remove(long id)
    {
        long* ids = Ids;
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            int mid = (int)(((uint)lo + (uint)hi) >> 1);
            if (ids[mid] < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        int removed = 0;
        for (int i = lo; i < _count && ids[i] == id; i++)
        {
            if (MarkDeleted(i))
                removed++;
        }
        GC.KeepAlive(this);
        return removed;
    }

    /// <summary>
    /// Cost model, in nanoseconds, from measurements on the benchmark machine (bench/RESULTS.md, "Hash index"): a probe
    /// or a candidate costs ~25 ns of CPU time in a segment of a million hashes or more (most of it waiting on
    /// memory), less in a segment that fits in cache; the vectorised linear scan ~1.5 ns per hash.
    /// </summary>
    public override bool PrefersScan(int maxDistance, QueryPlan plan = QueryPlan.Auto)
    {
        if (plan != QueryPlan.Auto)
            return plan == QueryPlan.Scan;
        if (ForceScan is { } forced)
            return forced;
        double missCost = _count >= 1 << 18 ? 25 : 8;
        double probes = Layout.Probes(maxDistance);
        double candidates = Layout.Candidates(_count, maxDistance);
        if (probes > 1 << 20)
            return true;
        return (probes + candidates) * missCost > _count * ScanCostPerHash;
    }

    public const double ScanCostPerHash = 1.5;

    /// <summary>For tests: always scan (true), always probe (false), or let the cost model choose (null).</summary>
    internal bool? ForceScan { get; set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Query(Hash256 query, int maxDistance, List<IndexMatch> output, QueryPlan plan = QueryPlan.Auto)
    {
        if (PrefersScan(maxDistance, plan))
        {
            ScanOne(query, maxDistance, output);
            return;
        }
        var scratch = QueryScratch.Current;
        int m = Layout.SlotCount;
        Span<int> radii = stackalloc int[MihLayout.MaxSlots];
        radii = radii[..m];
        Layout.Radii(maxDistance, radii);
        ulong* qw = (ulong*)&query;

        // The slots to probe, with their probe masks, in order.
        Span<int> slots = stackalloc int[MihLayout.MaxSlots];
        var masks = scratch.Masks;
        int n = 0;
        for (int s = 0; s < m; s++)
        {
            if (radii[s] < 0)
                continue;
            slots[n] = s;
            masks[n] = FlipMasks.Get(Layout.DirectoryBits[s], radii[s]);
            n++;
        }

        // A software pipeline two slots deep: while slot i's buckets are scanned, slot i+1's buckets and
        // slot i+2's directory lines are already on their way, and slot i's candidate hashes are requested
        // as soon as they are known, so misses of different stages and slots overlap.
        int found = 0;
        for (int i = 0; i < Math.Min(n, 2); i++)
            PrefetchDirectory(slots[i], masks[i], qw);
        if (n > 0)
            ReadDirectory(slots[0], masks[0], qw, scratch, 0);
        for (int i = 0; i < n; i++)
        {
            if (i + 2 < n)
                PrefetchDirectory(slots[i + 2], masks[i + 2], qw);
            if (i + 1 < n)
                ReadDirectory(slots[i + 1], masks[i + 1], qw, scratch, (i + 1) & 1);
            scratch.EnsureCandidates(found + scratch.Entries[i & 1]);
            int before = found;
            found = ScanBuckets(slots[i], radii[slots[i]], masks[i], qw, scratch, i & 1, found);
            PrefetchCandidates(scratch.Candidates, before, found);
        }
        Verify(query, qw, maxDistance, radii, scratch.Candidates, found, output);
        GC.KeepAlive(this);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PrefetchCandidates(uint[] candidates, int from, int to)
    {
        Hash256* hashes = Hashes;
        const uint positionMask = (1u << MihLayout.PositionBits) - 1;
        fixed (uint* c = candidates)
        {
            for (int i = from; i < to; i++)
                Prefetch(hashes + (c[i] & positionMask));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PrefetchDirectory(int slot, FlipMasks flips, ulong* qw)
    {
        uint prefix = Extract(qw, _offsets[slot], _widths[slot]) >> _remainderBits[slot];
        uint* dir = _directories[slot].As<uint>();
        fixed (uint* masks = flips.Masks)
        {
            int count = flips.Masks.Length;
            for (int j = 0; j < count; j++)
                Prefetch(dir + (prefix ^ masks[j]));
        }
    }

    /// <summary>Reads the bucket bounds of every probe of the slot into buffer set <paramref name="set"/> and requests the buckets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadDirectory(int slot, FlipMasks flips, ulong* qw, QueryScratch scratch, int set)
    {
        uint prefix = Extract(qw, _offsets[slot], _widths[slot]) >> _remainderBits[slot];
        int count = flips.Masks.Length;
        scratch.EnsureProbes(count);
        uint* dir = _directories[slot].As<uint>();
        uint* post = _postings[slot].As<uint>();
        long entries = 0;
        fixed (uint* masks = flips.Masks, starts = scratch.Starts[set], ends = scratch.Ends[set])
        {
            for (int j = 0; j < count; j++)
            {
                uint k = prefix ^ masks[j];
                uint s = dir[k], e = dir[k + 1];
                starts[j] = s;
                ends[j] = e;
                entries += e - s;
                Prefetch(post + s);
                // A bucket may straddle a line; a demand miss on its tail would stall the scan.
                Prefetch(post + e - 1);
            }
        }
        scratch.Entries[set] = (int)Math.Min(entries, int.MaxValue / 2);
    }

    /// <summary>Appends to the candidates every posting whose bucket and remainder bits are within the slot's radius.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ScanBuckets(int slot, int radius, FlipMasks flips, ulong* qw, QueryScratch scratch, int set, int found)
    {
        int rem = _remainderBits[slot];
        uint remMask = (1u << rem) - 1;
        uint qrem = Extract(qw, _offsets[slot], _widths[slot]) & remMask;
        uint* post = _postings[slot].As<uint>();
        uint slotTag = (uint)slot << MihLayout.PositionBits;
        int count = flips.Flips.Length;
        fixed (byte* flipCounts = flips.Flips)
        fixed (uint* starts = scratch.Starts[set], ends = scratch.Ends[set], candidates = scratch.Candidates)
        {
            for (int j = 0; j < count; j++)
            {
                uint s = starts[j], e = ends[j];
                int allowed = radius - flipCounts[j];
                // Branch-free: write every posting, keep it only if it passes.
                for (uint t = s; t < e; t++)
                {
                    uint v = post[t];
                    candidates[found] = (v >> rem) | slotTag;
                    found += BitOperations.PopCount((v ^ qrem) & remMask) <= allowed ? 1 : 0;
                }
            }
        }
        return found;
    }

    /// <summary>
    /// Checks each candidate's full distance, and reports it only from the first slot that could have found
    /// it, so an entry found through several slots is reported once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Verify(Hash256 query, ulong* qw, int maxDistance, Span<int> radii, uint[] candidates, int found, List<IndexMatch> output)
    {
        Hash256* hashes = Hashes;
        long* ids = Ids;
        const uint positionMask = (1u << MihLayout.PositionBits) - 1;
        for (int c = 0; c < found; c++)
        {
            uint tagged = candidates[c];
            int pos = (int)(tagged & positionMask);
            int slot = (int)(tagged >> MihLayout.PositionBits);
            Hash256* h = hashes + pos;
            int d = query.DistanceTo(*h);
            if (d > maxDistance)
                continue;
            bool first = true;
            for (int s = 0; s < slot; s++)
            {
                if (radii[s] >= 0 && BitOperations.PopCount(Extract((ulong*)h, _offsets[s], _widths[s]) ^ Extract(qw, _offsets[s], _widths[s])) <= radii[s])
                {
                    first = false;
                    break;
                }
            }
            if (first && !IsDeleted(pos))
                output.Add(new IndexMatch(ids[pos], d));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(void* address)
    {
        if (Sse.IsSupported)
            Sse.Prefetch0(address);
    }

    public override void Dispose()
    {
        base.Dispose();
        foreach (var d in _directories)
            d.Dispose();
        foreach (var p in _postings)
            p.Dispose();
    }
}

/// <summary>Per-thread buffers for multi-index queries, grown as needed and reused.</summary>
internal sealed class QueryScratch
{
    [ThreadStatic]
    private static QueryScratch? t_current;

    public static QueryScratch Current => t_current ??= new QueryScratch();

    /// <summary>Two sets of bucket bounds: one slot's are scanned while the next slot's are read.</summary>
    public readonly uint[][] Starts = [new uint[256], new uint[256]];
    public readonly uint[][] Ends = [new uint[256], new uint[256]];
    public readonly int[] Entries = new int[2];
    public readonly FlipMasks[] Masks = new FlipMasks[MihLayout.MaxSlots];
    public uint[] Candidates = new uint[4096];

    public void EnsureProbes(int n)
    {
        if (Starts[0].Length < n)
        {
            int size = (int)BitOperations.RoundUpToPowerOf2((uint)n);
            // Keep the set that may still hold the previous slot's bounds.
            for (int set = 0; set < 2; set++)
            {
                var starts = new uint[size];
                var ends = new uint[size];
                Starts[set].CopyTo(starts, 0);
                Ends[set].CopyTo(ends, 0);
                Starts[set] = starts;
                Ends[set] = ends;
            }
        }
    }

    public void EnsureCandidates(int n)
    {
        if (Candidates.Length < n)
            Array.Resize(ref Candidates, (int)BitOperations.RoundUpToPowerOf2((uint)n));
    }
}

namespace Turntide.Core.Index;

/// <summary>Builds multi-index segments from caller arrays and from the live entries of other segments.</summary>
internal static unsafe class SegmentBuilder
{
    /// <summary>One segment over a copy of the entries, sorted by id.</summary>
    public static MihSegment FromEntries(ReadOnlySpan<long> ids, ReadOnlySpan<Hash256> hashes, HashIndexOptions options)
    {
        if (ids.Length != hashes.Length)
            throw new ArgumentException($"{ids.Length} ids for {hashes.Length} hashes.", nameof(ids));
        int count = ids.Length;
        var hashBlock = NativeBlock.Allocate((long)count * sizeof(Hash256));
        var idBlock = NativeBlock.Allocate((long)count * sizeof(long));
        var idSpan = new Span<long>(idBlock.Pointer, count);
        var hashSpan = new Span<Hash256>(hashBlock.Pointer, count);
        ids.CopyTo(idSpan);
        hashes.CopyTo(hashSpan);
        if (!IsSorted(idSpan))
            idSpan.Sort(hashSpan);
        return MihSegment.Build(hashBlock, idBlock, count, Layout(count, options), null, options.BuildThreads);
    }

    public static MihLayout Layout(long count, HashIndexOptions options) =>
        MihLayout.For(count, options.SlotCount, options.BucketSize);

    private static bool IsSorted(ReadOnlySpan<long> ids)
    {
        for (int i = 1; i < ids.Length; i++)
        {
            if (ids[i] < ids[i - 1])
                return false;
        }
        return true;
    }

    /// <summary>A merge's result: the new segment, and for each source the new position of each of its entries (-1 if it was removed).</summary>
    public sealed record Merged(MihSegment Segment, int[][] NewPositions, ulong[][] TombstonesSeen);

    private struct Item
    {
        public Hash256 Hash;
        public int Source;
        public int Position;
    }

    /// <summary>Merges the live entries of <paramref name="sources"/> into one segment. Sources are only read.</summary>
    public static Merged Merge(IReadOnlyList<Segment> sources, HashIndexOptions options)
    {
        var seen = new ulong[sources.Count][];
        var counts = new int[sources.Count];
        long total = 0;
        for (int s = 0; s < sources.Count; s++)
        {
            counts[s] = sources[s].Count;
            seen[s] = sources[s].CopyTombstones();
            total += counts[s] - Tombstones(seen[s], counts[s]);
        }
        if (total > MihLayout.MaxSegmentEntries)
            throw new InvalidOperationException($"A merge of {total} entries is over the segment limit of {MihLayout.MaxSegmentEntries}.");
        int n = (int)total;
        var keys = new long[n];
        var items = new Item[n];
        int k = 0;
        for (int s = 0; s < sources.Count; s++)
        {
            var src = sources[s];
            for (int pos = 0; pos < counts[s]; pos++)
            {
                if (((seen[s][pos >> 6] >> (pos & 63)) & 1) != 0)
                    continue;
                keys[k] = src.Ids[pos];
                items[k] = new Item { Hash = src.Hashes[pos], Source = s, Position = pos };
                k++;
            }
            GC.KeepAlive(src);
        }
        keys.AsSpan().Sort(items.AsSpan());
        var hashBlock = NativeBlock.Allocate((long)n * sizeof(Hash256));
        var idBlock = NativeBlock.Allocate((long)n * sizeof(long));
        var newPositions = new int[sources.Count][];
        for (int s = 0; s < sources.Count; s++)
            newPositions[s] = Enumerable.Repeat(-1, counts[s]).ToArray();
        Hash256* hashes = hashBlock.As<Hash256>();
        long* ids = idBlock.As<long>();
        for (int i = 0; i < n; i++)
        {
            hashes[i] = items[i].Hash;
            ids[i] = keys[i];
            newPositions[items[i].Source][items[i].Position] = i;
        }
        items = null!;
        var segment = MihSegment.Build(hashBlock, idBlock, n, Layout(n, options), null, options.BuildThreads);
        return new Merged(segment, newPositions, seen);
    }

    private static int Tombstones(ulong[] words, int count)
    {
        int n = 0;
        for (int pos = 0; pos < count; pos++)
            n += (int)((words[pos >> 6] >> (pos & 63)) & 1);
        return n;
    }
}

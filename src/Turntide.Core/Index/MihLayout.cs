namespace Turntide.Core.Index;

/// <summary>
/// How a multi-index segment cuts the 256 bits into slots, and how many leading bits of each slot address
/// its bucket directory (the rest are kept in each posting beside the entry's position, as many as the
/// position leaves room for in 32 bits, and filtered there).
/// <para>
/// Pigeonhole: if two hashes differ in at most R bits and the slots get radii r_i with
/// sum(r_i + 1) &gt;= R + 1, at least one slot differs by at most its r_i. A query therefore visits, in each
/// slot, every bucket within r_i of its own value and checks the hashes found there.
/// Wider slots mean fewer candidates per probe but more probes; the slot count comes from the measured
/// sweep in bench/RESULTS.md, "Hash index" (11 slots of 23-24 bits at 1M-10M hashes; the design is in docs/index.md).
/// </para>
/// </summary>
internal sealed class MihLayout
{
    /// <summary>Bits of a candidate's position; the slot number goes above them.</summary>
    public const int PositionBits = 25;
    public const int MaxSegmentEntries = 1 << PositionBits;
    public const int MaxSlots = 16;

    /// <param name="slotCount">8..16 slots.</param>
    /// <param name="directoryBits">Leading bits of each slot that address its directory (raised where the rest would not fit beside a position).</param>
    /// <param name="count">Entries of the segment: positions take ceil(log2(count)) bits of each posting.</param>
    public MihLayout(int slotCount, int directoryBits, long count)
    {
        if (slotCount is < 8 or > MaxSlots)
            throw new ArgumentOutOfRangeException(nameof(slotCount), slotCount, $"8..{MaxSlots} slots.");
        SlotCount = slotCount;
        RequestedDirectoryBits = directoryBits;
        Offsets = new int[slotCount];
        Widths = new int[slotCount];
        DirectoryBits = new int[slotCount];
        int maxRemainder = 32 - Math.Max(1, (int)Math.Ceiling(Math.Log2(Math.Max(count, 2))));
        int offset = 0;
        for (int i = 0; i < slotCount; i++)
        {
            // Wider slots first: they take the larger radius when R + 1 does not divide evenly.
            int width = Hash256.Bits / slotCount + (i < Hash256.Bits % slotCount ? 1 : 0);
            Offsets[i] = offset;
            Widths[i] = width;
            DirectoryBits[i] = Math.Clamp(directoryBits, Math.Max(1, width - maxRemainder), width);
            offset += width;
        }
    }

    public int SlotCount { get; }

    /// <summary>The directory bits asked for; <see cref="DirectoryBits"/> holds what each slot got.</summary>
    public int RequestedDirectoryBits { get; }

    public int[] Offsets { get; }

    public int[] Widths { get; }

    public int[] DirectoryBits { get; }

    public int RemainderBits(int slot) => Widths[slot] - DirectoryBits[slot];

    /// <summary>The layout for a segment of <paramref name="count"/> hashes.</summary>
    public static MihLayout For(long count, int? slotCount = null, double bucketSize = DefaultBucketSize)
    {
        double log2 = Math.Log2(Math.Max(count, 2));
        int slots = slotCount ?? DefaultSlots(count);
        int dirBits = (int)Math.Round(Math.Max(1, log2 - Math.Log2(bucketSize)));
        return new MihLayout(slots, Math.Clamp(dirBits, 1, 26), count);
    }

    /// <summary>
    /// Average postings per directory bucket. Small buckets won the sweep (bench/RESULTS.md, "Hash index"): a probe then
    /// reads one short run of postings, and the larger directory costs about 2 bytes per hash per slot.
    /// </summary>
    public const double DefaultBucketSize = 2;

    /// <summary>
    /// Slots about one bit wider than log2(count) (11 slots of 23-24 bits at 10M, 12 of 21-22 at 1M), from the
    /// slot sweep: wider slots leave fewer candidates to verify but need more probes per slot.
    /// </summary>
    public static int DefaultSlots(long count)
    {
        double log2 = Math.Log2(Math.Max(count, 2));
        return Math.Clamp((int)Math.Round(Hash256.Bits / (log2 + 1)), 8, MaxSlots);
    }

    /// <summary>
    /// Per-slot search radii for a query radius: sum(r_i + 1) = R + 1, larger radii on the first (wider)
    /// slots. A radius of -1 means the slot need not be probed at all.
    /// </summary>
    public void Radii(int maxDistance, Span<int> radii)
    {
        int k = maxDistance + 1;
        int baseRadius = k / SlotCount, extra = k % SlotCount;
        for (int i = 0; i < SlotCount; i++)
            radii[i] = (i < extra ? baseRadius : baseRadius - 1);
    }

    /// <summary>Directory probes one query makes at this radius.</summary>
    public double Probes(int maxDistance)
    {
        Span<int> radii = stackalloc int[SlotCount];
        Radii(maxDistance, radii);
        double probes = 0;
        for (int i = 0; i < SlotCount; i++)
            probes += FlipMasks.Volume(DirectoryBits[i], radii[i]);
        return probes;
    }

    /// <summary>Expected candidates for uniformly spread hashes: the share of each slot's space inside its ball.</summary>
    public double Candidates(long count, int maxDistance)
    {
        Span<int> radii = stackalloc int[SlotCount];
        Radii(maxDistance, radii);
        double candidates = 0;
        for (int i = 0; i < SlotCount; i++)
            candidates += count * FlipMasks.Volume(Widths[i], radii[i]) / Math.Pow(2, Widths[i]);
        return candidates;
    }
}

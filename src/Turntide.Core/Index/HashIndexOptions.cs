namespace Turntide.Core.Index;

/// <summary>Tuning of a <see cref="HashIndex"/>; the defaults suit 1 to 30 million hashes.</summary>
public sealed record HashIndexOptions
{
    /// <summary>Entries the mutable tail holds before it is frozen and merged into a segment in the background.</summary>
    public int TailCapacity { get; init; } = 4096;

    /// <summary>A size tier is merged once it holds this many segments.</summary>
    public int MergeFanout { get; init; } = 4;

    /// <summary>Merge frozen tails and small segments on a background thread (otherwise only <see cref="HashIndex.Compact"/> merges).</summary>
    public bool BackgroundMerges { get; init; } = true;

    /// <summary>Threads used to build a segment's slots.</summary>
    public int BuildThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Slots per segment; null chooses from the segment's size.</summary>
    public int? SlotCount { get; init; }

    /// <summary>Average postings per directory bucket.</summary>
    public double BucketSize { get; init; } = MihLayout.DefaultBucketSize;

    public static HashIndexOptions Default { get; } = new();

    internal void Validate()
    {
        if (TailCapacity is < 64 or > 1 << 20)
            throw new ArgumentOutOfRangeException(nameof(TailCapacity), TailCapacity, "The tail holds 64..1048576 entries.");
        if (MergeFanout is < 2 or > 64)
            throw new ArgumentOutOfRangeException(nameof(MergeFanout), MergeFanout, "The merge fan-out is 2..64.");
        if (BuildThreads < 1)
            throw new ArgumentOutOfRangeException(nameof(BuildThreads), BuildThreads, "At least one build thread.");
        if (SlotCount is { } s && (s < 8 || s > MihLayout.MaxSlots))
            throw new ArgumentOutOfRangeException(nameof(SlotCount), s, $"8..{MihLayout.MaxSlots} slots.");
        if (BucketSize is < 0.5 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(BucketSize), BucketSize, "0.5..1024 postings per bucket.");
    }
}

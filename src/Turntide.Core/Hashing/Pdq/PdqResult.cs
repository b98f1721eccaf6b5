using Turntide.Core.Index;

namespace Turntide.Core.Hashing.Pdq;

/// <summary>A PDQ hash and its quality (0..100; the forum discards hashes below <see cref="PdqHasher.MinUsefulQuality"/>).</summary>
public readonly record struct PdqResult(Hash256 Hash, int Quality)
{
    public override string ToString() => $"{Hash},{Quality}";
}

/// <summary>The 8 dihedral PDQ hashes of one image, in the reference's order.</summary>
public sealed record PdqDihedralHashes(
    Hash256 Original, Hash256 Rotate90, Hash256 Rotate180, Hash256 Rotate270,
    Hash256 FlipX, Hash256 FlipY, Hash256 FlipPlus1, Hash256 FlipMinus1)
{
    /// <summary>The reference's names for the transforms, in output order.</summary>
    public static readonly IReadOnlyList<string> Names = ["orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"];

    public IReadOnlyList<Hash256> All => [Original, Rotate90, Rotate180, Rotate270, FlipX, FlipY, FlipPlus1, FlipMinus1];
}

/// <summary>The dihedral hashes with the (shared) quality.</summary>
public sealed record PdqDihedralResult(PdqDihedralHashes Hashes, int Quality);

using Turntide.Core.Signals;

namespace Turntide.Cli.Hashing;

/// <summary>
/// Computes the vPDQ signal of one video file. Contract: return the value in the reference line format
/// (<see cref="SignalValue"/>, type <see cref="SignalType.Vpdq"/>); throw <see cref="Common.InputException"/> with a
/// one-line reason when the file cannot be hashed (corrupt, truncated, no video stream), so the batch goes on.
/// </summary>
internal delegate SignalValue VpdqFileHasher(string path, int threads);

/// <summary>
/// Where a video hasher plugs into <c>turntide hash</c>. This build has none: videos get their exact digests,
/// with a note, and <c>--signal vpdq</c> is refused. To plug one in, set <see cref="Hasher"/>, e.g.
/// <c>(path, threads) => SignalValue.Parse(SignalType.Vpdq, VpdqHasher.HashFile(path, threads).ToReferenceLines())</c>:
/// videos then get vpdq by default, and every output format prints it.
/// </summary>
internal static class VideoSignals
{
    public static VpdqFileHasher? Hasher => null;

    public const string Unavailable = "vPDQ video hashing is not available in this build";
}

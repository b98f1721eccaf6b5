using Turntide.Cli.Common;
using Turntide.Core.Hashing.Video;
using Turntide.Core.Signals;

namespace Turntide.Cli.Hashing;

/// <summary>
/// Computes the vPDQ signal of one video file. Contract: return the value in the reference line format
/// (<see cref="SignalValue"/>, type <see cref="SignalType.Vpdq"/>); throw <see cref="InputException"/> with a
/// one-line reason when the file cannot be hashed (corrupt, truncated, no video stream), so the batch goes on.
/// </summary>
internal delegate SignalValue VpdqFileHasher(string path, int threads);

/// <summary>Where the video hasher plugs into <c>turntide hash</c>: vPDQ through FFmpeg, one hash per second.</summary>
internal static class VideoSignals
{
    public static VpdqFileHasher? Hasher { get; } = HashVideo;

    public const string Unavailable = "vPDQ video hashing is not available in this build";

    private static SignalValue HashVideo(string path, int threads)
    {
        try
        {
            var video = VpdqHasher.HashFile(path, VpdqOptions.Default with { Threads = Math.Max(1, threads) });
            using var text = new StringWriter();
            VpdqHashFile.Write(text, video.Frames);
            return SignalValue.Parse(SignalType.Vpdq, text.ToString());
        }
        catch (VideoDecodeException ex)
        {
            throw new InputException(ex.Message);
        }
    }
}

namespace Turntide.Core.Hashing.Video;

/// <summary>What probing says about a video's first video stream (the stream vPDQ hashes).</summary>
/// <param name="Container">FFmpeg's demuxer name, e.g. <c>mov,mp4,m4a,3gp,3g2,mj2</c>.</param>
/// <param name="Codec">The codec of the first video stream, e.g. <c>h264</c>.</param>
/// <param name="PixelFormat">The stream's pixel format, e.g. <c>yuv420p</c>.</param>
/// <param name="FrameRateNumerator">The stream's average frame rate, or its real base rate when the average is unknown.</param>
/// <param name="DurationSeconds">The container's duration, when it declares one.</param>
public sealed record VideoInfo(
    string Container,
    string Codec,
    string PixelFormat,
    int Width,
    int Height,
    long FrameRateNumerator,
    long FrameRateDenominator,
    double? DurationSeconds)
{
    /// <summary>Frames per second as the reference computes it: numerator / denominator in double precision.</summary>
    public double FrameRate => (double)FrameRateNumerator / FrameRateDenominator;
}

/// <summary>The vPDQ hash of a video: its frames in frame order, with what was learnt about the video.</summary>
/// <param name="FrameStep">Every <c>FrameStep</c>-th decoded frame was hashed.</param>
/// <param name="DecodeErrors">The decoder's error messages; empty unless errors were tolerated.</param>
public sealed record VpdqVideoHash(VideoInfo Video, int Width, int Height, int FrameStep, IReadOnlyList<VpdqFrame> Frames, IReadOnlyList<string> DecodeErrors);

/// <summary>A video that cannot be hashed, with a one-line reason a person can act on.</summary>
public sealed class VideoDecodeException(string reason, Exception? inner = null) : Exception(reason, inner)
{
    /// <summary>Set when the video was refused for breaking one of the <see cref="VideoLimits"/> (an upload endpoint answers 413 then).</summary>
    public VideoLimit? ExceededLimit { get; init; }
}

/// <summary>The bound of <see cref="VideoLimits"/> a video broke.</summary>
public enum VideoLimit
{
    Bytes,
    Duration,
    Frames,
    FramePixels,
}

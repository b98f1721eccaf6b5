namespace Turntide.Core.Hashing.Video;

/// <summary>How a video is hashed. The defaults are python-threatexchange's: one frame per second, full size.</summary>
public sealed record VpdqOptions
{
    public static readonly VpdqOptions Default = new();

    /// <summary>Seconds between hashed frames; 0 hashes every frame. See <see cref="VpdqSampling.FrameStep"/>.</summary>
    public double SecondsPerHash { get; init; } = 1.0;

    /// <summary>
    /// Width the frames are scaled to before hashing (the reference's <c>-s</c> sets width and height to the same
    /// value, not keeping the aspect ratio); 0 keeps the video's width.
    /// </summary>
    public int DownsampleWidth { get; init; }

    /// <summary>Height the frames are scaled to before hashing; 0 keeps the video's height.</summary>
    public int DownsampleHeight { get; init; }

    /// <summary>Threads that hash frames (decoding runs in its own process beside them).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// False (the default): any error the decoder reports (a damaged or truncated stream) fails the video.
    /// True: hash whatever frames the decoder delivers, concealed errors included, and return the decoder's
    /// messages in <see cref="VpdqVideoHash.DecodeErrors"/>.
    /// </summary>
    public bool TolerateDecodeErrors { get; init; }

    public VideoLimits Limits { get; init; } = VideoLimits.Default;

    /// <summary>The FFmpeg programs; by default <c>ffmpeg</c> and <c>ffprobe</c> from PATH (Debian's package ffmpeg).</summary>
    public FfmpegTools Tools { get; init; } = FfmpegTools.Default;
}

/// <summary>Bounds on what a video may cost to hash; every bound is checked before or while decoding.</summary>
public sealed record VideoLimits
{
    public static readonly VideoLimits Default = new();

    /// <summary>Largest file accepted, checked before anything reads it.</summary>
    public long MaxBytes { get; init; } = 4L << 30;

    /// <summary>Longest video accepted: checked against the container's duration, then against each frame's time.</summary>
    public double MaxDurationSeconds { get; init; } = 4 * 3600;

    /// <summary>Most decoded frames accepted (frame numbers at or above this fail the video).</summary>
    public int MaxFrames { get; init; } = 1_000_000;

    /// <summary>Largest frame (width x height of the hashed frames, and of the video itself) accepted; 8K UHD fits.</summary>
    public long MaxFramePixels { get; init; } = 8192L * 4352;

    /// <summary>How long probing a file may take.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Where the FFmpeg programs are, and which container formats they may open.</summary>
public sealed record FfmpegTools
{
    public static readonly FfmpegTools Default = new();

    public string FfmpegPath { get; init; } = "ffmpeg";

    public string FfprobePath { get; init; } = "ffprobe";

    /// <summary>
    /// The demuxers FFmpeg may use (its <c>format_whitelist</c>). Playlists and manifests (HLS, DASH, concat,
    /// IMF) are left out on purpose: they make FFmpeg open other files named inside the upload.
    /// </summary>
    public IReadOnlyList<string> AllowedContainers { get; init; } =
        ["mov", "matroska", "avi", "flv", "mpegts", "mpeg", "asf", "ogg", "gif", "h264", "hevc", "m4v", "mpegvideo", "ivf", "mxf", "dv", "rm", "nut", "obu"];
}

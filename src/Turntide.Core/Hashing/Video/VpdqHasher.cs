using System.Globalization;
using Turntide.Core.Hashing.Pdq;

namespace Turntide.Core.Hashing.Video;

/// <summary>
/// vPDQ, Meta's video hash: the PDQ hash of sampled frames, frames decoded by FFmpeg. Output equals the
/// reference <c>vpdq-hash-video</c> built against the same FFmpeg libraries, frame for frame and bit for bit.
/// </summary>
public static class VpdqHasher
{
    /// <summary>Hashes a video file.</summary>
    /// <exception cref="VideoDecodeException">
    /// The file cannot be hashed: missing, over a limit, not a video, damaged or truncated (unless
    /// <see cref="VpdqOptions.TolerateDecodeErrors"/>), or FFmpeg is missing. The message is one line.
    /// </exception>
    public static VpdqVideoHash HashFile(string path, VpdqOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= VpdqOptions.Default;
        Validate(options);
        var limits = options.Limits;
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new VideoDecodeException(Directory.Exists(path) ? "is a folder, not a video file" : "no such file");
        if (file.Length > limits.MaxBytes)
            throw new VideoDecodeException($"file is {file.Length} bytes, over the limit of {limits.MaxBytes}") { ExceededLimit = VideoLimit.Bytes };
        if (file.Length == 0)
            throw new VideoDecodeException("file is empty");

        var video = FfmpegVideoDecoder.Probe(path, options, cancellationToken);
        CheckFrameSize(video.Width, video.Height, limits, "the video's frames");
        if (video.DurationSeconds is { } duration && duration > limits.MaxDurationSeconds)
            throw new VideoDecodeException(
                $"video lasts {duration.ToString("0.###", CultureInfo.InvariantCulture)} s, over the limit of {limits.MaxDurationSeconds.ToString(CultureInfo.InvariantCulture)} s")
            { ExceededLimit = VideoLimit.Duration };
        int width = options.DownsampleWidth > 0 ? options.DownsampleWidth : video.Width;
        int height = options.DownsampleHeight > 0 ? options.DownsampleHeight : video.Height;
        CheckFrameSize(width, height, limits, "the hashed frames");
        if (width < MinFrameSide || height < MinFrameSide)
            throw new VideoDecodeException($"frames of {width}x{height} are below PDQ's minimum of {MinFrameSide}x{MinFrameSide}");

        double frameRate = video.FrameRate;
        int step = VpdqSampling.FrameStep(options.SecondsPerHash, frameRate);
        using var reader = FfmpegVideoDecoder.Open(path, video, width, height, step, options);
        var process = reader.Process;
        using var cancel = cancellationToken.Register(process.Kill);

        void CheckFrame(int frameNumber)
        {
            if (frameNumber >= limits.MaxFrames)
                throw new VideoDecodeException($"video has more than {limits.MaxFrames} frames, over the limit") { ExceededLimit = VideoLimit.Frames };
            if (VpdqSampling.Timestamp(frameNumber, frameRate) > limits.MaxDurationSeconds)
                throw new VideoDecodeException($"video runs past {limits.MaxDurationSeconds.ToString(CultureInfo.InvariantCulture)} s, over the limit of {limits.MaxDurationSeconds.ToString(CultureInfo.InvariantCulture)} s")
                { ExceededLimit = VideoLimit.Duration };
            // Strict mode stops at the first decoder error rather than hashing the rest for nothing.
            if (!options.TolerateDecodeErrors && process.ErrorCount > 0)
                throw Damaged(process);
        }

        List<VpdqFrame> frames;
        try
        {
            frames = VpdqPipeline.Hash(reader, frameRate, options.Threads, CheckFrame, cancellationToken);
        }
        catch (IOException ex)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new VideoDecodeException($"reading the decoder's output failed: {ex.Message}", ex);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        // The decoder's output has ended; it exits right after.
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            throw new VideoDecodeException("the decoder did not exit after its last frame");
        cancellationToken.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
            throw new VideoDecodeException($"decoding failed: {process.FirstError ?? $"ffmpeg exit code {process.ExitCode}"}");
        if (!options.TolerateDecodeErrors && process.ErrorCount > 0)
            throw Damaged(process);
        if (frames.Count == 0)
            throw new VideoDecodeException("the video stream has no frame that decodes");
        return new VpdqVideoHash(video, width, height, step, frames, process.Errors);
    }

    /// <summary>
    /// Hashes a video given as a stream (an upload): copied to a temporary file first, with the size limit
    /// enforced while copying, because the common MP4 layout needs seeking and FFmpeg cannot seek in a pipe.
    /// </summary>
    public static async Task<VpdqVideoHash> HashStreamAsync(Stream content, VpdqOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= VpdqOptions.Default;
        Validate(options);
        string path = Path.Combine(Path.GetTempPath(), "turntide-video-" + Guid.NewGuid().ToString("N"));
        try
        {
            var create = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
                BufferSize = 1 << 16,
            };
            // Uploaded media may be the very content the forum fights: readable by this user only.
            if (!OperatingSystem.IsWindows())
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var file = new FileStream(path, create))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int n;
                while ((n = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += n;
                    if (total > options.Limits.MaxBytes)
                        throw new VideoDecodeException($"upload is over the limit of {options.Limits.MaxBytes} bytes") { ExceededLimit = VideoLimit.Bytes };
                    await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                }
            }
            return await Task.Run(() => HashFile(path, options, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Probes a video the way <see cref="HashFile"/> does, without decoding it.</summary>
    public static VideoInfo Probe(string path, VpdqOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= VpdqOptions.Default;
        if (!File.Exists(path))
            throw new VideoDecodeException("no such file");
        return FfmpegVideoDecoder.Probe(path, options, cancellationToken);
    }

    /// <summary>
    /// The PDQ hash of one packed RGB24 frame (rows of exactly width x 3 bytes), as vPDQ computes it: luma from
    /// R, G and B always, no pre-scale. Frames smaller than 5x5 are refused, as by the reference.
    /// </summary>
    public static PdqResult HashRgbFrame(ReadOnlySpan<byte> rgb, int width, int height)
    {
        if (width < MinFrameSide || height < MinFrameSide)
            throw new ArgumentException($"A frame of {width}x{height} is below PDQ's minimum of {MinFrameSide}x{MinFrameSide}.");
        return VpdqFrameHasher.Hash(rgb, width, height);
    }

    private const int MinFrameSide = 5;

    private static void Validate(VpdqOptions options)
    {
        if (!(options.SecondsPerHash >= 0) || double.IsInfinity(options.SecondsPerHash))
            throw new ArgumentOutOfRangeException(nameof(options), options.SecondsPerHash, "SecondsPerHash must be a finite number >= 0.");
        if (options.Threads is < 1 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "Threads must be between 1 and 1024.");
        if (options.DownsampleWidth < 0 || options.DownsampleHeight < 0)
            throw new ArgumentOutOfRangeException(nameof(options), "Downsample sizes must be 0 (the video's size) or more.");
    }

    private static void CheckFrameSize(int width, int height, VideoLimits limits, string what)
    {
        if ((long)width * height > limits.MaxFramePixels)
            throw new VideoDecodeException($"{what} are {width}x{height}, over the limit of {limits.MaxFramePixels} pixels") { ExceededLimit = VideoLimit.FramePixels };
    }

    private static VideoDecodeException Damaged(FfmpegProcess process) =>
        new($"damaged or truncated video: {process.FirstError}");
}

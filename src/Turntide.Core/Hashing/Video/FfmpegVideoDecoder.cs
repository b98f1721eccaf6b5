using System.Globalization;
using System.Text.Json;

namespace Turntide.Core.Hashing.Video;

/// <summary>
/// Probes videos with <c>ffprobe</c> and decodes them with the <c>ffmpeg</c> program into packed RGB24 frames,
/// reproducing the reference hasher's libav calls pixel for pixel:
/// <list type="bullet">
/// <item>the first video stream, its average frame rate (the real base rate when the average is 0/0);</item>
/// <item>every decoded frame in decode-output order, none dropped or repeated (<c>-fps_mode passthrough</c>),
/// no rotation from container metadata (<c>-noautorotate</c>), slice threading only (frame threading conceals
/// damaged streams differently from the reference);</item>
/// <item>libswscale to RGB24 with the area scaler at the target size, with swscale's own defaults for colour:
/// BT.601 coefficients and the range implied by the pixel format (full for yuvj*/grey formats, limited
/// otherwise), whatever the stream's colour tags say. FFmpeg's scale filter would otherwise follow the tags,
/// which the reference's bare <c>sws_getContext</c> ignores.</item>
/// </list>
/// </summary>
internal static class FfmpegVideoDecoder
{
    /// <exception cref="VideoDecodeException">The file is not a video FFmpeg can read, or breaks a limit.</exception>
    public static VideoInfo Probe(string path, VpdqOptions options, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "-v", "error", "-hide_banner" };
        AddInputGuards(arguments, options.Tools);
        arguments.AddRange([
            "-select_streams", "v:0",
            "-show_entries", "stream=codec_name,pix_fmt,width,height,avg_frame_rate,r_frame_rate:format=format_name,duration",
            "-of", "json",
            InputUrl(path),
        ]);
        string json;
        using (var process = FfmpegProcess.Start(options.Tools.FfprobePath, arguments))
        using (cancellationToken.Register(process.Kill))
        {
            // Read with a bound: the answer for one stream is a few hundred bytes.
            var buffer = new byte[64 * 1024];
            var read = Task.Run(() => process.Stdout.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false), cancellationToken);
            if (!process.WaitForExit(options.Limits.ProbeTimeout))
                throw new VideoDecodeException($"probing took longer than {options.Limits.ProbeTimeout.TotalSeconds:0} s");
            cancellationToken.ThrowIfCancellationRequested();
            int length = read.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
                throw new VideoDecodeException($"not a video FFmpeg can read: {process.FirstError ?? $"ffprobe exit code {process.ExitCode}"}");
            json = System.Text.Encoding.UTF8.GetString(buffer, 0, length);
        }
        return ParseProbe(json);
    }

    internal static VideoInfo ParseProbe(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            string container = root.TryGetProperty("format", out var format) ? Text(format, "format_name") ?? "?" : "?";
            double? duration = format.ValueKind == JsonValueKind.Object && Text(format, "duration") is { } d
                && double.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) ? seconds : null;
            if (!root.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
                throw new VideoDecodeException("no video stream");
            var stream = streams[0];
            int width = stream.TryGetProperty("width", out var w) ? w.GetInt32() : 0;
            int height = stream.TryGetProperty("height", out var h) ? h.GetInt32() : 0;
            if (width <= 0 || height <= 0)
                throw new VideoDecodeException("the video stream has no frame size");
            var (num, den) = Rational(Text(stream, "avg_frame_rate"));
            if (num == 0 || den == 0)
                (num, den) = Rational(Text(stream, "r_frame_rate"));
            if (num <= 0 || den <= 0)
                throw new VideoDecodeException("the video's frame rate is zero or unknown");
            return new VideoInfo(container, Text(stream, "codec_name") ?? "?", Text(stream, "pix_fmt") ?? "?",
                width, height, num, den, duration);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new VideoDecodeException("ffprobe gave an answer that cannot be read", ex);
        }
    }

    /// <summary>Starts decoding; the reader hands out the selected frames, every <paramref name="step"/>-th one.</summary>
    public static FfmpegFrameReader Open(string path, VideoInfo video, int width, int height, int step, VpdqOptions options)
    {
        var filters = new List<string>();
        if (step > 1)
            filters.Add($"select=not(mod(n\\,{step}))");
        filters.Add($"scale={width}:{height}:flags=area:in_color_matrix=bt601:in_range={(IsFullRangeFormat(video.PixelFormat) ? "pc" : "tv")}");
        filters.Add("format=rgb24");

        var arguments = new List<string> { "-nostdin", "-hide_banner", "-v", "error" };
        AddInputGuards(arguments, options.Tools);
        arguments.AddRange([
            // The reference lets libavcodec pick the thread count but allows slice threading only.
            "-thread_type", "slice",
            "-noautorotate",
            // Keep one filter graph for the whole stream: the frame counter n of select must never restart,
            // and the output size stays fixed even if the stream changes size midway.
            "-reinit_filter", "0",
            "-i", InputUrl(path),
            "-map", "0:v:0",
            "-fps_mode", "passthrough",
            "-vf", string.Join(',', filters),
            "-f", "rawvideo",
            "-pix_fmt", "rgb24",
            "pipe:1",
        ]);
        return new FfmpegFrameReader(FfmpegProcess.Start(options.Tools.FfmpegPath, arguments), width, height, step);
    }

    /// <summary>
    /// libswscale treats these formats as full range when nothing says otherwise (its <c>handle_jpeg</c>), so the
    /// reference converts them as full range and everything else as limited range.
    /// </summary>
    internal static bool IsFullRangeFormat(string pixelFormat) =>
        pixelFormat.StartsWith("yuvj", StringComparison.Ordinal)
        || pixelFormat.StartsWith("gray", StringComparison.Ordinal)
        || pixelFormat is "ya8" or "ya16le" or "ya16be";

    private static void AddInputGuards(List<string> arguments, FfmpegTools tools)
    {
        // Local files only, and only container formats that cannot point FFmpeg at other files or hosts.
        arguments.AddRange(["-protocol_whitelist", "file", "-format_whitelist", string.Join(',', tools.AllowedContainers)]);
    }

    // "file:" makes FFmpeg read the path as a plain file: a name like "http:x" or "concat:a|b" stays a name.
    private static string InputUrl(string path) => "file:" + Path.GetFullPath(path);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static (long Num, long Den) Rational(string? text)
    {
        if (text is null)
            return (0, 0);
        var parts = text.Split('/');
        if (parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long num)
            && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long den))
            return (num, den);
        return (0, 0);
    }
}

/// <summary>
/// The raw RGB24 frames of one <c>ffmpeg</c> run. The k-th frame read is decoded frame number k x step
/// (the select filter counts decoded frames from 0, as the reference's frame numbers do).
/// </summary>
internal sealed class FfmpegFrameReader(FfmpegProcess process, int width, int height, int step) : IRgbFrameSource, IDisposable
{
    private int _framesRead;
    private bool _ended;

    public int Width => width;

    public int Height => height;

    public int FrameBytes { get; } = checked(width * height * 3);

    public FfmpegProcess Process => process;

    /// <summary>Reads the next frame into <paramref name="destination"/>; false at the end of the stream.</summary>
    /// <exception cref="VideoDecodeException">FFmpeg's output ended in the middle of a frame.</exception>
    public bool TryRead(Span<byte> destination, out int frameNumber)
    {
        frameNumber = -1;
        if (_ended)
            return false;
        int n = process.Stdout.ReadAtLeast(destination[..FrameBytes], FrameBytes, throwOnEndOfStream: false);
        if (n == 0)
        {
            _ended = true;
            return false;
        }
        if (n < FrameBytes)
        {
            _ended = true;
            process.WaitForExit(TimeSpan.FromSeconds(10));
            throw new VideoDecodeException($"the decoder stopped in the middle of a frame: {process.FirstError ?? "no reason given"}");
        }
        long number = (long)_framesRead++ * step;
        if (number > int.MaxValue)
            throw new VideoDecodeException("the video has more frames than can be numbered");
        frameNumber = (int)number;
        return true;
    }

    public void Dispose() => process.Dispose();
}

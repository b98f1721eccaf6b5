using System.CommandLine;
using Turntide.Core.Hashing.Video;

namespace Turntide.Cli.Video;

/// <summary>The options every video command shares: sampling, threads, limits and the decode-error policy.</summary>
internal sealed class VideoOptions
{
    public Option<double> SecondsPerHash { get; } = new("--seconds-per-hash")
    {
        HelpName = "SECONDS",
        Description = "Seconds between hashed frames; 0 hashes every frame (what the reference vpdq-hash-video does by default).",
        DefaultValueFactory = _ => 1.0,
    };

    public Option<int> Downsample { get; } = new("--downsample")
    {
        HelpName = "N",
        Description = "Scale frames to NxN before hashing (the reference's -s); 0 keeps the video's size.",
        DefaultValueFactory = _ => 0,
    };

    public Option<int> Threads { get; } = new("--threads")
    {
        HelpName = "N",
        Description = "Threads that hash frames (default: all cores). Decoding runs in its own ffmpeg process.",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public Option<bool> TolerateDecodeErrors { get; } = new("--tolerate-decode-errors")
    {
        Description = "Hash whatever frames a damaged video yields (errors printed as warnings) instead of failing it.",
    };

    public Option<long> MaxBytes { get; } = new("--max-bytes")
    {
        HelpName = "BYTES",
        Description = "Refuse video files larger than this many bytes.",
        DefaultValueFactory = _ => VideoLimits.Default.MaxBytes,
    };

    public Option<double> MaxDuration { get; } = new("--max-duration")
    {
        HelpName = "SECONDS",
        Description = "Refuse videos longer than this many seconds.",
        DefaultValueFactory = _ => VideoLimits.Default.MaxDurationSeconds,
    };

    public VideoOptions()
    {
        SecondsPerHash.Validators.Add(r =>
        {
            double v = r.GetValueOrDefault<double>();
            if (!(v >= 0) || v > 86_400)
                r.AddError("--seconds-per-hash must be between 0 and 86400.");
        });
        Downsample.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 16384)
                r.AddError("--downsample must be between 0 and 16384.");
        });
        Threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1024)
                r.AddError("--threads must be between 1 and 1024.");
        });
        MaxBytes.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 1)
                r.AddError("--max-bytes must be at least 1.");
        });
        MaxDuration.Validators.Add(r =>
        {
            double v = r.GetValueOrDefault<double>();
            if (!(v > 0) || double.IsInfinity(v))
                r.AddError("--max-duration must be a number of seconds above 0.");
        });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(SecondsPerHash);
        command.Options.Add(Downsample);
        command.Options.Add(Threads);
        command.Options.Add(TolerateDecodeErrors);
        command.Options.Add(MaxBytes);
        command.Options.Add(MaxDuration);
    }

    public VpdqOptions Read(ParseResult parse)
    {
        int downsample = parse.GetValue(Downsample);
        return new VpdqOptions
        {
            // The reference CLI reads -r with stof: go through float so the frame step is the same
            // (0.7 s at 30 fps is a step of 20 through float, 21 through double).
            SecondsPerHash = (float)parse.GetValue(SecondsPerHash),
            DownsampleWidth = downsample,
            DownsampleHeight = downsample,
            Threads = parse.GetValue(Threads),
            TolerateDecodeErrors = parse.GetValue(TolerateDecodeErrors),
            Limits = VideoLimits.Default with
            {
                MaxBytes = parse.GetValue(MaxBytes),
                MaxDurationSeconds = parse.GetValue(MaxDuration),
            },
        };
    }

    /// <summary>Hashes a video, writing its decoder warnings (when tolerated) to <paramref name="stderr"/>.</summary>
    /// <exception cref="VideoDecodeException">As <see cref="VpdqHasher.HashFile"/>; a broken limit names the option that sets it.</exception>
    public static VpdqVideoHash Hash(string path, VpdqOptions options, TextWriter stderr)
    {
        VpdqVideoHash result;
        try
        {
            result = VpdqHasher.HashFile(path, options);
        }
        catch (VideoDecodeException ex) when (ex.ExceededLimit is VideoLimit.Bytes or VideoLimit.Duration)
        {
            string option = ex.ExceededLimit == VideoLimit.Bytes ? "--max-bytes" : "--max-duration";
            throw new VideoDecodeException($"{ex.Message} (see {option})", ex) { ExceededLimit = ex.ExceededLimit };
        }
        foreach (var warning in result.DecodeErrors)
            stderr.WriteLine($"turntide: {path}: warning: {warning}");
        return result;
    }
}

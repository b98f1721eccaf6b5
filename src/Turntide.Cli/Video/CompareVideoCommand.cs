using System.CommandLine;
using System.Globalization;
using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Hashing.Video;

namespace Turntide.Cli.Video;

/// <summary>
/// <c>turntide compare-video A B</c>: how much of each video matches the other, from video files or vPDQ hash
/// files in the reference format.
/// </summary>
internal static class CompareVideoCommand
{
    public static Command Create()
    {
        var query = new Argument<string>("A") { Description = "The query: a video file or a vPDQ hash file (frame,quality,hash,timestamp lines)." };
        var compared = new Argument<string>("B") { Description = "The compared video: a video file or a vPDQ hash file." };
        var distance = new Option<int>("--distance")
        {
            HelpName = "D",
            Description = "Frame distance threshold (inclusive under the python rule, exclusive under the cpp rule).",
            DefaultValueFactory = _ => PdqHasher.MatchDistance,
        };
        var quality = new Option<int>("--quality")
        {
            HelpName = "Q",
            Description = "Frames below this quality are left out on both sides.",
            DefaultValueFactory = _ => PdqHasher.MinUsefulQuality,
        };
        var rule = new Option<string>("--rule")
        {
            Description = "python: python-threatexchange's counting (repeated hashes once, distance <= D); cpp: the C++ match-hashes-brute (every frame, distance < D).",
            DefaultValueFactory = _ => "python",
        };
        rule.AcceptOnlyFromAmong("python", "cpp");
        var queryThreshold = new Option<double>("--query-threshold")
        {
            HelpName = "PERCENT",
            Description = "Percent of A's frames that must match for the 'match' line to say yes.",
            DefaultValueFactory = _ => VpdqMatchResult.DefaultQueryMatchThresholdPercent,
        };
        var comparedThreshold = new Option<double>("--compared-threshold")
        {
            HelpName = "PERCENT",
            Description = "Percent of B's frames that must match for the 'match' line to say yes.",
            DefaultValueFactory = _ => VpdqMatchResult.DefaultComparedMatchThresholdPercent,
        };
        distance.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 256)
                r.AddError("--distance must be between 0 and 256.");
        });
        quality.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 101)
                r.AddError("--quality must be between 0 and 101.");
        });
        foreach (var threshold in new[] { queryThreshold, comparedThreshold })
        {
            threshold.Validators.Add(r =>
            {
                double v = r.GetValueOrDefault<double>();
                if (!(v >= 0 && v <= 100))
                    r.AddError($"{r.Option.Name} must be a percentage between 0 and 100.");
            });
        }
        var video = new VideoOptions();
        var command = new Command("compare-video",
            "Compare two videos by vPDQ: the share of A's frames that match B and of B's frames that match A.")
        {
            query, compared, distance, quality, rule, queryThreshold, comparedThreshold,
        };
        video.AddTo(command);
        command.SetAction(parse =>
        {
            var match = new VpdqMatchOptions
            {
                DistanceThreshold = parse.GetValue(distance),
                QualityThreshold = parse.GetValue(quality),
                Rule = parse.GetValue(rule) == "cpp" ? VpdqCountingRule.AllFramesBelowDistance : VpdqCountingRule.DedupedAtMostDistance,
            };
            return Run(parse.GetValue(query)!, parse.GetValue(compared)!, match, video.Read(parse),
                parse.GetValue(queryThreshold), parse.GetValue(comparedThreshold),
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        });
        return command;
    }

    internal static int Run(string queryPath, string comparedPath, VpdqMatchOptions match, VpdqOptions hashing,
        double queryThreshold, double comparedThreshold, TextWriter stdout, TextWriter stderr)
    {
        // Missing inputs are all reported before any video is decoded; then a failed A spares decoding B.
        bool missing = false;
        foreach (var path in new[] { queryPath, comparedPath }.Distinct())
        {
            if (!File.Exists(path))
            {
                stderr.WriteLine($"turntide: {path}: {(Directory.Exists(path) ? "is a folder, not a file" : "no such file")}");
                missing = true;
            }
        }
        if (missing)
            return 1;
        var queryFrames = Load(queryPath, hashing, stderr);
        var comparedFrames = queryFrames is null ? null : Load(comparedPath, hashing, stderr);
        if (queryFrames is null || comparedFrames is null)
            return 1;
        var result = VpdqMatcher.Match(queryFrames, comparedFrames, match);
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(c, $"query_match_percent {result.QueryMatchPercent:F2}"));
        stdout.WriteLine(string.Create(c, $"compared_match_percent {result.ComparedMatchPercent:F2}"));
        stdout.WriteLine(string.Create(c,
            $"match {(result.IsMatch(queryThreshold, comparedThreshold) ? "yes" : "no")} (query >= {queryThreshold}%, compared >= {comparedThreshold}%)"));
        stdout.Flush();
        return 0;
    }

    /// <summary>The frames of a hash file or of a video; null (after one error line) when neither works.</summary>
    private static IReadOnlyList<VpdqFrame>? Load(string path, VpdqOptions hashing, TextWriter stderr)
    {
        try
        {
            if (VpdqHashFile.LooksLikeHashFile(path))
                return VpdqHashFile.Read(path);
            return VideoOptions.Hash(path, hashing, stderr).Frames;
        }
        catch (Exception ex) when (ex is VideoDecodeException or FormatException or IOException or UnauthorizedAccessException)
        {
            string kind = ex is FormatException ? "not a vPDQ hash file: " : "";
            stderr.WriteLine($"turntide: {path}: {kind}{ex.Message}");
            return null;
        }
    }
}

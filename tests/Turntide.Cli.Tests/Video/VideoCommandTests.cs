using System.CommandLine;
using System.Diagnostics;
using Turntide.Cli.Video;
using Turntide.Core.Tests;

namespace Turntide.Cli.Tests.Video;

/// <summary><c>turntide vpdq</c> and <c>turntide compare-video</c>, run in-process with the real ffmpeg.</summary>
public class VideoCommandTests
{
    private static string Video(string name) => TestData.Path_("vpdq", "sample-videos", name + ".mp4");

    private static string Expected(string name) => TestData.Path_("vpdq", "expected", "regenerated-ffmpeg-5.1.9", name + ".txt");

    private static string Hashes(string name) => TestData.Path_("vpdq", "sample-hashes", name + ".txt");

    [Fact]
    public void VpdqPrintsTheReferenceOutputAtEveryFrame()
    {
        var (exit, stdout, stderr) = Run("vpdq", Video("pattern-sd-grey-bar"), "--seconds-per-hash", "0", "--threads", "2");
        Assert.Equal("", stderr);
        Assert.Equal(0, exit);
        Assert.Equal(File.ReadAllText(Expected("pattern-sd-grey-bar")), stdout);
    }

    [Fact]
    public void VpdqDownsampleEqualsReferenceDashS()
    {
        var (exit, stdout, _) = Run("vpdq", Video("doorknob-hd-no-bar"), "--seconds-per-hash", "0", "--downsample", "128");
        Assert.Equal(0, exit);
        Assert.Equal(File.ReadAllText(Expected("doorknob-hd-no-bar-128x128")), stdout);
    }

    [Fact]
    public void VpdqHashesOneFramePerSecondByDefault()
    {
        var (exit, stdout, _) = Run("vpdq", Video("doorknob-hd-no-bar"));
        Assert.Equal(0, exit);
        var expected = File.ReadLines(Expected("doorknob-hd-no-bar")).Where(l => int.Parse(l.Split(',')[0]) % 30 == 0);
        Assert.Equal(expected, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(4, stdout.Count(c => c == '\n'));
    }

    [Fact]
    public void VpdqReportsAMissingFileInOneLine()
    {
        var (exit, stdout, stderr) = Run("vpdq", "/no/such/video.mp4");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Equal("turntide: /no/such/video.mp4: no such file\n", stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void VpdqReportsATruncatedVideoAndPrintsNothing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"turntide-cut-{Guid.NewGuid():N}.mp4");
        try
        {
            var bytes = File.ReadAllBytes(Video("doorknob-hd-no-bar"));
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            var (exit, stdout, stderr) = Run("vpdq", path);
            Assert.Equal(1, exit);
            Assert.Equal("", stdout);
            Assert.StartsWith($"turntide: {path}: damaged or truncated video: ", stderr);
            Assert.Single(stderr.Trim().Split('\n'));

            var (tolerantExit, tolerantOut, tolerantErr) = Run("vpdq", path, "--tolerate-decode-errors", "--seconds-per-hash", "0");
            Assert.Equal(0, tolerantExit);
            Assert.NotEmpty(tolerantOut);
            Assert.Contains(": warning: ", tolerantErr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--threads", "0", "--threads must be between 1 and 1024.")]
    [InlineData("--seconds-per-hash", "-1", "--seconds-per-hash must be between 0 and 86400.")]
    [InlineData("--downsample", "-3", "--downsample must be between 0 and 16384.")]
    [InlineData("--max-duration", "0", "--max-duration must be a number of seconds above 0.")]
    public void VpdqRefusesBadOptions(string option, string value, string message)
    {
        var (exit, stdout, stderr) = Run("vpdq", Video("doorknob-hd-no-bar"), option, value);
        Assert.NotEqual(0, exit);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain(",100,", stdout);
    }

    [Fact]
    public void VpdqEnforcesTheDurationLimit()
    {
        var (exit, _, stderr) = Run("vpdq", Video("doorknob-hd-no-bar"), "--max-duration", "1");
        Assert.Equal(1, exit);
        Assert.Equal($"turntide: {Video("doorknob-hd-no-bar")}: video lasts 4.331 s, over the limit of 1 s (see --max-duration)\n",
            stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void CompareVideoPrintsBothPercentagesOfHashFiles()
    {
        var (exit, stdout, stderr) = Run("compare-video", Hashes("chair-19-sd-bar"), Hashes("chair-22-sd-sepia-bar"));
        Assert.Equal("", stderr);
        Assert.Equal(0, exit);
        Assert.Equal("query_match_percent 100.00\ncompared_match_percent 85.82\nmatch yes (query >= 80%, compared >= 0%)\n",
            stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void CompareVideoUsesTheCppRuleOnRequest()
    {
        var (exit, stdout, _) = Run("compare-video", Hashes("chair-22-sd-sepia-bar"), Hashes("chair-19-sd-bar"), "--rule", "cpp");
        Assert.Equal(0, exit);
        Assert.StartsWith("query_match_percent 83.95\ncompared_match_percent 100.00\nmatch yes", stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void CompareVideoHashesVideoFilesItIsGiven()
    {
        // A video against Meta's committed hashes of the same video (made with an older FFmpeg): all frames match.
        var (exit, stdout, stderr) = Run("compare-video", Video("pattern-sd-grey-bar"), Hashes("pattern-sd-grey-bar"));
        Assert.Equal("", stderr);
        Assert.Equal(0, exit);
        Assert.StartsWith("query_match_percent 100.00\n", stdout.ReplaceLineEndings("\n"));
        Assert.Contains("match yes", stdout);

        // And against an unrelated video nothing matches.
        var (_, other, _) = Run("compare-video", Video("pattern-sd-grey-bar"), Video("doorknob-hd-no-bar"));
        Assert.StartsWith("query_match_percent 0.00\ncompared_match_percent 0.00\nmatch no", other.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void CompareVideoThresholdsDecideTheMatchLine()
    {
        var (_, stdout, _) = Run("compare-video", Hashes("chair-19-sd-bar"), Hashes("chair-22-sd-sepia-bar"),
            "--compared-threshold", "90", "--distance", "31", "--quality", "50");
        Assert.EndsWith("match no (query >= 80%, compared >= 90%)\n", stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void CompareVideoNamesTheBadLineOfAHashFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"turntide-bad-{Guid.NewGuid():N}.txt");
        try
        {
            var lines = File.ReadLines(Hashes("chair-19-sd-bar")).Take(3).ToList();
            lines.Add("3,100,not-a-hash,0.100");
            File.WriteAllLines(path, lines);
            var (exit, stdout, stderr) = Run("compare-video", path, Hashes("chair-19-sd-bar"));
            Assert.Equal(1, exit);
            Assert.Equal("", stdout);
            Assert.StartsWith($"turntide: {path}: not a vPDQ hash file: line 4: 'not-a-hash' is not a 256-bit hash", stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CompareVideoReportsEachMissingInput()
    {
        var (exit, _, stderr) = Run("compare-video", "/no/a.txt", "/no/b.mp4");
        Assert.Equal(1, exit);
        Assert.Equal("turntide: /no/a.txt: no such file\nturntide: /no/b.mp4: no such file\n", stderr.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("--rule", "fuzzy", "'fuzzy' not recognized")]
    [InlineData("--distance", "257", "--distance must be between 0 and 256.")]
    [InlineData("--query-threshold", "101", "--query-threshold must be a percentage between 0 and 100.")]
    public void CompareVideoRefusesBadOptions(string option, string value, string message)
    {
        var (exit, stdout, stderr) = Run("compare-video", Hashes("chair-19-sd-bar"), Hashes("chair-19-sd-bar"), option, value);
        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("query_match_percent", stdout); // the usage text, not a result
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void InstalledCommandLineRegistersBothVideoCommands()
    {
        // The real entry point, as a process: Program.cs must register the commands.
        var cli = Path.Combine(AppContext.BaseDirectory, "turntide.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "compare-video", Hashes("chair-19-sd-bar"), Hashes("chair-19-sd-bar") })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr);
        Assert.StartsWith("query_match_percent 100.00\ncompared_match_percent 100.00\n", stdout);
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var root = new RootCommand { VpdqCommand.Create(), CompareVideoCommand.Create() };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }
}

using Turntide.Core.Hashing.Video;

namespace Turntide.Core.Tests.Hashing.Video;

/// <summary>The shared vPDQ golden vectors: sample videos, the reference's output for them, and the committed sample hashes.</summary>
internal static class VpdqTestData
{
    /// <summary>The five sample videos kept in the shared test data.</summary>
    public static readonly string[] Videos =
        ["doorknob-hd-no-bar", "pattern-sd-grey-bar", "pattern-sd-with-large-logo-bar", "pattern-sd-with-small-logo-bar", "test-padded-dimensions"];

    public static string Video(string name) => Existing(TestData.Path_("vpdq", "sample-videos", name + ".mp4"));

    /// <summary>The reference vpdq-hash-video's output with FFmpeg 5.1 (<c>-r 0</c>, and <c>-s 128</c> for the 128x128 files).</summary>
    public static string Regenerated(string name, bool downsample128) =>
        Existing(TestData.Path_("vpdq", "expected", "regenerated-ffmpeg-5.1.9", name + (downsample128 ? "-128x128" : "") + ".txt"));

    /// <summary>The hashes committed in Meta's repository, made with an older FFmpeg.</summary>
    public static string SampleHashes(string file) => Existing(TestData.Path_("vpdq", "sample-hashes", file));

    public static string MatchMatrix => Existing(TestData.Path_("vpdq", "expected", "match-matrix.csv"));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, bool), Lazy<VpdqVideoHash>> s_everyFrame = new();

    /// <summary>
    /// Our vPDQ of a sample at every frame (and at 128x128), computed once per test run: several test classes
    /// compare it with different golden files.
    /// </summary>
    public static VpdqVideoHash EveryFrame(string video, bool downsample128) =>
        s_everyFrame.GetOrAdd((video, downsample128), key => new Lazy<VpdqVideoHash>(() => VpdqHasher.HashFile(Video(key.Item1),
            new VpdqOptions { SecondsPerHash = 0, DownsampleWidth = key.Item2 ? 128 : 0, DownsampleHeight = key.Item2 ? 128 : 0 }))).Value;

    /// <summary>The 720p sample.</summary>
    public static string Doorknob => Video("doorknob-hd-no-bar");

    /// <summary>The colour and sampling fixtures kept beside these tests (see TestVideos/README.md).</summary>
    public static string Fixture(string file) =>
        Existing(Path.Combine(CheckoutRoot(), "tests", "Turntide.Core.Tests", "Hashing", "Video", "TestVideos", file));

    private static string CheckoutRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Turntide.slnx")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Cannot find the checkout root (Turntide.slnx) above " + AppContext.BaseDirectory);
    }

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"Golden vector missing: {path}", path);
}

/// <summary>A temporary folder deleted with everything in it at the end of a test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "turntide-test-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

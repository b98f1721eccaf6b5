using Turntide.Core.Hashing.Video;

namespace Turntide.Core.Tests.Hashing.Video;

/// <summary>
/// vPDQ of the sample videos with the real ffmpeg against the reference vpdq-hash-video built on the same
/// FFmpeg 5.1: every line (frame number, quality, hash, timestamp) must be identical.
/// </summary>
public class VpdqConformanceTests
{
    public static TheoryData<string, bool> VideosAndSizes()
    {
        var data = new TheoryData<string, bool>();
        foreach (var video in VpdqTestData.Videos)
        {
            data.Add(video, false);
            data.Add(video, true);
        }
        return data;
    }

    public static TheoryData<string> VideoNames() => [.. VpdqTestData.Videos];

    [Theory]
    [MemberData(nameof(VideosAndSizes))]
    public void EveryFrameEqualsReferenceWithSameFfmpeg(string video, bool downsample128)
    {
        var result = VpdqTestData.EveryFrame(video, downsample128);
        var expected = VpdqHashFile.Read(VpdqTestData.Regenerated(video, downsample128));

        Assert.Equal(expected.Count, result.Frames.Count);
        var report = FrameComparison.Of(expected, result.Frames);
        Assert.True(report.Identical, report.ToString());
        // The text is the reference's byte for byte, timestamps' rounding included.
        Assert.Equal(File.ReadAllText(VpdqTestData.Regenerated(video, downsample128)),
            string.Concat(result.Frames.Select(f => f + "\n")));
        Assert.Empty(result.DecodeErrors);
    }

    [Theory]
    [MemberData(nameof(VideoNames))]
    public void OneSecondSamplingHashesEveryStepthFrameOfTheReference(string video)
    {
        // Frames are hashed independently, so the reference's -r 1 output is its -r 0 output at frames n % step == 0.
        var all = VpdqHashFile.Read(VpdqTestData.Regenerated(video, downsample128: false));
        var result = VpdqHasher.HashFile(VpdqTestData.Video(video), new VpdqOptions { SecondsPerHash = 1 });

        Assert.Equal(30, result.FrameStep); // all samples are 30 fps
        var expected = all.Where(f => f.FrameNumber % 30 == 0).Select(f => f.ToString()).ToArray();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, result.Frames.Select(f => f.ToString()).ToArray());
    }

    public static TheoryData<string> Fixtures() =>
        ["bt709-tagged.mp4", "full-range-tagged.webm", "yuvj420p.mp4", "gray.mkv", "10bit.mp4", "rotated.mp4", "ntsc-29.97.mp4"];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ColourTagsRangeDepthAndRotationAreHandledAsByTheReference(string video)
    {
        // swscale's defaults, not the stream's colour tags; full range for yuvj and grey; no rotation.
        var result = VpdqHasher.HashFile(VpdqTestData.Fixture(video), new VpdqOptions { SecondsPerHash = 0 });
        var expected = File.ReadAllText(VpdqTestData.Fixture(Path.GetFileNameWithoutExtension(video) + ".r0.txt"));
        Assert.Equal(expected, string.Concat(result.Frames.Select(f => f + "\n")));
    }

    [Fact]
    public void OneSecondAt2997FpsHashesEvery29thFrameAsTheReference()
    {
        var result = VpdqHasher.HashFile(VpdqTestData.Fixture("ntsc-29.97.mp4"), new VpdqOptions { SecondsPerHash = 1 });
        Assert.Equal(29, result.FrameStep);
        Assert.Equal(File.ReadAllText(VpdqTestData.Fixture("ntsc-29.97.r1.txt")), string.Concat(result.Frames.Select(f => f + "\n")));
    }

    [Fact]
    public void SamplesAreProbedAsTheReferenceSeesThem()
    {
        var info = VpdqHasher.Probe(VpdqTestData.Doorknob);
        Assert.Equal((1280, 720), (info.Width, info.Height));
        Assert.Equal(30.0, info.FrameRate);
        Assert.Equal("h264", info.Codec);
        Assert.Equal("yuv420p", info.PixelFormat);
        Assert.StartsWith("mov,mp4", info.Container);
        Assert.Equal(4.331, info.DurationSeconds!.Value, 3); // the container's: audio outlasts the 4 s of video
    }

    [Fact]
    public void ThreadCountDoesNotChangeTheOutput()
    {
        var video = VpdqTestData.Video("pattern-sd-grey-bar");
        var one = VpdqHasher.HashFile(video, new VpdqOptions { SecondsPerHash = 0, Threads = 1 });
        var three = VpdqHasher.HashFile(video, new VpdqOptions { SecondsPerHash = 0, Threads = 3 });
        Assert.Equal(206, one.Frames.Count);
        Assert.Equal(one.Frames, three.Frames);
    }
}

/// <summary>
/// Committed sample hashes predate FFmpeg 5.1: decoders and swscale changed since, so hashes drift by a few
/// bits. Frame numbers and timestamps must still agree, and every frame of quality >= 50 must stay within
/// PDQ's match distance of the committed hash.
/// </summary>
public class VpdqCommittedHashesTests
{
    public static TheoryData<string, bool> VideosAndSizes()
    {
        // Meta's repository has no 128x128 hashes of test-padded-dimensions; its full-size case is here.
        var data = new TheoryData<string, bool>();
        foreach (var video in VpdqTestData.Videos)
        {
            data.Add(video, false);
            if (video != "test-padded-dimensions")
                data.Add(video, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(VideosAndSizes))]
    public void FramesOfQualityAtLeast50AreWithinDistance31OfCommittedHashes(string video, bool downsample128)
    {
        string file = video + (downsample128 ? "-128x128" : "") + ".txt";
        var committed = VpdqHashFile.Read(VpdqTestData.SampleHashes(file));
        var ours = VpdqTestData.EveryFrame(video, downsample128).Frames;

        Assert.Equal(committed.Select(Timing), ours.Select(Timing));
        int trusted = 0;
        for (int i = 0; i < committed.Count; i++)
        {
            // Quality >= 50 on either side: a frame either hasher would let take part in matching.
            if (committed[i].Quality < 50 && ours[i].Quality < 50)
                continue;
            trusted++;
            int distance = committed[i].Hash.DistanceTo(ours[i].Hash);
            Assert.True(distance <= 31,
                $"{file} frame {committed[i].FrameNumber}: distance {distance} to the committed hash (qualities {committed[i].Quality} and {ours[i].Quality})");
        }
        Assert.True(trusted >= 50, $"{file}: only {trusted} of {committed.Count} frames have quality >= 50");
    }

    private static string Timing(VpdqFrame f) => $"{f.FrameNumber},{f.TimestampSeconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>Counts how two lists of frames differ, field by field, for a failure message that says why.</summary>
internal sealed record FrameComparison(int Frames, int FrameNumberDiffs, int TimestampDiffs, int QualityDiffs, int HashDiffs, int MaxDistance)
{
    public bool Identical => FrameNumberDiffs == 0 && TimestampDiffs == 0 && QualityDiffs == 0 && HashDiffs == 0;

    public static FrameComparison Of(IReadOnlyList<VpdqFrame> expected, IReadOnlyList<VpdqFrame> actual)
    {
        int n = Math.Min(expected.Count, actual.Count);
        int frameDiffs = 0, timeDiffs = 0, qualityDiffs = 0, hashDiffs = 0, maxDistance = 0;
        for (int i = 0; i < n; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (e.FrameNumber != a.FrameNumber) frameDiffs++;
            if (e.TimestampSeconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) != a.TimestampSeconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)) timeDiffs++;
            if (e.Quality != a.Quality) qualityDiffs++;
            int d = e.Hash.DistanceTo(a.Hash);
            if (d != 0) hashDiffs++;
            maxDistance = Math.Max(maxDistance, d);
        }
        return new FrameComparison(n, frameDiffs, timeDiffs, qualityDiffs, hashDiffs, maxDistance);
    }

    public override string ToString() =>
        $"{Frames} frames: {FrameNumberDiffs} frame numbers, {TimestampDiffs} timestamps, {QualityDiffs} qualities and {HashDiffs} hashes differ (max distance {MaxDistance})";
}
